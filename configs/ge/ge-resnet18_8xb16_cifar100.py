# ResNet-18 + Gather-Excite GE-theta+ on CIFAR-100. Placement: GE-theta+ (Hu et al., NeurIPS 2018;
#   RN50-GEPP.prototxt): global-extent depthwise gather (kernel 56/28/14/7 per stage at 224, the
#   CIFAR map size on CIFAR) + BN + ReLU + excite MLP r=16, after bn3 of every block (ResNet-50
#   33,637,592); other input sizes pool the map to the kernel first. GE-theta: variant='theta'
#   (31,106,600), GE-theta-: variant='theta-' (0 params).
_base_ = '../_base_/mmpretrain/resnet18_8xb16_cifar100.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='GE', variant='theta+', global_size=32),
                position='after_last_bn',
                stages=(True, False, False, False)),
            dict(
                cfg=dict(type='GE', variant='theta+', global_size=16),
                position='after_last_bn',
                stages=(False, True, False, False)),
            dict(
                cfg=dict(type='GE', variant='theta+', global_size=8),
                position='after_last_bn',
                stages=(False, False, True, False)),
            dict(
                cfg=dict(type='GE', variant='theta+', global_size=4),
                position='after_last_bn',
                stages=(False, False, False, True)),
        ]))
