# RetinaNet FPN R-50 1x on COCO with GAM r=16. Placement: GAM (Liu et al., 2021), r=16, after the
#   last BN of every block: the reading that reproduces the paper's CIFAR-100 ResNet-50 table
#   (149,470,388).
# Backbone initialised from our ImageNet classification checkpoint (pretrain with the module, then
#   transfer): train gam/gam-resnet50_8xb32_in1k.py first, or run both steps with
#   tools/train_chain.sh. frozen_stages=1 and norm_eval=True as mmdet. Alternative init:
#   retinanet_gam-r50_tv-pre_fpn_1x_coco.py.
_base_ = '../_base_/mmdet/retinanet_r50_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[dict(cfg=dict(type='GAM', reduction=16), position='after_last_bn')],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/gam-resnet50_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
