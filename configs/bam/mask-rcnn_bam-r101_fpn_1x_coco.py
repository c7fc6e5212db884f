# Mask R-CNN FPN R-101 1x on COCO with BAM r=16, after layer1-3. Placement: BAM (Park et al., BMVC
#   2018), r=16, dilation 4: one module after each of layer1, layer2 and layer3 (between stages, not
#   inside blocks), as the official model_resnet.py (ResNet-50 25,915,099; CIFAR-100 24,063,319).
# Backbone initialised from our ImageNet classification checkpoint (pretrain with the module, then
#   transfer): train bam/bam-resnet101_8xb32_in1k.py first, or run both steps with
#   tools/train_chain.sh. frozen_stages=1 and norm_eval=True as mmdet. Alternative init:
#   mask-rcnn_bam-r101_tv-pre_fpn_1x_coco.py.
_base_ = '../_base_/mmdet/mask-rcnn_r101_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='BAM', reduction=16, dilation=4),
                position='after_stage',
                stages=(True, True, True, False)),
        ],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/bam-resnet101_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
