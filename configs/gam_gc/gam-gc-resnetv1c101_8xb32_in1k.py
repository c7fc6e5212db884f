# ResNetV1c-101 + GAM r=16, group conv (g=4) on ImageNet-1k. Placement: GAM with group convolutions
#   + channel shuffle in the spatial branch (groups=4), the paper's "GAM (gc)" row (CIFAR-100
#   ResNet-50 57,046,196).
# Deep-stem classification checkpoint for the DeepLabV3/V3+ configs of this folder (mmseg's backbone
#   is ResNetV1c).
_base_ = '../_base_/mmpretrain/resnetv1c101_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[dict(cfg=dict(type='GAM', reduction=16, groups=4), position='after_last_bn')]))
