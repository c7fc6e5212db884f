# ResNet-50 + EMA factor 32 on ImageNet-1k. Placement: EMA (Ouyang et al., ICASSP 2023), factor 32,
#   after the last BN of every block, the CA/NAM position the author names (ResNet-50 25,755,400;
#   the README's CIFAR 23.85M is not reproduced by any placement: 23,903,620 here).
_base_ = '../_base_/mmpretrain/resnet50_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(plugins=[dict(cfg=dict(type='EMA', factor=32), position='after_last_bn')]))
