# MobileNetV2 + GAM r=16, group conv (g=4) on ImageNet-1k. Placement: after the 3x3 depthwise conv,
#   group_fallback='largest_divisor' (32/16=2 mid channels in the first block).
_base_ = '../_base_/mmpretrain/mobilenet-v2_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='GAM', reduction=16, groups=4, group_fallback='largest_divisor'),
                position='after_dw'),
        ]))
