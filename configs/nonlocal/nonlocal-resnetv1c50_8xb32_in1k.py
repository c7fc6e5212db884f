# ResNetV1c-50 + Non-local (1 block after res4) on ImageNet-1k. Placement: mmcv NonLocal2d (embedded
#   Gaussian, reduction 2): one block on res4 (layer3). The NL paper puts its detection block "right
#   before the last residual block of res4"; AttnResNet has no slot between two blocks of a stage,
#   so it sits on the main path right after res4 (after_stage of layer3), in every task so the
#   checkpoint transfers. O((HW)^2) memory: at res4 only.
# Deep-stem classification checkpoint for the DeepLabV3/V3+ configs of this folder (mmseg's backbone
#   is ResNetV1c).
_base_ = '../_base_/mmpretrain/resnetv1c50_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='NonLocal2d', reduction=2, use_scale=True, mode='embedded_gaussian'),
                position='after_stage',
                stages=(False, False, True, False)),
        ]))
