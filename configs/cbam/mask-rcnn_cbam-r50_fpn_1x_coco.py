# Mask R-CNN FPN R-50 1x on COCO with CBAM r=16. Placement: CBAM (Woo et al., ECCV 2018), r=16,
#   channel then spatial gate after the last BN of every block, before the residual add (ResNet-50
#   28,089,624; CIFAR-100 26,237,844).
# Backbone initialised from our ImageNet classification checkpoint (pretrain with the module, then
#   transfer): train cbam/cbam-resnet50_8xb32_in1k.py first, or run both steps with
#   tools/train_chain.sh. frozen_stages=1 and norm_eval=True as mmdet. Alternative init:
#   mask-rcnn_cbam-r50_tv-pre_fpn_1x_coco.py.
_base_ = '../_base_/mmdet/mask-rcnn_r50_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[dict(cfg=dict(type='CBAM', reduction=16), position='after_last_bn')],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/cbam-resnet50_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
