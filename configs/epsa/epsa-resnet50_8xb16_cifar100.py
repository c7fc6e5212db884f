# ResNet-50 + EPSANet PSA (small) on CIFAR-100. Placement: EPSANet's PSA module (Zhang et al., 2021)
#   replacing the 3x3 conv of every Bottleneck (bn2 + ReLU kept), kernels 3/5/7/9, groups 1/4/8/16:
#   EPSANet-50 (small) 22,561,715, EPSANet-101 38,900,279. It is conv2 itself: frozen with its
#   stage; no torchvision-initialised twins.
_base_ = '../_base_/mmpretrain/resnet50_8xb16_cifar100.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='EPSA', conv_kernels=(3, 5, 7, 9), conv_groups=(1, 4, 8, 16)),
                position='replace_conv2'),
        ]))
