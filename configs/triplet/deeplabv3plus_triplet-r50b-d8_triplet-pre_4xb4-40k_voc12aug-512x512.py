# DeepLabV3+ R-50b-D8 on VOC2012-aug (40k iterations, mmseg's schedule) with Triplet Attention k=7,
#   the backbone initialised from the released ImageNet weights triplet-resnet50:
#   landskape-ai/triplet-attention ResNet-50 (MODELS/resnet.py, k=7). The released file is reported
#   to name the block attribute "pcam" instead of "triplet_attention"; other names are reported for
#   other files: accept any attribute name and read k from the weight shape (published top-1 77.48;
#   triplet-attention README (100 - top-1 error); the k=3 file: 76.12): the papers' protocol
#   (pretrained with the module inside).
# First convert the downloaded file (landskape-ai/triplet-attention ResNet-50
#   (RESNET50_PCAM_IMAGENET_model_best.tar):
#   https://drive.google.com/open?id=1ptKswHzVmULGbE3DuX6vMCjEbqwUvGiG): python
#   tools/model_converters/convert.py triplet-resnet50 SRC checkpoints/triplet-resnet50.pth;
#   backbone_checkpoint below is the one place to change. The backbone loads it strictly (init_cfg
#   strict=True: a missing, unused or mis-shaped key stops the run at start). The released ResNet-50
#   has the 7x7 stem, so the backbone is AttnResNet (mmseg's R-50b: ResNetV1b) instead of the
#   deep-stem ResNetV1c of R-50-D8, with the same strides (1, 2, 1, 1), dilations (1, 1, 2, 4) and
#   contract_dilation, as mmseg's deeplabv3_r50b-d8 configs do for torchvision weights.
#   model.pretrained=None.
_base_ = '../_base_/mmseg/deeplabv3plus_r50-d8_4xb4-40k_voc12aug-512x512.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
# the converted release (tools/model_converters/convert.py writes it)
backbone_checkpoint = 'checkpoints/triplet-resnet50.pth'
model = dict(
    pretrained=None,
    backbone=dict(
        type='AttnResNet',
        plugins=[dict(cfg=dict(type='TripletAttention', kernel_size=7), position='after_last_bn')],
        init_cfg=dict(
            type='Pretrained',
            checkpoint=backbone_checkpoint,
            prefix='backbone.',
            strict=True)))
