# mmpretrain resnext50-32x4d_8xb32_in1k (ImageNet-1k, 100 epochs) with AttnResNeXt: same arguments
#   (groups=32, width_per_group=4) and weight names as mmpretrain's ResNeXt; the SKNet configs
#   replace its grouped 3x3 convs.
_base_ = 'mmpretrain::resnext/resnext50-32x4d_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(backbone=dict(type='AttnResNeXt'))
