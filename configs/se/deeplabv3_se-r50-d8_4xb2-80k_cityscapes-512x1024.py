# DeepLabV3 R-50-D8 on Cityscapes (80k iterations, mmseg's schedule) with SE r=16. Placement: SE (Hu
#   et al., CVPR 2018), r=16, after the last BN of every block, before the residual add. ImageNet
#   and downstream: FC biases as the official Caffe model (SE-ResNet-50 28,088,024); CIFAR-100: no
#   FC biases, the GAM paper's "+SE 26.22M" row (26,220,196).
# Backbone (deep-stem AttnResNetV1c) initialised from our ImageNet checkpoint
#   se/se-resnetv1c50_8xb32_in1k.py (pretrain with the module, then transfer):
#   model.pretrained=None, backbone init_cfg with prefix='backbone.'. mmseg's own
#   open-mmlab://resnet50_v1c init: --cfg-options model.pretrained=open-mmlab://resnet50_v1c
#   model.backbone.init_cfg=None.
_base_ = '../_base_/mmseg/deeplabv3_r50-d8_4xb2-80k_cityscapes-512x1024.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    pretrained=None,
    backbone=dict(
        plugins=[dict(cfg=dict(type='SE', reduction=16), position='after_last_bn')],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/se-resnetv1c50_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
