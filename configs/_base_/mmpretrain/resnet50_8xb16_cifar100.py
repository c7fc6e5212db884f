# mmpretrain resnet50_8xb16_cifar100 (200 epochs, lr 0.1, wd 5e-4, steps 60/120/160 x0.2) with
#   AttnResNet_CIFAR (3x3 stem, no max-pool: ResNet_CIFAR's layout and names) and CIFAR100Local,
#   which reads the CIFAR-100 python pickles under data/cifar100 without md5 checks and never
#   downloads.
# The GAM paper's setting: ResNet-50 on CIFAR-100 (23,705,252 parameters).
_base_ = 'mmpretrain::resnet/resnet50_8xb16_cifar100.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(backbone=dict(type='AttnResNet_CIFAR'))
train_dataloader = dict(dataset=dict(type='CIFAR100Local', data_root='data/cifar100'))
val_dataloader = dict(dataset=dict(type='CIFAR100Local', data_root='data/cifar100'))
test_dataloader = dict(dataset=dict(type='CIFAR100Local', data_root='data/cifar100'))
