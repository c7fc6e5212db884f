# MobileNetV2 + STEAM (re-implementation) on CIFAR-100. Placement: after the projection conv+BN of
#   the last block of each of the 7 layers (our choice, mirroring the ResNet rule; the paper claims
#   lightweight backbones but no placement is known).
_base_ = '../_base_/mmpretrain/mobilenet-v2_8xb16_cifar100.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='STEAM', embed_dim=8, num_heads=2, ogp_size=4),
                position='after_project',
                blocks=(-1, )),
        ]))
