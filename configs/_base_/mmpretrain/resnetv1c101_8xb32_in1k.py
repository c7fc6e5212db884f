# mmpretrain resnetv1c101_8xb32_in1k (deep stem, ImageNet-1k, 100 epochs) with AttnResNetV1c. Its
#   deep stem is named as mmseg's ResNetV1c (stem.0..7), not as mmpretrain's (stem.N.conv/bn), so
#   the checkpoint loads into the mmseg backbones with prefix='backbone.' and no renaming.
_base_ = 'mmpretrain::resnet/resnetv1c101_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(backbone=dict(type='AttnResNetV1c'))
