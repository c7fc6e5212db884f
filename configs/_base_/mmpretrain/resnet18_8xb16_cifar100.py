# ResNet-18 on CIFAR-100: the analogue of resnet50_8xb16_cifar100 (same data, schedule and CIFAR
#   stem; mmpretrain publishes ResNet-18 only for CIFAR-10).
_base_ = './resnet50_8xb16_cifar100.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(backbone=dict(depth=18), head=dict(in_channels=512))
