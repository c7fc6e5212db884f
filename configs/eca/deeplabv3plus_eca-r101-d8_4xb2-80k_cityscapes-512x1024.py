# DeepLabV3+ R-101-D8 on Cityscapes (80k iterations, mmseg's schedule) with ECA, released per-stage
#   k. Placement: ECA (Wang et al., CVPR 2020) after the last BN of every block, with the released
#   per-stage kernel sizes (eca_resnet18_k3577, eca_resnet50_k3557, eca_resnet101_k3357): one plugin
#   entry per stage (ResNet-50 25,557,112). Detection and segmentation keep the classification
#   kernels so the checkpoint transfers.
# Backbone (deep-stem AttnResNetV1c) initialised from our ImageNet checkpoint
#   eca/eca-resnetv1c101_8xb32_in1k.py (pretrain with the module, then transfer):
#   model.pretrained=None, backbone init_cfg with prefix='backbone.'. mmseg's own
#   open-mmlab://resnet101_v1c init: --cfg-options model.pretrained=open-mmlab://resnet101_v1c
#   model.backbone.init_cfg=None.
_base_ = '../_base_/mmseg/deeplabv3plus_r101-d8_4xb2-80k_cityscapes-512x1024.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    pretrained=None,
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='ECA', kernel_size=3),
                position='after_last_bn',
                stages=(True, False, False, False)),
            dict(
                cfg=dict(type='ECA', kernel_size=3),
                position='after_last_bn',
                stages=(False, True, False, False)),
            dict(
                cfg=dict(type='ECA', kernel_size=5),
                position='after_last_bn',
                stages=(False, False, True, False)),
            dict(
                cfg=dict(type='ECA', kernel_size=7),
                position='after_last_bn',
                stages=(False, False, False, True)),
        ],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/eca-resnetv1c101_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
