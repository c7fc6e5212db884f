# DeepLabV3 R-50-D8 on Cityscapes (80k iterations, mmseg's schedule) with Non-local (1 block after
#   res4). Placement: mmcv NonLocal2d (embedded Gaussian, reduction 2): one block on res4 (layer3).
#   The NL paper puts its detection block "right before the last residual block of res4"; AttnResNet
#   has no slot between two blocks of a stage, so it sits on the main path right after res4
#   (after_stage of layer3), in every task so the checkpoint transfers. O((HW)^2) memory: at res4
#   only.
# Backbone (deep-stem AttnResNetV1c) initialised from our ImageNet checkpoint
#   nonlocal/nonlocal-resnetv1c50_8xb32_in1k.py (pretrain with the module, then transfer):
#   model.pretrained=None, backbone init_cfg with prefix='backbone.'. mmseg's own
#   open-mmlab://resnet50_v1c init: --cfg-options model.pretrained=open-mmlab://resnet50_v1c
#   model.backbone.init_cfg=None.
_base_ = '../_base_/mmseg/deeplabv3_r50-d8_4xb2-80k_cityscapes-512x1024.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    pretrained=None,
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='NonLocal2d', reduction=2, use_scale=True, mode='embedded_gaussian'),
                position='after_stage',
                stages=(False, False, True, False)),
        ],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/nonlocal-resnetv1c50_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
