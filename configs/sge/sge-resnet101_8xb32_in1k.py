# ResNet-101 + SGE G=64 on ImageNet-1k. Placement: SGE (Li et al., 2019), G=64 in every stage, after
#   the last BN of every block (ResNet-50 25,559,080). ResNet-18's 64-channel layer1 has one channel
#   per group, as in PytorchInsight.
_base_ = '../_base_/mmpretrain/resnet101_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(plugins=[dict(cfg=dict(type='SGE', groups=64), position='after_last_bn')]))
