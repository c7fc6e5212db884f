# DeepLabV3+ R-101-D8 on Cityscapes (80k iterations, mmseg's schedule) with SK unit (SK-ResNet,
#   PytorchInsight). Placement: Selective Kernel unit (Li et al., CVPR 2019) replacing the 3x3 conv
#   (+BN+ReLU) of every Bottleneck of a plain ResNet: the PytorchInsight SK-ResNet (same first
#   author): a full 3x3 path and a group-32 3x3 path, d = C/16 (SK-ResNet-50 26,154,496). The
#   paper's SKNet-50 (ResNeXt) is the sknet folder. It is conv2 itself: frozen with its stage; no
#   torchvision-initialised twins.
# Backbone (deep-stem AttnResNetV1c) initialised from our ImageNet checkpoint
#   sk/sk-resnetv1c101_8xb32_in1k.py (pretrain with the module, then transfer):
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
                cfg=dict(
                    type='SK',
                    path_groups=(1, 32),
                    path_dilations=(1, 1),
                    reduction=16,
                    min_channels=0),
                position='replace_conv2'),
        ],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/sk-resnetv1c101_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
