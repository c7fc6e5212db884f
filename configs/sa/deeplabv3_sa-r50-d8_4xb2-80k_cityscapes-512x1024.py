# DeepLabV3 R-50-D8 on Cityscapes (80k iterations, mmseg's schedule) with Shuffle Attention G=64.
#   Placement: SA-Net (Zhang & Yang, ICASSP 2021), G=64, after the last BN of every block (ResNet-50
#   25,557,740). ResNet-18: group_fallback='largest_divisor' because 64 channels cannot hold 2x64
#   groups (SA-Net has no ResNet-18).
# Backbone (deep-stem AttnResNetV1c) initialised from our ImageNet checkpoint
#   sa/sa-resnetv1c50_8xb32_in1k.py (pretrain with the module, then transfer):
#   model.pretrained=None, backbone init_cfg with prefix='backbone.'. mmseg's own
#   open-mmlab://resnet50_v1c init: --cfg-options model.pretrained=open-mmlab://resnet50_v1c
#   model.backbone.init_cfg=None.
_base_ = '../_base_/mmseg/deeplabv3_r50-d8_4xb2-80k_cityscapes-512x1024.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    pretrained=None,
    backbone=dict(
        plugins=[dict(cfg=dict(type='SA', groups=64), position='after_last_bn')],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/sa-resnetv1c50_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
