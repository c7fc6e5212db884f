# ResNetV1c-50 + SimAM (parameter-free) on ImageNet-1k. Placement: SimAM (Yang et al., ICML 2021)
#   inside conv2: after the 3x3 conv, before bn2 (Bottleneck and BasicBlock), as the official
#   resnet.py and mmdet resnet_simam.py (0 params). lambda=0.1 (ImageNet and detection/segmentation:
#   the official ImageNet runs and mmdet configs), 1e-4 on CIFAR (the module default, the official
#   CIFAR run).
# Deep-stem classification checkpoint for the DeepLabV3/V3+ configs of this folder (mmseg's backbone
#   is ResNetV1c).
_base_ = '../_base_/mmpretrain/resnetv1c50_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(plugins=[dict(cfg=dict(type='SimAM', e_lambda=0.1), position='before_norm2')]))
