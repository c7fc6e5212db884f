# ResNetV1c-50 + FcaNet top16 r=16 on ImageNet-1k. Placement: FcaNet (Qin et al., ICCV 2021) after
#   the last BN of every block, r=16, top16 frequencies, DCT size 56/28/14/7 per stage as the
#   official fcanet.py (ResNet-50 28,071,976); detection/segmentation keep those sizes (the input is
#   pooled to them, the official detection path). CIFAR: DCT size 7 (our choice).
# Deep-stem classification checkpoint for the DeepLabV3/V3+ configs of this folder (mmseg's backbone
#   is ResNetV1c).
_base_ = '../_base_/mmpretrain/resnetv1c50_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
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
        ]))
