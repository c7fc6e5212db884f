# Faster R-CNN FPN R-101 1x on COCO with Non-local (1 block after res4). Placement: mmcv NonLocal2d
#   (embedded Gaussian, reduction 2): one block on res4 (layer3). The NL paper puts its detection
#   block "right before the last residual block of res4"; AttnResNet has no slot between two blocks
#   of a stage, so it sits on the main path right after res4 (after_stage of layer3), in every task
#   so the checkpoint transfers. O((HW)^2) memory: at res4 only.
# Backbone initialised from our ImageNet classification checkpoint (pretrain with the module, then
#   transfer): train nonlocal/nonlocal-resnet101_8xb32_in1k.py first, or run both steps with
#   tools/train_chain.sh. frozen_stages=1 and norm_eval=True as mmdet. Alternative init:
#   faster-rcnn_nonlocal-r101_tv-pre_fpn_1x_coco.py.
_base_ = '../_base_/mmdet/faster-rcnn_r101_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='NonLocal2d', reduction=2, use_scale=True, mode='embedded_gaussian'),
                position='after_stage',
                stages=(False, False, True, False)),
        ],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/nonlocal-resnet101_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
