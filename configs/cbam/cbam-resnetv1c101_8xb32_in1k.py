# ResNetV1c-101 + CBAM r=16 on ImageNet-1k. Placement: CBAM (Woo et al., ECCV 2018), r=16, channel
#   then spatial gate after the last BN of every block, before the residual add (ResNet-50
#   28,089,624; CIFAR-100 26,237,844).
# Deep-stem classification checkpoint for the DeepLabV3/V3+ configs of this folder (mmseg's backbone
#   is ResNetV1c).
_base_ = '../_base_/mmpretrain/resnetv1c101_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(plugins=[dict(cfg=dict(type='CBAM', reduction=16), position='after_last_bn')]))
