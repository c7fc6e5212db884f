# MobileNetV2 + GAM r=16, group conv (g=4) on CIFAR-100. Placement: after the 3x3 depthwise conv,
#   group_fallback='largest_divisor' (32/16=2 mid channels in the first block).
_base_ = '../_base_/mmpretrain/mobilenet-v2_8xb16_cifar100.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='GAM', reduction=16, groups=4, group_fallback='largest_divisor'),
                position='after_dw'),
        ]))
