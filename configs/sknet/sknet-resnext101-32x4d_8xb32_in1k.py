# ResNeXt-101 32x4d + SKNet (SK in ResNeXt 32x4d) on ImageNet-1k. Placement: SKNet-50/101 (Li et
#   al., CVPR 2019; implus/SKNet prototxt): the grouped 3x3 conv of every ResNeXt 32x4d bottleneck
#   (AttnResNeXt) replaced by two group-32 paths (dilation 1 and 2), r=16, L=32 (SKNet-50 27,479,784
#   vs ResNeXt-50 25,028,904). Classification only (the detection/segmentation configs use the sk
#   folder's ResNet variant).
_base_ = '../_base_/mmpretrain/resnext101-32x4d_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(cfg=dict(type='SK', reduction=16, min_channels=32), position='replace_conv2'),
        ]))
