# ResNet-50 + CCNet criss-cross attention R=2 on ImageNet-1k. Placement: CCNet's recurrent
#   criss-cross attention (mmcv CrissCrossAttention, R=2 shared passes) after res4 and res5
#   (after_stage of layer3 and layer4; the paper's head sits on res5), gamma=0: identity at
#   initialisation.
_base_ = '../_base_/mmpretrain/resnet50_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='CrissCross', recurrence=2),
                position='after_stage',
                stages=(False, False, True, True)),
        ]))
