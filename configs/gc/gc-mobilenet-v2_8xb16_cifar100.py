# MobileNetV2 + GCNet ContextBlock r=1/16 on CIFAR-100. Placement: after the projection conv+BN of
#   every block (our choice; no paper placement).
_base_ = '../_base_/mmpretrain/mobilenet-v2_8xb16_cifar100.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[dict(cfg=dict(type='ContextBlock', ratio=1. / 16), position='after_project')]))
