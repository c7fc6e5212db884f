# mmpretrain resnetv1d50_8xb32_in1k (deep stem, average-pool shortcut, ImageNet-1k, 100 epochs) with
#   AttnResNetV1d (deep stem named as mmseg's, stem.0..7): the network of timm's ecaresnet50d.
_base_ = 'mmpretrain::resnet/resnetv1d50_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(backbone=dict(type='AttnResNetV1d'))
