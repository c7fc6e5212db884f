# mmpretrain resnet50_8xb32_in1k (ImageNet-1k, 100 epochs, SGD 0.1, steps 30/60/90) with AttnResNet:
#   same arguments and weight names as mmpretrain's ResNet; the module configs add plugins.
_base_ = 'mmpretrain::resnet/resnet50_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(backbone=dict(type='AttnResNet'))
