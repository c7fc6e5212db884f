# Released ImageNet weights attention-module-cbam_resnet50: Jongchan/attention-module ResNet50+CBAM
#   (100 epochs) (published top-1 77.622; README ACC@1).
# From Jongchan/attention-module ResNet50+CBAM checkpoint:
#   https://drive.google.com/file/d/1mvAVvhLR_2XY_bPYxh-SEz4vDmGzSArO/view. Convert, then check
#   against the published top-1 on ImageNet val: python tools/model_converters/convert.py
#   attention-module-cbam_resnet50 SRC checkpoints/attention-module-cbam_resnet50.pth && python
#   tools/test.py configs/cbam/cbam-resnet50_attention-module_in1k.py
#   checkpoints/attention-module-cbam_resnet50.pth. Test pipeline as the source evaluated: short
#   side resized to 256 (bilinear, PIL), center crop 224. Training with this config follows the
#   mmpretrain base schedule.
# Where the released network differs from this model: the released ResidualNet ends with
#   AvgPool2d(7): the same as our global average pool at 224x224 only.
_base_ = '../_base_/mmpretrain/resnet50_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(plugins=[dict(cfg=dict(type='CBAM', reduction=16), position='after_last_bn')]))
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short', backend='pillow', interpolation='bilinear'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
