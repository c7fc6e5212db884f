# ResNetV1c-50 + BAM r=16, after layer1-3 on ImageNet-1k. Placement: BAM (Park et al., BMVC 2018),
#   r=16, dilation 4: one module after each of layer1, layer2 and layer3 (between stages, not inside
#   blocks), as the official model_resnet.py (ResNet-50 25,915,099; CIFAR-100 24,063,319).
# Deep-stem classification checkpoint for the DeepLabV3/V3+ configs of this folder (mmseg's backbone
#   is ResNetV1c).
_base_ = '../_base_/mmpretrain/resnetv1c50_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='BAM', reduction=16, dilation=4),
                position='after_stage',
                stages=(True, True, True, False)),
        ]))
