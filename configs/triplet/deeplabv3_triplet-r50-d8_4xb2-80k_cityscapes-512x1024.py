# DeepLabV3 R-50-D8 on Cityscapes (80k iterations, mmseg's schedule) with Triplet Attention k=7.
#   Placement: Triplet Attention (Misra et al., WACV 2021), k=7, after the last BN of every block,
#   before the residual add (ResNet-50 25,561,832); the hw (spatial) branch's BN weight starts at 0
#   as the official ImageNet ResNet code.
# Backbone (deep-stem AttnResNetV1c) initialised from our ImageNet checkpoint
#   triplet/triplet-resnetv1c50_8xb32_in1k.py (pretrain with the module, then transfer):
#   model.pretrained=None, backbone init_cfg with prefix='backbone.'. mmseg's own
#   open-mmlab://resnet50_v1c init: --cfg-options model.pretrained=open-mmlab://resnet50_v1c
#   model.backbone.init_cfg=None.
_base_ = '../_base_/mmseg/deeplabv3_r50-d8_4xb2-80k_cityscapes-512x1024.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    pretrained=None,
    backbone=dict(
        plugins=[dict(cfg=dict(type='TripletAttention', kernel_size=7), position='after_last_bn')],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/triplet-resnetv1c50_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
