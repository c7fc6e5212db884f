# ResNet-18 + Gather-Excite GE-theta+ on ImageNet-1k. Placement: GE-theta+ (Hu et al., NeurIPS 2018;
#   RN50-GEPP.prototxt): global-extent depthwise gather (kernel 56/28/14/7 per stage at 224, the
#   CIFAR map size on CIFAR) + BN + ReLU + excite MLP r=16, after bn3 of every block (ResNet-50
#   33,637,592); other input sizes pool the map to the kernel first. GE-theta: variant='theta'
#   (31,106,600), GE-theta-: variant='theta-' (0 params).
_base_ = '../_base_/mmpretrain/resnet18_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='GE', variant='theta+', global_size=56),
                position='after_last_bn',
                stages=(True, False, False, False)),
            dict(
                cfg=dict(type='GE', variant='theta+', global_size=28),
                position='after_last_bn',
                stages=(False, True, False, False)),
            dict(
                cfg=dict(type='GE', variant='theta+', global_size=14),
                position='after_last_bn',
                stages=(False, False, True, False)),
            dict(
                cfg=dict(type='GE', variant='theta+', global_size=7),
                position='after_last_bn',
                stages=(False, False, False, True)),
        ]))
