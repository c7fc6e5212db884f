# DeepLabV3+ R-101-D8 on VOC2012-aug (40k iterations, mmseg's schedule) with GCT before every conv.
#   Placement: GCT (Yang et al., CVPR 2020) before every convolution: conv1-3 and the shortcut conv
#   of every block, plus the stem conv (ResNet-50 25,624,625). Identity at initialisation. The
#   authors train beta without weight decay; mmpretrain's schedule decays it (add paramwise_cfg
#   custom_keys for ".beta" to follow them).
# Backbone (deep-stem AttnResNetV1c) initialised from our ImageNet checkpoint
#   gct/gct-resnetv1c101_8xb32_in1k.py (pretrain with the module, then transfer):
#   model.pretrained=None, backbone init_cfg with prefix='backbone.'. mmseg's own
#   open-mmlab://resnet101_v1c init: --cfg-options model.pretrained=open-mmlab://resnet101_v1c
#   model.backbone.init_cfg=None.
_base_ = '../_base_/mmseg/deeplabv3plus_r101-d8_4xb4-40k_voc12aug-512x512.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    pretrained=None,
    backbone=dict(
        plugins=[
            dict(cfg=dict(type='GCT', mode='l2'), position='before_conv'),
            dict(cfg=dict(type='GCT', mode='l2'), position='before_stem_conv'),
        ],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/gct-resnetv1c101_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
