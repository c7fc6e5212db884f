# Faster R-CNN FPN R-50 1x on COCO with CBAM r=16, the backbone initialised from the released
#   ImageNet weights attention-module-cbam_resnet50: Jongchan/attention-module ResNet50+CBAM (100
#   epochs) (published top-1 77.622; README ACC@1): the papers' protocol (pretrained with the module
#   inside).
# First convert the downloaded file (Jongchan/attention-module ResNet50+CBAM checkpoint:
#   https://drive.google.com/file/d/1mvAVvhLR_2XY_bPYxh-SEz4vDmGzSArO/view): python
#   tools/model_converters/convert.py attention-module-cbam_resnet50 SRC
#   checkpoints/attention-module-cbam_resnet50.pth; backbone_checkpoint below is the one place to
#   change. The backbone loads it strictly (init_cfg strict=True: a missing, unused or mis-shaped
#   key stops the run at start). frozen_stages=1 and norm_eval=True as mmdet (the plugins are
#   pretrained).
_base_ = '../_base_/mmdet/faster-rcnn_r50_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
# the converted release (tools/model_converters/convert.py writes it)
backbone_checkpoint = 'checkpoints/attention-module-cbam_resnet50.pth'
model = dict(
    backbone=dict(
        plugins=[dict(cfg=dict(type='CBAM', reduction=16), position='after_last_bn')],
        init_cfg=dict(
            type='Pretrained',
            checkpoint=backbone_checkpoint,
            prefix='backbone.',
            strict=True)))
