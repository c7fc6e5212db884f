# MobileNetV2 + GAM r=16 on CIFAR-100. Placement: after the 3x3 depthwise conv (the paper evaluates
#   MobileNet; position unverified).
_base_ = '../_base_/mmpretrain/mobilenet-v2_8xb16_cifar100.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(backbone=dict(plugins=[dict(cfg=dict(type='GAM', reduction=16), position='after_dw')]))
