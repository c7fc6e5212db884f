# Mask R-CNN FPN R-50 1x on COCO with Shuffle Attention G=64. Placement: SA-Net (Zhang & Yang,
#   ICASSP 2021), G=64, after the last BN of every block (ResNet-50 25,557,740). ResNet-18:
#   group_fallback='largest_divisor' because 64 channels cannot hold 2x64 groups (SA-Net has no
#   ResNet-18).
# Backbone initialised from our ImageNet classification checkpoint (pretrain with the module, then
#   transfer): train sa/sa-resnet50_8xb32_in1k.py first, or run both steps with
#   tools/train_chain.sh. frozen_stages=1 and norm_eval=True as mmdet. Alternative init:
#   mask-rcnn_sa-r50_tv-pre_fpn_1x_coco.py.
_base_ = '../_base_/mmdet/mask-rcnn_r50_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[dict(cfg=dict(type='SA', groups=64), position='after_last_bn')],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/sa-resnet50_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
