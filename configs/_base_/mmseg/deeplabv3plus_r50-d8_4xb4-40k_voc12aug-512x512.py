# mmseg deeplabv3plus_r50-d8_4xb4-40k_voc12aug-512x512 with AttnResNetV1c (the deep-stem ResNetV1c:
#   same arguments and weight names; open-mmlab://resnet50_v1c as in mmseg).
_base_ = 'mmseg::deeplabv3plus/deeplabv3plus_r50-d8_4xb4-40k_voc12aug-512x512.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(backbone=dict(type='AttnResNetV1c'))
