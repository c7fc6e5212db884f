# MobileNetV2 + SimAM (parameter-free) on CIFAR-100. Placement: between the 3x3 depthwise conv and
#   its BN in every block, as the official mobilenetv2.py (0 params).
_base_ = '../_base_/mmpretrain/mobilenet-v2_8xb16_cifar100.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[dict(cfg=dict(type='SimAM', e_lambda=0.0001), position='before_dw_norm')]))
