# DeepLabV3 MobileNetV2-D8 on VOC2012-aug (40k iterations) with Coordinate Attention r=32, the
#   Coordinate Attention paper's segmentation setting. Placement: after the 3x3 depthwise conv
#   (+BN+ReLU6) of all 17 inverted residuals, r=32 (3,951,504; the official mbv2_ca.py skips the t=1
#   block: 3,950,648).
# Backbone initialised from our ImageNet checkpoint coord_att/coord-att-mobilenet-v2_8xb32_in1k.py
#   (model.pretrained=None instead of mmseg's mmcls://mobilenet_v2).
_base_ = '../_base_/mmseg/mobilenet-v2-d8_deeplabv3_4xb4-40k_voc12aug-512x512.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    pretrained=None,
    backbone=dict(
        plugins=[dict(cfg=dict(type='CoordAtt', reduction=32), position='after_dw')],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/coord-att-mobilenet-v2_8xb32_in1k/epoch_300.pth',
            prefix='backbone.',
            strict=True,
            allow_unexpected=r'conv2\.')))
