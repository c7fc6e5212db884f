# MobileNetV2 + SimAM (parameter-free) on ImageNet-1k. Placement: between the 3x3 depthwise conv and
#   its BN in every block, as the official mobilenetv2.py (0 params).
_base_ = '../_base_/mmpretrain/mobilenet-v2_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(plugins=[dict(cfg=dict(type='SimAM', e_lambda=0.1), position='before_dw_norm')]))
