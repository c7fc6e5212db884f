# DeepLabV3 R-50b-D8 on Cityscapes (80k iterations, mmseg's schedule) with SE r=16, the backbone
#   initialised from the released ImageNet weights cadene-se_resnet50: Cadene pretrainedmodels
#   se_resnet50 (same weights as timm legacy) (published top-1 77.636; Cadene README ("our
#   porting"); Caffe original 77.63): the papers' protocol (pretrained with the module inside).
# First convert the downloaded file (Cadene/pretrained-models.pytorch se_resnet50:
#   http://data.lip6.fr/cadene/pretrainedmodels/se_resnet50-ce0d4300.pth): python
#   tools/model_converters/convert.py cadene-se_resnet50 SRC checkpoints/cadene-se_resnet50.pth;
#   backbone_checkpoint below is the one place to change. The backbone loads it strictly (init_cfg
#   strict=True: a missing, unused or mis-shaped key stops the run at start). The released ResNet-50
#   has the 7x7 stem, so the backbone is AttnResNet (mmseg's R-50b: ResNetV1b) instead of the
#   deep-stem ResNetV1c of R-50-D8, with the same strides (1, 2, 1, 1), dilations (1, 1, 2, 4) and
#   contract_dilation, as mmseg's deeplabv3_r50b-d8 configs do for torchvision weights.
#   model.pretrained=None.
_base_ = '../_base_/mmseg/deeplabv3_r50-d8_4xb2-80k_cityscapes-512x1024.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
# the converted release (tools/model_converters/convert.py writes it)
backbone_checkpoint = 'checkpoints/cadene-se_resnet50.pth'
model = dict(
    pretrained=None,
    backbone=dict(
        type='AttnResNet',
        style='caffe',
        stem_pool_cfg=dict(kernel_size=3, stride=2, padding=0, ceil_mode=True),
        plugins=[dict(cfg=dict(type='SE', reduction=16), position='after_last_bn')],
        init_cfg=dict(
            type='Pretrained',
            checkpoint=backbone_checkpoint,
            prefix='backbone.',
            strict=True)))
