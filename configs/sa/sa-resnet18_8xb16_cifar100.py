# ResNet-18 + Shuffle Attention G=64 on CIFAR-100. Placement: SA-Net (Zhang & Yang, ICASSP 2021),
#   G=64, after the last BN of every block (ResNet-50 25,557,740). ResNet-18:
#   group_fallback='largest_divisor' because 64 channels cannot hold 2x64 groups (SA-Net has no
#   ResNet-18).
_base_ = '../_base_/mmpretrain/resnet18_8xb16_cifar100.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='SA', groups=64, group_fallback='largest_divisor'),
                position='after_last_bn'),
        ]))
