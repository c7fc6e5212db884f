# DeepLabV3+ R-50b-D8 on VOC2012-aug (40k iterations, mmseg's schedule) with ECA, released per-stage
#   k, the backbone initialised from the released ImageNet weights ecanet-eca_resnet50_k3557:
#   BangguWu/ECANet eca_resnet50_k3557.pth.tar: ECA kernel 3,5,5,7 per stage (published top-1 77.42;
#   ECANet README): the papers' protocol (pretrained with the module inside).
# First convert the downloaded file (BangguWu/ECANet eca_resnet50_k3557.pth.tar:
#   https://drive.google.com/open?id=1670rce333c_lyMWFzBlNZoVUvtxbCF_U): python
#   tools/model_converters/convert.py ecanet-eca_resnet50_k3557 SRC
#   checkpoints/ecanet-eca_resnet50_k3557.pth; backbone_checkpoint below is the one place to change.
#   The backbone loads it strictly (init_cfg strict=True: a missing, unused or mis-shaped key stops
#   the run at start). The released ResNet-50 has the 7x7 stem, so the backbone is AttnResNet
#   (mmseg's R-50b: ResNetV1b) instead of the deep-stem ResNetV1c of R-50-D8, with the same strides
#   (1, 2, 1, 1), dilations (1, 1, 2, 4) and contract_dilation, as mmseg's deeplabv3_r50b-d8 configs
#   do for torchvision weights. model.pretrained=None.
_base_ = '../_base_/mmseg/deeplabv3plus_r50-d8_4xb4-40k_voc12aug-512x512.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
# the converted release (tools/model_converters/convert.py writes it)
backbone_checkpoint = 'checkpoints/ecanet-eca_resnet50_k3557.pth'
model = dict(
    pretrained=None,
    backbone=dict(
        type='AttnResNet',
        plugins=[
            dict(
                cfg=dict(type='ECA', kernel_size=3),
                position='after_last_bn',
                stages=(True, False, False, False)),
            dict(
                cfg=dict(type='ECA', kernel_size=5),
                position='after_last_bn',
                stages=(False, True, False, False)),
            dict(
                cfg=dict(type='ECA', kernel_size=5),
                position='after_last_bn',
                stages=(False, False, True, False)),
            dict(
                cfg=dict(type='ECA', kernel_size=7),
                position='after_last_bn',
                stages=(False, False, False, True)),
        ],
        init_cfg=dict(
            type='Pretrained',
            checkpoint=backbone_checkpoint,
            prefix='backbone.',
            strict=True)))
