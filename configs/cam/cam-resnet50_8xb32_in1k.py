# ResNet-50 + DANet channel attention (CAM) on ImageNet-1k. Placement: DANet's channel attention
#   module (1 parameter) after res4 and res5 (after_stage of layer3 and layer4), gamma=0: identity
#   at initialisation.
_base_ = '../_base_/mmpretrain/resnet50_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(cfg=dict(type='CAM'), position='after_stage', stages=(False, False, True, True)),
        ]))
