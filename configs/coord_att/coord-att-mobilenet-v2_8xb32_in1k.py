# MobileNetV2 + Coordinate Attention r=32 on ImageNet-1k. Placement: after the 3x3 depthwise conv
#   (+BN+ReLU6) of all 17 inverted residuals, r=32 (3,951,504; the official mbv2_ca.py skips the t=1
#   block: 3,950,648).
_base_ = '../_base_/mmpretrain/mobilenet-v2_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(plugins=[dict(cfg=dict(type='CoordAtt', reduction=32), position='after_dw')]))
