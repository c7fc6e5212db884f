# MobileNetV2 + Triplet Attention k=7 on CIFAR-100. Placement: after the projection conv+BN as the
#   official MODELS/mobilenet.py, k=7 (3,509,972); all three BN weights start at 1 there
#   (hw_bn_weight=1.).
_base_ = '../_base_/mmpretrain/mobilenet-v2_8xb16_cifar100.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='TripletAttention', kernel_size=7, hw_bn_weight=1.0),
                position='after_project'),
        ]))
