# ResNet-50 + GCNet ContextBlock r=1/16 on CIFAR-100. Placement: mmcv ContextBlock (GCNet), ratio
#   1/16, after conv3/bn3 of every block (after_last_bn = mmdet's after_conv3 in a Bottleneck): all
#   stages for classification (the ImageNet entry, ResNet-50 28,105,032), stages c3-c5 for detection
#   and segmentation as mmdet configs/gcnet (the stage-1 blocks of the classification checkpoint are
#   then unused).
_base_ = '../_base_/mmpretrain/resnet50_8xb16_cifar100.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[dict(cfg=dict(type='ContextBlock', ratio=1. / 16), position='after_last_bn')]))
