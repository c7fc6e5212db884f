# ResNet-18 + GAM r=16, group conv (g=4) on CIFAR-100. Placement: GAM with group convolutions +
#   channel shuffle in the spatial branch (groups=4), the paper's "GAM (gc)" row (CIFAR-100
#   ResNet-50 57,046,196).
_base_ = '../_base_/mmpretrain/resnet18_8xb16_cifar100.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[dict(cfg=dict(type='GAM', reduction=16, groups=4), position='after_last_bn')]))
