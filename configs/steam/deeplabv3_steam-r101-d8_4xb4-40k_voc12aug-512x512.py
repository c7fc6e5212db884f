# DeepLabV3 R-101-D8 on VOC2012-aug (40k iterations, mmseg's schedule) with STEAM
#   (re-implementation). Placement: STEAM (arXiv 2412.09023) is a re-implementation: the first
#   author's partial code (sabharwalrishabh/STEAM) fixes the graphs, OGP, nearest upsampling, out =
#   x + tanh(x*Mc)*Ms and the placement, not the graph layer. After the last BN, never in block 0:
#   the last block of each stage, blocks 2 and 5 of a 6-block stage (ResNet-50: layer1[2],
#   layer2[3], layer3[2,5], layer4[2], 5 units, 320 params; ResNet-18/101: the last block of each
#   stage, 256). OGP grid 7 (4 for CIFAR: the final feature size; the authors upsample CIFAR to 224
#   instead).
# Backbone (deep-stem AttnResNetV1c) initialised from our ImageNet checkpoint
#   steam/steam-resnetv1c101_8xb32_in1k.py (pretrain with the module, then transfer):
#   model.pretrained=None, backbone init_cfg with prefix='backbone.'. mmseg's own
#   open-mmlab://resnet101_v1c init: --cfg-options model.pretrained=open-mmlab://resnet101_v1c
#   model.backbone.init_cfg=None.
_base_ = '../_base_/mmseg/deeplabv3_r101-d8_4xb4-40k_voc12aug-512x512.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    pretrained=None,
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='STEAM', embed_dim=8, num_heads=2, ogp_size=7),
                position='after_last_bn',
                blocks=(-1, )),
        ],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/steam-resnetv1c101_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
