# MobileNetV2 + EMA factor 32 on ImageNet-1k. Placement: after the 3x3 depthwise conv (the CA
#   position), factor 32; group_fallback='largest_divisor' for the 144-channel blocks, where the
#   official module crashes (24 groups; 3,550,156, README 3.55M).
_base_ = '../_base_/mmpretrain/mobilenet-v2_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='EMA', factor=32, group_fallback='largest_divisor'),
                position='after_dw'),
        ]))
