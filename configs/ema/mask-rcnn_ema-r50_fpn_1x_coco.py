# Mask R-CNN FPN R-50 1x on COCO with EMA factor 32. Placement: EMA (Ouyang et al., ICASSP 2023),
#   factor 32, after the last BN of every block, the CA/NAM position the author names (ResNet-50
#   25,755,400; the README's CIFAR 23.85M is not reproduced by any placement: 23,903,620 here).
# Backbone initialised from our ImageNet classification checkpoint (pretrain with the module, then
#   transfer): train ema/ema-resnet50_8xb32_in1k.py first, or run both steps with
#   tools/train_chain.sh. frozen_stages=1 and norm_eval=True as mmdet. Alternative init:
#   mask-rcnn_ema-r50_tv-pre_fpn_1x_coco.py.
_base_ = '../_base_/mmdet/mask-rcnn_r50_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[dict(cfg=dict(type='EMA', factor=32), position='after_last_bn')],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/ema-resnet50_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
