# DeepLabV3+ R-50b-D8 on VOC2012-aug (40k iterations, mmseg's schedule) with CBAM r=16, the backbone
#   initialised from the released ImageNet weights attention-module-cbam_resnet50:
#   Jongchan/attention-module ResNet50+CBAM (100 epochs) (published top-1 77.622; README ACC@1): the
#   papers' protocol (pretrained with the module inside).
# First convert the downloaded file (Jongchan/attention-module ResNet50+CBAM checkpoint:
#   https://drive.google.com/file/d/1mvAVvhLR_2XY_bPYxh-SEz4vDmGzSArO/view): python
#   tools/model_converters/convert.py attention-module-cbam_resnet50 SRC
#   checkpoints/attention-module-cbam_resnet50.pth; backbone_checkpoint below is the one place to
#   change. The backbone loads it strictly (init_cfg strict=True: a missing, unused or mis-shaped
#   key stops the run at start). The released ResNet-50 has the 7x7 stem, so the backbone is
#   AttnResNet (mmseg's R-50b: ResNetV1b) instead of the deep-stem ResNetV1c of R-50-D8, with the
#   same strides (1, 2, 1, 1), dilations (1, 1, 2, 4) and contract_dilation, as mmseg's
#   deeplabv3_r50b-d8 configs do for torchvision weights. model.pretrained=None.
_base_ = '../_base_/mmseg/deeplabv3plus_r50-d8_4xb4-40k_voc12aug-512x512.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
# the converted release (tools/model_converters/convert.py writes it)
backbone_checkpoint = 'checkpoints/attention-module-cbam_resnet50.pth'
model = dict(
    pretrained=None,
    backbone=dict(
        type='AttnResNet',
        plugins=[dict(cfg=dict(type='CBAM', reduction=16), position='after_last_bn')],
        init_cfg=dict(
            type='Pretrained',
            checkpoint=backbone_checkpoint,
            prefix='backbone.',
            strict=True)))
