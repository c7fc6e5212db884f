# ResNet-101 + GAM r=16 on ImageNet-1k. Placement: GAM (Liu et al., 2021), r=16, after the last BN
#   of every block: the reading that reproduces the paper's CIFAR-100 ResNet-50 table (149,470,388).
_base_ = '../_base_/mmpretrain/resnet101_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(plugins=[dict(cfg=dict(type='GAM', reduction=16), position='after_last_bn')]))
