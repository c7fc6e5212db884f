# Faster R-CNN FPN R-101 1x on COCO with Coordinate Attention r=32. Placement: Coordinate Attention
#   (Hou et al., CVPR 2021), r=32. There is no official ResNet placement; here after the last BN of
#   every block like SE (our choice; ResNet-50 27,474,864).
# Backbone initialised from our ImageNet classification checkpoint (pretrain with the module, then
#   transfer): train coord_att/coord-att-resnet101_8xb32_in1k.py first, or run both steps with
#   tools/train_chain.sh. frozen_stages=1 and norm_eval=True as mmdet. Alternative init:
#   faster-rcnn_coord-att-r101_tv-pre_fpn_1x_coco.py.
_base_ = '../_base_/mmdet/faster-rcnn_r101_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[dict(cfg=dict(type='CoordAtt', reduction=32), position='after_last_bn')],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/coord-att-resnet101_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
