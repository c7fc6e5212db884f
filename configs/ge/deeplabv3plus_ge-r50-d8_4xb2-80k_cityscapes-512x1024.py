# DeepLabV3+ R-50-D8 on Cityscapes (80k iterations, mmseg's schedule) with Gather-Excite GE-theta+.
#   Placement: GE-theta+ (Hu et al., NeurIPS 2018; RN50-GEPP.prototxt): global-extent depthwise
#   gather (kernel 56/28/14/7 per stage at 224, the CIFAR map size on CIFAR) + BN + ReLU + excite
#   MLP r=16, after bn3 of every block (ResNet-50 33,637,592); other input sizes pool the map to the
#   kernel first. GE-theta: variant='theta' (31,106,600), GE-theta-: variant='theta-' (0 params).
# Backbone (deep-stem AttnResNetV1c) initialised from our ImageNet checkpoint
#   ge/ge-resnetv1c50_8xb32_in1k.py (pretrain with the module, then transfer):
#   model.pretrained=None, backbone init_cfg with prefix='backbone.'. mmseg's own
#   open-mmlab://resnet50_v1c init: --cfg-options model.pretrained=open-mmlab://resnet50_v1c
#   model.backbone.init_cfg=None.
_base_ = '../_base_/mmseg/deeplabv3plus_r50-d8_4xb2-80k_cityscapes-512x1024.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    pretrained=None,
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='GE', variant='theta+', global_size=56),
                position='after_last_bn',
                stages=(True, False, False, False)),
            dict(
                cfg=dict(type='GE', variant='theta+', global_size=28),
                position='after_last_bn',
                stages=(False, True, False, False)),
            dict(
                cfg=dict(type='GE', variant='theta+', global_size=14),
                position='after_last_bn',
                stages=(False, False, True, False)),
            dict(
                cfg=dict(type='GE', variant='theta+', global_size=7),
                position='after_last_bn',
                stages=(False, False, False, True)),
        ],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/ge-resnetv1c50_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
