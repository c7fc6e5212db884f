# ResNet-101 + GCT before every conv on ImageNet-1k. Placement: GCT (Yang et al., CVPR 2020) before
#   every convolution: conv1-3 and the shortcut conv of every block, plus the stem conv (ResNet-50
#   25,624,625). Identity at initialisation. The authors train beta without weight decay;
#   mmpretrain's schedule decays it (add paramwise_cfg custom_keys for ".beta" to follow them).
_base_ = '../_base_/mmpretrain/resnet101_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(cfg=dict(type='GCT', mode='l2'), position='before_conv'),
            dict(cfg=dict(type='GCT', mode='l2'), position='before_stem_conv'),
        ]))
