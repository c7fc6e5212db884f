# Mask R-CNN FPN R-50 1x on COCO with BAM r=16, after layer1-3, the backbone initialised from the
#   released ImageNet weights attention-module-bam_resnet50: Jongchan/attention-module ResNet50+BAM
#   (90 epochs): BAM between stages 1-2, 2-3, 3-4; channel and spatial maps fused by product
#   (published top-1 76.86; README ACC@1): the papers' protocol (pretrained with the module inside).
# First convert the downloaded file (Jongchan/attention-module ResNet50+BAM checkpoint:
#   https://drive.google.com/file/d/1auVf70gfL0ol40bvaX5rlbpn9cKIxhAL/view): python
#   tools/model_converters/convert.py attention-module-bam_resnet50 SRC
#   checkpoints/attention-module-bam_resnet50.pth; backbone_checkpoint below is the one place to
#   change. The backbone loads it strictly (init_cfg strict=True: a missing, unused or mis-shaped
#   key stops the run at start). frozen_stages=1 and norm_eval=True as mmdet (the plugins are
#   pretrained).
_base_ = '../_base_/mmdet/mask-rcnn_r50_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
# the converted release (tools/model_converters/convert.py writes it)
backbone_checkpoint = 'checkpoints/attention-module-bam_resnet50.pth'
model = dict(
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='BAM', reduction=16, dilation=4, fusion='product'),
                position='after_stage',
                stages=(True, True, True, False)),
        ],
        init_cfg=dict(
            type='Pretrained',
            checkpoint=backbone_checkpoint,
            prefix='backbone.',
            strict=True)))
