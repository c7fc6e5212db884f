# Mask R-CNN FPN R-101 1x on COCO with STEAM (re-implementation). Placement: STEAM (arXiv
#   2412.09023) is a re-implementation (no released code). One unit after the last BN of the LAST
#   block of each stage (4 units, 256 params). Unverified: a summary of the paper mentions ~320
#   params = ~5 units in ResNet-50 ("adaptive placement per stage"). OGP grid 7 (4 for CIFAR: the
#   final feature size).
# Backbone initialised from our ImageNet classification checkpoint (pretrain with the module, then
#   transfer): train steam/steam-resnet101_8xb32_in1k.py first, or run both steps with
#   tools/train_chain.sh. frozen_stages=1 and norm_eval=True as mmdet. Alternative init:
#   mask-rcnn_steam-r101_tv-pre_fpn_1x_coco.py.
_base_ = '../_base_/mmdet/mask-rcnn_r101_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='STEAM', embed_dim=8, num_heads=2, ogp_size=7),
                position='after_last_bn',
                blocks=(-1, )),
        ],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/steam-resnet101_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
