# DeepLabV3+ R-50-D8 on Cityscapes (80k iterations, mmseg's schedule) with SGE G=64. Placement: SGE
#   (Li et al., 2019), G=64 in every stage, after the last BN of every block (ResNet-50 25,559,080).
#   ResNet-18's 64-channel layer1 has one channel per group, as in PytorchInsight.
# Backbone (deep-stem AttnResNetV1c) initialised from our ImageNet checkpoint
#   sge/sge-resnetv1c50_8xb32_in1k.py (pretrain with the module, then transfer):
#   model.pretrained=None, backbone init_cfg with prefix='backbone.'. mmseg's own
#   open-mmlab://resnet50_v1c init: --cfg-options model.pretrained=open-mmlab://resnet50_v1c
#   model.backbone.init_cfg=None.
_base_ = '../_base_/mmseg/deeplabv3plus_r50-d8_4xb2-80k_cityscapes-512x1024.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    pretrained=None,
    backbone=dict(
        plugins=[dict(cfg=dict(type='SGE', groups=64), position='after_last_bn')],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/sge-resnetv1c50_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
