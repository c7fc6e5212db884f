# ResNet-101 + STEAM (re-implementation) on ImageNet-1k. Placement: STEAM (arXiv 2412.09023) is a
#   re-implementation (no released code). One unit after the last BN of the LAST block of each stage
#   (4 units, 256 params). Unverified: a summary of the paper mentions ~320 params = ~5 units in
#   ResNet-50 ("adaptive placement per stage"). OGP grid 7 (4 for CIFAR: the final feature size).
_base_ = '../_base_/mmpretrain/resnet101_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='STEAM', embed_dim=8, num_heads=2, ogp_size=7),
                position='after_last_bn',
                blocks=(-1, )),
        ]))
