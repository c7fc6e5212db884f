# DeepLabV3 R-50-D8 on Cityscapes (80k iterations, mmseg's schedule) with EMA factor 32. Placement:
#   EMA (Ouyang et al., ICASSP 2023), factor 32, after the last BN of every block, the CA/NAM
#   position the author names (ResNet-50 25,755,400; the README's CIFAR 23.85M is not reproduced by
#   any placement: 23,903,620 here).
# Backbone (deep-stem AttnResNetV1c) initialised from our ImageNet checkpoint
#   ema/ema-resnetv1c50_8xb32_in1k.py (pretrain with the module, then transfer):
#   model.pretrained=None, backbone init_cfg with prefix='backbone.'. mmseg's own
#   open-mmlab://resnet50_v1c init: --cfg-options model.pretrained=open-mmlab://resnet50_v1c
#   model.backbone.init_cfg=None.
_base_ = '../_base_/mmseg/deeplabv3_r50-d8_4xb2-80k_cityscapes-512x1024.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    pretrained=None,
    backbone=dict(
        plugins=[dict(cfg=dict(type='EMA', factor=32), position='after_last_bn')],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/ema-resnetv1c50_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
