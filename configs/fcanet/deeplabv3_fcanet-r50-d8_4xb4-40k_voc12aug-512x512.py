# DeepLabV3 R-50-D8 on VOC2012-aug (40k iterations, mmseg's schedule) with FcaNet top16 r=16.
#   Placement: FcaNet (Qin et al., ICCV 2021) after the last BN of every block, r=16, top16
#   frequencies, DCT size 56/28/14/7 per stage as the official fcanet.py (ResNet-50 28,071,976);
#   detection/segmentation keep those sizes (the input is pooled to them, the official detection
#   path). CIFAR: DCT size 7 (our choice).
# Backbone (deep-stem AttnResNetV1c) initialised from our ImageNet checkpoint
#   fcanet/fcanet-resnetv1c50_8xb32_in1k.py (pretrain with the module, then transfer):
#   model.pretrained=None, backbone init_cfg with prefix='backbone.'. mmseg's own
#   open-mmlab://resnet50_v1c init: --cfg-options model.pretrained=open-mmlab://resnet50_v1c
#   model.backbone.init_cfg=None.
_base_ = '../_base_/mmseg/deeplabv3_r50-d8_4xb4-40k_voc12aug-512x512.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    pretrained=None,
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='FcaNet', dct_size=56, reduction=16, freq_sel_method='top16'),
                position='after_last_bn',
                stages=(True, False, False, False)),
            dict(
                cfg=dict(type='FcaNet', dct_size=28, reduction=16, freq_sel_method='top16'),
                position='after_last_bn',
                stages=(False, True, False, False)),
            dict(
                cfg=dict(type='FcaNet', dct_size=14, reduction=16, freq_sel_method='top16'),
                position='after_last_bn',
                stages=(False, False, True, False)),
            dict(
                cfg=dict(type='FcaNet', dct_size=7, reduction=16, freq_sel_method='top16'),
                position='after_last_bn',
                stages=(False, False, False, True)),
        ],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/fcanet-resnetv1c50_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
