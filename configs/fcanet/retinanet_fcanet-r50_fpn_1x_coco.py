# RetinaNet FPN R-50 1x on COCO with FcaNet top16 r=16. Placement: FcaNet (Qin et al., ICCV 2021)
#   after the last BN of every block, r=16, top16 frequencies, DCT size 56/28/14/7 per stage as the
#   official fcanet.py (ResNet-50 28,071,976); detection/segmentation keep those sizes (the input is
#   pooled to them, the official detection path). CIFAR: DCT size 7 (our choice).
# Backbone initialised from our ImageNet classification checkpoint (pretrain with the module, then
#   transfer): train fcanet/fcanet-resnet50_8xb32_in1k.py first, or run both steps with
#   tools/train_chain.sh. frozen_stages=1 and norm_eval=True as mmdet. Alternative init:
#   retinanet_fcanet-r50_tv-pre_fpn_1x_coco.py.
_base_ = '../_base_/mmdet/retinanet_r50_fpn_1x_coco.py'
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
        ],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/fcanet-resnet50_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
