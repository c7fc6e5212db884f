# MobileNetV2 + Shuffle Attention G=64 on CIFAR-100. Placement: after the projection conv+BN (no
#   paper placement), group_fallback='largest_divisor'.
_base_ = '../_base_/mmpretrain/mobilenet-v2_8xb16_cifar100.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='SA', groups=64, group_fallback='largest_divisor'),
                position='after_project'),
        ]))
