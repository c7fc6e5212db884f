# mmseg mobilenet-v2-d8_deeplabv3_4xb2-80k_cityscapes-512x1024 with AttnMobileNetV2 (same weight
#   names as mmseg's MobileNetV2; strides/dilations/out_indices are mmseg's).
_base_ = 'mmseg::mobilenet_v2/mobilenet-v2-d8_deeplabv3_4xb2-80k_cityscapes-512x1024.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(backbone=dict(type='AttnMobileNetV2'))
