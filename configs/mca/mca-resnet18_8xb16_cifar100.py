# ResNet-18 + MCA-E (Moment Channel Attention) on CIFAR-100. Placement: MCA-E (Jiang et al., AAAI
#   2024; mean + std, k=3 as the released moment.py) after the last BN of every block like ECA (the
#   repository gives no placement; ResNet-50 25,557,144). MCA-S: variant='S'.
_base_ = '../_base_/mmpretrain/resnet18_8xb16_cifar100.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[dict(cfg=dict(type='MCA', variant='E', kernel_size=3), position='after_last_bn')]))
