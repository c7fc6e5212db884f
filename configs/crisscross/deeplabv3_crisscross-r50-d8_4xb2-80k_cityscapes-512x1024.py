# DeepLabV3 R-50-D8 on Cityscapes (80k iterations, mmseg's schedule) with CCNet criss-cross
#   attention R=2. Placement: CCNet's recurrent criss-cross attention (mmcv CrissCrossAttention, R=2
#   shared passes) after res4 and res5 (after_stage of layer3 and layer4; the paper's head sits on
#   res5), gamma=0: identity at initialisation.
# Backbone (deep-stem AttnResNetV1c) initialised from our ImageNet checkpoint
#   crisscross/crisscross-resnetv1c50_8xb32_in1k.py (pretrain with the module, then transfer):
#   model.pretrained=None, backbone init_cfg with prefix='backbone.'. mmseg's own
#   open-mmlab://resnet50_v1c init: --cfg-options model.pretrained=open-mmlab://resnet50_v1c
#   model.backbone.init_cfg=None.
_base_ = '../_base_/mmseg/deeplabv3_r50-d8_4xb2-80k_cityscapes-512x1024.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    pretrained=None,
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='CrissCross', recurrence=2),
                position='after_stage',
                stages=(False, False, True, True)),
        ],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/crisscross-resnetv1c50_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
