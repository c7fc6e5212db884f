# DeepLabV3 MobileNetV2-D8 on VOC2012-aug (40k iterations) with Coordinate Attention r=32, the
#   backbone initialised from the released ImageNet weights coordatt-mobilenet_v2:
#   houqb/CoordAttention mbv2_ca.pth (mbv2_ca.py): CoordAtt after the depthwise conv of every t=6
#   block, output convs named conv2/conv3 (published top-1 74.3; CoordAttention README): the papers'
#   protocol (pretrained with the module inside).
# First convert the downloaded file (houqb/CoordAttention mbv2_ca.pth:
#   https://github.com/houqb/CoordAttention/blob/main/mbv2_ca.pth): python
#   tools/model_converters/convert.py coordatt-mobilenet_v2 SRC
#   checkpoints/coordatt-mobilenet_v2.pth; backbone_checkpoint below is the one place to change. The
#   backbone loads it strictly (init_cfg strict=True: a missing, unused or mis-shaped key stops the
#   run at start). The classifier's last 1x1 conv (conv2) is not part of the segmentation backbone:
#   allow_unexpected. model.pretrained=None instead of mmseg's mmcls://mobilenet_v2.
_base_ = '../_base_/mmseg/mobilenet-v2-d8_deeplabv3_4xb4-40k_voc12aug-512x512.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
# the converted release (tools/model_converters/convert.py writes it)
backbone_checkpoint = 'checkpoints/coordatt-mobilenet_v2.pth'
model = dict(
    pretrained=None,
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='CoordAtt', reduction=32),
                position='after_dw',
                stages=(False, True, True, True, True, True, True)),
        ],
        init_cfg=dict(
            type='Pretrained',
            checkpoint=backbone_checkpoint,
            prefix='backbone.',
            strict=True,
            allow_unexpected=r'conv2\.')))
