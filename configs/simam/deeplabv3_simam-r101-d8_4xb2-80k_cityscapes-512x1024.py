# DeepLabV3 R-101-D8 on Cityscapes (80k iterations, mmseg's schedule) with SimAM (parameter-free).
#   Placement: SimAM (Yang et al., ICML 2021) inside conv2: after the 3x3 conv, before bn2
#   (Bottleneck and BasicBlock), as the official resnet.py and mmdet resnet_simam.py (0 params).
#   lambda=0.1 (ImageNet and detection/segmentation: the official ImageNet runs and mmdet configs),
#   1e-4 on CIFAR (the module default, the official CIFAR run).
# Backbone (deep-stem AttnResNetV1c) initialised from our ImageNet checkpoint
#   simam/simam-resnetv1c101_8xb32_in1k.py (pretrain with the module, then transfer):
#   model.pretrained=None, backbone init_cfg with prefix='backbone.'. mmseg's own
#   open-mmlab://resnet101_v1c init: --cfg-options model.pretrained=open-mmlab://resnet101_v1c
#   model.backbone.init_cfg=None.
_base_ = '../_base_/mmseg/deeplabv3_r101-d8_4xb2-80k_cityscapes-512x1024.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    pretrained=None,
    backbone=dict(
        plugins=[dict(cfg=dict(type='SimAM', e_lambda=0.1), position='before_norm2')],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/simam-resnetv1c101_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
