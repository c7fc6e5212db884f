# ResNetV1c-101 + STEAM (re-implementation) on ImageNet-1k. Placement: STEAM (arXiv 2412.09023) is a
#   re-implementation: the first author's partial code (sabharwalrishabh/STEAM) fixes the graphs,
#   OGP, nearest upsampling, out = x + tanh(x*Mc)*Ms and the placement, not the graph layer. After
#   the last BN, never in block 0: the last block of each stage, blocks 2 and 5 of a 6-block stage
#   (ResNet-50: layer1[2], layer2[3], layer3[2,5], layer4[2], 5 units, 320 params; ResNet-18/101:
#   the last block of each stage, 256). OGP grid 7 (4 for CIFAR: the final feature size; the authors
#   upsample CIFAR to 224 instead).
# Deep-stem classification checkpoint for the DeepLabV3/V3+ configs of this folder (mmseg's backbone
#   is ResNetV1c).
_base_ = '../_base_/mmpretrain/resnetv1c101_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='STEAM', embed_dim=8, num_heads=2, ogp_size=7),
                position='after_last_bn',
                blocks=(-1, )),
        ]))
