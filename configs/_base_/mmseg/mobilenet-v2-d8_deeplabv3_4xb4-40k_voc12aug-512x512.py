# MobileNetV2-D8 DeepLabV3 on VOC2012-aug 512x512, 40k: the analogue of mmseg's
#   mobilenet-v2-d8_deeplabv3_4xb2-80k_cityscapes-512x1024 (the same backbone override of
#   deeplabv3_r50-d8_4xb4-40k_voc12aug-512x512; mmseg publishes MobileNetV2 only on Cityscapes and
#   ADE20K). The Coordinate Attention paper reports DeepLabV3 MobileNetV2 on both VOC 2012 and
#   Cityscapes.
_base_ = 'mmseg::deeplabv3/deeplabv3_r50-d8_4xb4-40k_voc12aug-512x512.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    pretrained='mmcls://mobilenet_v2',
    backbone=dict(
        _delete_=True,
        type='AttnMobileNetV2',
        widen_factor=1.0,
        strides=(1, 2, 2, 1, 1, 1, 1),
        dilations=(1, 1, 1, 2, 2, 4, 4),
        out_indices=(1, 2, 4, 6),
        norm_cfg=dict(type='SyncBN', requires_grad=True)),
    decode_head=dict(in_channels=320),
    auxiliary_head=dict(in_channels=96))
