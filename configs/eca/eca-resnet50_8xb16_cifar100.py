# ResNet-50 + ECA, released per-stage k on CIFAR-100. Placement: ECA (Wang et al., CVPR 2020) after
#   the last BN of every block, with the released per-stage kernel sizes (eca_resnet18_k3577,
#   eca_resnet50_k3557, eca_resnet101_k3357): one plugin entry per stage (ResNet-50 25,557,112).
#   Detection and segmentation keep the classification kernels so the checkpoint transfers.
_base_ = '../_base_/mmpretrain/resnet50_8xb16_cifar100.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='ECA', kernel_size=3),
                position='after_last_bn',
                stages=(True, False, False, False)),
            dict(
                cfg=dict(type='ECA', kernel_size=5),
                position='after_last_bn',
                stages=(False, True, False, False)),
            dict(
                cfg=dict(type='ECA', kernel_size=5),
                position='after_last_bn',
                stages=(False, False, True, False)),
            dict(
                cfg=dict(type='ECA', kernel_size=7),
                position='after_last_bn',
                stages=(False, False, False, True)),
        ]))
