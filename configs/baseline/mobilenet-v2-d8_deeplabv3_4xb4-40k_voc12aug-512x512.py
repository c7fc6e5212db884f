# DeepLabV3 MobileNetV2-D8 on VOC2012-aug (40k iterations), no attention module.
# Backbone initialised from our ImageNet checkpoint baseline/mobilenet-v2_8xb32_in1k.py
#   (model.pretrained=None instead of mmseg's mmcls://mobilenet_v2).
_base_ = '../_base_/mmseg/mobilenet-v2-d8_deeplabv3_4xb4-40k_voc12aug-512x512.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    pretrained=None,
    backbone=dict(
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/mobilenet-v2_8xb32_in1k/epoch_300.pth',
            prefix='backbone.',
            strict=True,
            allow_unexpected=r'conv2\.')))
