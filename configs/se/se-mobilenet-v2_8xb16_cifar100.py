# MobileNetV2 + SE r=16 on CIFAR-100. Placement: after the 3x3 depthwise conv of every inverted
#   residual, r=24: the Coordinate Attention paper's SE comparison [unverified: position and r are
#   not stated in any retrievable text; this choice reproduces its 3.89M (3,888,305)].
_base_ = '../_base_/mmpretrain/mobilenet-v2_8xb16_cifar100.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(backbone=dict(plugins=[dict(cfg=dict(type='SE', reduction=24), position='after_dw')]))
