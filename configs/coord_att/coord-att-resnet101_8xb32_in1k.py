# ResNet-101 + Coordinate Attention r=32 on ImageNet-1k. Placement: Coordinate Attention (Hou et
#   al., CVPR 2021), r=32. There is no official ResNet placement; here after the last BN of every
#   block like SE (our choice; ResNet-50 27,474,864).
_base_ = '../_base_/mmpretrain/resnet101_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[dict(cfg=dict(type='CoordAtt', reduction=32), position='after_last_bn')]))
