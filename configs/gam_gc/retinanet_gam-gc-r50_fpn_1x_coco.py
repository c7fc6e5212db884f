# RetinaNet FPN R-50 1x on COCO with GAM r=16, group conv (g=4). Placement: GAM with group
#   convolutions + channel shuffle in the spatial branch (groups=4), the paper's "GAM (gc)" row
#   (CIFAR-100 ResNet-50 57,046,196).
# Backbone initialised from our ImageNet classification checkpoint (pretrain with the module, then
#   transfer): train gam_gc/gam-gc-resnet50_8xb32_in1k.py first, or run both steps with
#   tools/train_chain.sh. frozen_stages=1 and norm_eval=True as mmdet. Alternative init:
#   retinanet_gam-gc-r50_tv-pre_fpn_1x_coco.py.
_base_ = '../_base_/mmdet/retinanet_r50_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[dict(cfg=dict(type='GAM', reduction=16, groups=4), position='after_last_bn')],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/gam-gc-resnet50_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
