# MobileNetV2 + CBAM r=16 on CIFAR-100. Placement: after the 3x3 depthwise conv, r=24: the
#   Coordinate Attention paper's CBAM comparison [unverified: position and r inferred from its 3.89M
#   (3,890,005)].
_base_ = '../_base_/mmpretrain/mobilenet-v2_8xb16_cifar100.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(plugins=[dict(cfg=dict(type='CBAM', reduction=24), position='after_dw')]))
