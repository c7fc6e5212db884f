# DeepLabV3+ R-101-D8 on VOC2012-aug (40k iterations, mmseg's schedule) with SRM (style
#   recalibration). Placement: SRM (Lee et al., ICCV 2019) after the last BN of every block (after
#   the downsample), before the residual add (ResNet-50 25,617,448). Its parameters (cfc, BN) get no
#   weight decay, as the authors' optimiser: optim_wrapper.paramwise_cfg custom_keys {'.srm.':
#   decay_mult 0}.
# Backbone (deep-stem AttnResNetV1c) initialised from our ImageNet checkpoint
#   srm/srm-resnetv1c101_8xb32_in1k.py (pretrain with the module, then transfer):
#   model.pretrained=None, backbone init_cfg with prefix='backbone.'. mmseg's own
#   open-mmlab://resnet101_v1c init: --cfg-options model.pretrained=open-mmlab://resnet101_v1c
#   model.backbone.init_cfg=None.
_base_ = '../_base_/mmseg/deeplabv3plus_r101-d8_4xb4-40k_voc12aug-512x512.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    pretrained=None,
    backbone=dict(
        plugins=[dict(cfg=dict(type='SRM'), position='after_last_bn')],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/srm-resnetv1c101_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
optim_wrapper = dict(paramwise_cfg=dict(custom_keys={'.srm.': dict(decay_mult=0.0)}))
