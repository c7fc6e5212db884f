# MobileNetV2 on CIFAR-100: the analogue of resnet50_8xb16_cifar100 (same data and schedule;
#   mmpretrain has no CIFAR MobileNetV2).
# Stride choice for 32x32 inputs: layer2 and layer3 keep stride 1, so the network downsamples 8x
#   (stem /2, layer4 /2, layer6 /2) and ends at 4x4 like the common CIFAR MobileNetV2
#   (kuangliu/pytorch-cifar: stem stride 1 and layer2 stride 1). The stem conv keeps stride 2
#   (AttnMobileNetV2 has no stem-stride argument; the weights keep the ImageNet layout). Parameters
#   are those of ImageNet MobileNetV2 with a 100-class head.
_base_ = './resnet50_8xb16_cifar100.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        _delete_=True,
        type='AttnMobileNetV2',
        widen_factor=1.0,
        strides=(1, 1, 1, 2, 1, 2, 1)),
    head=dict(in_channels=1280))
