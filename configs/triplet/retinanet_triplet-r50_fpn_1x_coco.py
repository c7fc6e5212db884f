# RetinaNet FPN R-50 1x on COCO with Triplet Attention k=7. Placement: Triplet Attention (Misra et
#   al., WACV 2021), k=7, after the last BN of every block, before the residual add (ResNet-50
#   25,561,832); the hw (spatial) branch's BN weight starts at 0 as the official ImageNet ResNet
#   code.
# Backbone initialised from our ImageNet classification checkpoint (pretrain with the module, then
#   transfer): train triplet/triplet-resnet50_8xb32_in1k.py first, or run both steps with
#   tools/train_chain.sh. frozen_stages=1 and norm_eval=True as mmdet. Alternative init:
#   retinanet_triplet-r50_tv-pre_fpn_1x_coco.py.
_base_ = '../_base_/mmdet/retinanet_r50_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[dict(cfg=dict(type='TripletAttention', kernel_size=7), position='after_last_bn')],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/triplet-resnet50_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
