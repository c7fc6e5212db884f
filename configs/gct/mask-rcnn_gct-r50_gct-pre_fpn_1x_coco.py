# Mask R-CNN FPN R-50 1x on COCO with GCT before every conv, the backbone initialised from the
#   released ImageNet weights gct-resnet50: z-x-yang/GCT GCT-ResNet50: Caffe style (stride on the
#   1x1), GCT before every conv including the stem conv and the shortcut conv (published top-1 77.2;
#   GCT PyTorch README): the papers' protocol (pretrained with the module inside).
# First convert the downloaded file (z-x-yang/GCT GCT-ResNet50 (PyTorch):
#   https://drive.google.com/file/d/1y5a56UzBjUWlWwlrU42lxueJY_cBpWLL/view): python
#   tools/model_converters/convert.py gct-resnet50 SRC checkpoints/gct-resnet50.pth;
#   backbone_checkpoint below is the one place to change. The backbone loads it strictly (init_cfg
#   strict=True: a missing, unused or mis-shaped key stops the run at start). frozen_stages=1 and
#   norm_eval=True as mmdet (the plugins are pretrained).
_base_ = '../_base_/mmdet/mask-rcnn_r50_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
# the converted release (tools/model_converters/convert.py writes it)
backbone_checkpoint = 'checkpoints/gct-resnet50.pth'
model = dict(
    backbone=dict(
        style='caffe',
        plugins=[
            dict(cfg=dict(type='GCT', mode='l2'), position='before_conv'),
            dict(cfg=dict(type='GCT', mode='l2'), position='before_stem_conv'),
        ],
        init_cfg=dict(
            type='Pretrained',
            checkpoint=backbone_checkpoint,
            prefix='backbone.',
            strict=True)))
