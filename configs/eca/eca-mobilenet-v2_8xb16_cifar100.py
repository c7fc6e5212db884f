# MobileNetV2 + ECA, released per-stage k on CIFAR-100. Placement: after the projection conv+BN, k=1
#   if C<96 else 3 (eca_mobilenetv2_k13; 3,504,903).
_base_ = '../_base_/mmpretrain/mobilenet-v2_8xb16_cifar100.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(
                cfg_by_channels=[
                    (0, dict(type='ECA', kernel_size=1)),
                    (96, dict(type='ECA', kernel_size=3)),
                ],
                position='after_project'),
        ]))
