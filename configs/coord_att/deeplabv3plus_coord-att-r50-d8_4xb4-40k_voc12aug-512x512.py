# DeepLabV3+ R-50-D8 on VOC2012-aug (40k iterations, mmseg's schedule) with Coordinate Attention
#   r=32. Placement: Coordinate Attention (Hou et al., CVPR 2021), r=32. There is no official ResNet
#   placement; here after the last BN of every block like SE (our choice; ResNet-50 27,474,864).
# Backbone (deep-stem AttnResNetV1c) initialised from our ImageNet checkpoint
#   coord_att/coord-att-resnetv1c50_8xb32_in1k.py (pretrain with the module, then transfer):
#   model.pretrained=None, backbone init_cfg with prefix='backbone.'. mmseg's own
#   open-mmlab://resnet50_v1c init: --cfg-options model.pretrained=open-mmlab://resnet50_v1c
#   model.backbone.init_cfg=None.
_base_ = '../_base_/mmseg/deeplabv3plus_r50-d8_4xb4-40k_voc12aug-512x512.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    pretrained=None,
    backbone=dict(
        plugins=[dict(cfg=dict(type='CoordAtt', reduction=32), position='after_last_bn')],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/coord-att-resnetv1c50_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
