# Mask R-CNN FPN R-50 1x on COCO, no attention module.
# Backbone initialised from our ImageNet classification checkpoint (pretrain with the module, then
#   transfer): train baseline/resnet50_8xb32_in1k.py first, or run both steps with
#   tools/train_chain.sh. frozen_stages=1 and norm_eval=True as mmdet. Alternative init:
#   mask-rcnn_r50_tv-pre_fpn_1x_coco.py.
_base_ = '../_base_/mmdet/mask-rcnn_r50_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/resnet50_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
