# DeepLabV3 R-101-D8 on Cityscapes (80k iterations, mmseg's schedule) with MCA-E (Moment Channel
#   Attention). Placement: MCA-E (Jiang et al., AAAI 2024; mean + std, k=3 as the released
#   moment.py) after the last BN of every block like ECA (the repository gives no placement;
#   ResNet-50 25,557,144). MCA-S: variant='S'.
# Backbone (deep-stem AttnResNetV1c) initialised from our ImageNet checkpoint
#   mca/mca-resnetv1c101_8xb32_in1k.py (pretrain with the module, then transfer):
#   model.pretrained=None, backbone init_cfg with prefix='backbone.'. mmseg's own
#   open-mmlab://resnet101_v1c init: --cfg-options model.pretrained=open-mmlab://resnet101_v1c
#   model.backbone.init_cfg=None.
_base_ = '../_base_/mmseg/deeplabv3_r101-d8_4xb2-80k_cityscapes-512x1024.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    pretrained=None,
    backbone=dict(
        plugins=[dict(cfg=dict(type='MCA', variant='E', kernel_size=3), position='after_last_bn')],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/mca-resnetv1c101_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
