# MobileNetV2 + SGE G=64 on ImageNet-1k. Placement: after the projection conv+BN (ECA/Triplet's
#   MobileNetV2 position; no paper placement), group_fallback='largest_divisor' for widths 16/24/32
#   that 64 groups do not divide.
_base_ = '../_base_/mmpretrain/mobilenet-v2_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='SGE', groups=64, group_fallback='largest_divisor'),
                position='after_project'),
        ]))
