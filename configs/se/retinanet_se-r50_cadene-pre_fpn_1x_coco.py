# RetinaNet FPN R-50 1x on COCO with SE r=16, the backbone initialised from the released ImageNet
#   weights cadene-se_resnet50: Cadene pretrainedmodels se_resnet50 (same weights as timm legacy)
#   (published top-1 77.636; Cadene README ("our porting"); Caffe original 77.63): the papers'
#   protocol (pretrained with the module inside).
# First convert the downloaded file (Cadene/pretrained-models.pytorch se_resnet50:
#   http://data.lip6.fr/cadene/pretrainedmodels/se_resnet50-ce0d4300.pth): python
#   tools/model_converters/convert.py cadene-se_resnet50 SRC checkpoints/cadene-se_resnet50.pth;
#   backbone_checkpoint below is the one place to change. The backbone loads it strictly (init_cfg
#   strict=True: a missing, unused or mis-shaped key stops the run at start). frozen_stages=1 and
#   norm_eval=True as mmdet (the plugins are pretrained).
_base_ = '../_base_/mmdet/retinanet_r50_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
# the converted release (tools/model_converters/convert.py writes it)
backbone_checkpoint = 'checkpoints/cadene-se_resnet50.pth'
model = dict(
    backbone=dict(
        style='caffe',
        stem_pool_cfg=dict(kernel_size=3, stride=2, padding=0, ceil_mode=True),
        plugins=[dict(cfg=dict(type='SE', reduction=16), position='after_last_bn')],
        init_cfg=dict(
            type='Pretrained',
            checkpoint=backbone_checkpoint,
            prefix='backbone.',
            strict=True)))
