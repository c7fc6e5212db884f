# DeepLabV3+ R-50-D8 on Cityscapes (80k iterations, mmseg's schedule) with GCNet ContextBlock
#   r=1/16. Placement: mmcv ContextBlock (GCNet), ratio 1/16, after conv3/bn3 of every block
#   (after_last_bn = mmdet's after_conv3 in a Bottleneck): all stages for classification (the
#   ImageNet entry, ResNet-50 28,105,032), stages c3-c5 for detection and segmentation as mmdet
#   configs/gcnet (the stage-1 blocks of the classification checkpoint are then unused).
# Backbone (deep-stem AttnResNetV1c) initialised from our ImageNet checkpoint
#   gc/gc-resnetv1c50_8xb32_in1k.py (pretrain with the module, then transfer):
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
                cfg=dict(type='ContextBlock', ratio=1. / 16),
                position='after_last_bn',
                stages=(False, True, True, True)),
        ],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/gc-resnetv1c50_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True,
            allow_unexpected=r'layer1\.\d+\.context_block\.')))
