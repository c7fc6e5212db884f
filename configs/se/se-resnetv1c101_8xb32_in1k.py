# ResNetV1c-101 + SE r=16 on ImageNet-1k. Placement: SE (Hu et al., CVPR 2018), r=16, after the last
#   BN of every block, before the residual add. ImageNet and downstream: FC biases as the official
#   Caffe model (SE-ResNet-50 28,088,024); CIFAR-100: no FC biases, the GAM paper's "+SE 26.22M" row
#   (26,220,196).
# Deep-stem classification checkpoint for the DeepLabV3/V3+ configs of this folder (mmseg's backbone
#   is ResNetV1c).
_base_ = '../_base_/mmpretrain/resnetv1c101_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(plugins=[dict(cfg=dict(type='SE', reduction=16), position='after_last_bn')]))
