# MobileNetV2 + GAM r=16 on ImageNet-1k. Placement: after the 3x3 depthwise conv (the paper
#   evaluates MobileNet; position unverified).
_base_ = '../_base_/mmpretrain/mobilenet-v2_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(backbone=dict(plugins=[dict(cfg=dict(type='GAM', reduction=16), position='after_dw')]))
