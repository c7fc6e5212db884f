# ResNetV1c-101 + Triplet Attention k=7 on ImageNet-1k. Placement: Triplet Attention (Misra et al.,
#   WACV 2021), k=7, after the last BN of every block, before the residual add (ResNet-50
#   25,561,832); the hw (spatial) branch's BN weight starts at 0 as the official ImageNet ResNet
#   code.
# Deep-stem classification checkpoint for the DeepLabV3/V3+ configs of this folder (mmseg's backbone
#   is ResNetV1c).
_base_ = '../_base_/mmpretrain/resnetv1c101_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[dict(cfg=dict(type='TripletAttention', kernel_size=7), position='after_last_bn')]))
