# Faster R-CNN FPN R-50 1x on COCO with SimAM (parameter-free). Placement: SimAM (Yang et al., ICML
#   2021) inside conv2: after the 3x3 conv, before bn2 (Bottleneck and BasicBlock), as the official
#   resnet.py and mmdet resnet_simam.py (0 params). lambda=0.1 (ImageNet and detection/segmentation:
#   the official ImageNet runs and mmdet configs), 1e-4 on CIFAR (the module default, the official
#   CIFAR run).
# Backbone initialised from our ImageNet classification checkpoint (pretrain with the module, then
#   transfer): train simam/simam-resnet50_8xb32_in1k.py first, or run both steps with
#   tools/train_chain.sh. frozen_stages=1 and norm_eval=True as mmdet. Alternative init:
#   faster-rcnn_simam-r50_tv-pre_fpn_1x_coco.py.
_base_ = '../_base_/mmdet/faster-rcnn_r50_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[dict(cfg=dict(type='SimAM', e_lambda=0.1), position='before_norm2')],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/simam-resnet50_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
