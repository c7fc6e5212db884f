# ResNet-50 + SE r=16 on CIFAR-100. Placement: SE (Hu et al., CVPR 2018), r=16, after the last BN of
#   every block, before the residual add. ImageNet and downstream: FC biases as the official Caffe
#   model (SE-ResNet-50 28,088,024); CIFAR-100: no FC biases, the GAM paper's "+SE 26.22M" row
#   (26,220,196).
_base_ = '../_base_/mmpretrain/resnet50_8xb16_cifar100.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[dict(cfg=dict(type='SE', reduction=16, bias=False), position='after_last_bn')]))
