# ResNet-50 + SK unit (SK-ResNet, PytorchInsight) on CIFAR-100. Placement: Selective Kernel unit (Li
#   et al., CVPR 2019) replacing the 3x3 conv (+BN+ReLU) of every Bottleneck of a plain ResNet: the
#   PytorchInsight SK-ResNet (same first author): a full 3x3 path and a group-32 3x3 path, d = C/16
#   (SK-ResNet-50 26,154,496). The paper's SKNet-50 (ResNeXt) is the sknet folder. It is conv2
#   itself: frozen with its stage; no torchvision-initialised twins.
_base_ = '../_base_/mmpretrain/resnet50_8xb16_cifar100.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
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
        ]))
