# ResNet-50 on CIFAR-100, no attention module (the reference run).
_base_ = '../_base_/mmpretrain/resnet50_8xb16_cifar100.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
