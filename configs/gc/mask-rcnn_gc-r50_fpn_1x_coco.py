# Mask R-CNN FPN R-50 1x on COCO with GCNet ContextBlock r=1/16. Placement: mmcv ContextBlock
#   (GCNet), ratio 1/16, after conv3/bn3 of every block (after_last_bn = mmdet's after_conv3 in a
#   Bottleneck): all stages for classification (the ImageNet entry, ResNet-50 28,105,032), stages
#   c3-c5 for detection and segmentation as mmdet configs/gcnet (the stage-1 blocks of the
#   classification checkpoint are then unused).
# Backbone initialised from our ImageNet classification checkpoint (pretrain with the module, then
#   transfer): train gc/gc-resnet50_8xb32_in1k.py first, or run both steps with
#   tools/train_chain.sh. frozen_stages=1 and norm_eval=True as mmdet. Alternative init:
#   mask-rcnn_gc-r50_tv-pre_fpn_1x_coco.py.
_base_ = '../_base_/mmdet/mask-rcnn_r50_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='ContextBlock', ratio=1. / 16),
                position='after_last_bn',
                stages=(False, True, True, True)),
        ],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/gc-resnet50_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True,
            allow_unexpected=r'layer1\.\d+\.context_block\.')))
