# Mask R-CNN FPN R-101 1x on COCO with SE r=16. Placement: SE (Hu et al., CVPR 2018), r=16, after
#   the last BN of every block, before the residual add. ImageNet and downstream: FC biases as the
#   official Caffe model (SE-ResNet-50 28,088,024); CIFAR-100: no FC biases, the GAM paper's "+SE
#   26.22M" row (26,220,196).
# Backbone initialised from our ImageNet classification checkpoint (pretrain with the module, then
#   transfer): train se/se-resnet101_8xb32_in1k.py first, or run both steps with
#   tools/train_chain.sh. frozen_stages=1 and norm_eval=True as mmdet. Alternative init:
#   mask-rcnn_se-r101_tv-pre_fpn_1x_coco.py.
_base_ = '../_base_/mmdet/mask-rcnn_r101_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[dict(cfg=dict(type='SE', reduction=16), position='after_last_bn')],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/se-resnet101_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
