# Mask R-CNN FPN R-50 1x on COCO with ECA, released per-stage k, the backbone initialised from the
#   released ImageNet weights ecanet-eca_resnet50_k3557: BangguWu/ECANet eca_resnet50_k3557.pth.tar:
#   ECA kernel 3,5,5,7 per stage (published top-1 77.42; ECANet README): the papers' protocol
#   (pretrained with the module inside).
# First convert the downloaded file (BangguWu/ECANet eca_resnet50_k3557.pth.tar:
#   https://drive.google.com/open?id=1670rce333c_lyMWFzBlNZoVUvtxbCF_U): python
#   tools/model_converters/convert.py ecanet-eca_resnet50_k3557 SRC
#   checkpoints/ecanet-eca_resnet50_k3557.pth; backbone_checkpoint below is the one place to change.
#   The backbone loads it strictly (init_cfg strict=True: a missing, unused or mis-shaped key stops
#   the run at start). frozen_stages=1 and norm_eval=True as mmdet (the plugins are pretrained).
_base_ = '../_base_/mmdet/mask-rcnn_r50_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
# the converted release (tools/model_converters/convert.py writes it)
backbone_checkpoint = 'checkpoints/ecanet-eca_resnet50_k3557.pth'
model = dict(
    backbone=dict(
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
