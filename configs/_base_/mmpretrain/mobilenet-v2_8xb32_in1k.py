# mmpretrain mobilenet-v2_8xb32_in1k (ImageNet-1k, 300 epochs, lr 0.045, StepLR 0.98) with
#   AttnMobileNetV2 (same weight names as mmpretrain and mmseg).
_base_ = 'mmpretrain::mobilenet_v2/mobilenet-v2_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(backbone=dict(type='AttnMobileNetV2'))
