# DeepLabV3 R-101-D8 on Cityscapes (80k iterations, mmseg's schedule) with EPSANet PSA (small).
#   Placement: EPSANet's PSA module (Zhang et al., 2021) replacing the 3x3 conv of every Bottleneck
#   (bn2 + ReLU kept), kernels 3/5/7/9, groups 1/4/8/16: EPSANet-50 (small) 22,561,715, EPSANet-101
#   38,900,279. It is conv2 itself: frozen with its stage; no torchvision-initialised twins.
# Backbone (deep-stem AttnResNetV1c) initialised from our ImageNet checkpoint
#   epsa/epsa-resnetv1c101_8xb32_in1k.py (pretrain with the module, then transfer):
#   model.pretrained=None, backbone init_cfg with prefix='backbone.'. mmseg's own
#   open-mmlab://resnet101_v1c init: --cfg-options model.pretrained=open-mmlab://resnet101_v1c
#   model.backbone.init_cfg=None.
_base_ = '../_base_/mmseg/deeplabv3_r101-d8_4xb2-80k_cityscapes-512x1024.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    pretrained=None,
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='EPSA', conv_kernels=(3, 5, 7, 9), conv_groups=(1, 4, 8, 16)),
                position='replace_conv2'),
        ],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/epsa-resnetv1c101_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
