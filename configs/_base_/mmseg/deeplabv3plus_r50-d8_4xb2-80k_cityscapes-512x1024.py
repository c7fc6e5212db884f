# mmseg deeplabv3plus_r50-d8_4xb2-80k_cityscapes-512x1024 with AttnResNetV1c (the deep-stem
#   ResNetV1c: same arguments and weight names; open-mmlab://resnet50_v1c as in mmseg).
_base_ = 'mmseg::deeplabv3plus/deeplabv3plus_r50-d8_4xb2-80k_cityscapes-512x1024.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(backbone=dict(type='AttnResNetV1c'))
