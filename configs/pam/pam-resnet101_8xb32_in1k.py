# ResNet-101 + DANet position attention (PAM) on ImageNet-1k. Placement: DANet's position attention
#   module after res4 and res5 (after_stage of layer3 and layer4; the paper's DANetHead sits on
#   res5), gamma=0: identity at initialisation. O((HW)^2) memory.
_base_ = '../_base_/mmpretrain/resnet101_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(cfg=dict(type='PAM'), position='after_stage', stages=(False, False, True, True)),
        ]))
