# DeepLabV3 R-50-D8 on VOC2012-aug (40k iterations, mmseg's schedule) with BAM r=16, after layer1-3.
#   Placement: BAM (Park et al., BMVC 2018), r=16, dilation 4: one module after each of layer1,
#   layer2 and layer3 (between stages, not inside blocks), as the official model_resnet.py
#   (ResNet-50 25,915,099; CIFAR-100 24,063,319).
# Backbone (deep-stem AttnResNetV1c) initialised from our ImageNet checkpoint
#   bam/bam-resnetv1c50_8xb32_in1k.py (pretrain with the module, then transfer):
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
                cfg=dict(type='BAM', reduction=16, dilation=4),
                position='after_stage',
                stages=(True, True, True, False)),
        ],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/bam-resnetv1c50_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
