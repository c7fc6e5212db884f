# Released ImageNet weights timm-legacy_seresnet50: timm legacy_seresnet50.in1k = Cadene
#   se_resnet50-ce0d4300.pth = the official Caffe SE-ResNet-50 weights; Caffe style (stride on conv1
#   of the bottleneck), stem max-pool kernel 3 stride 2 padding 0 ceil_mode=True (published top-1
#   77.64; timm at 224 (crop_pct 0.875, bilinear)).
# From timm legacy_seresnet50.in1k:
#   https://github.com/rwightman/pytorch-image-models/releases/download/v0.1-cadene/se_resnet50-ce0d4300.pth.
#   Convert, then check against the published top-1 on ImageNet val: python
#   tools/model_converters/convert.py timm-legacy_seresnet50 SRC
#   checkpoints/timm-legacy_seresnet50.pth && python tools/test.py
#   configs/se/se-resnet50_timm-legacy_in1k.py checkpoints/timm-legacy_seresnet50.pth. Test pipeline
#   as the source evaluated: short side resized to 256 (bilinear, PIL), center crop 224. Training
#   with this config follows the mmpretrain base schedule.
_base_ = '../_base_/mmpretrain/resnet50_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        style='caffe',
        stem_pool_cfg=dict(kernel_size=3, stride=2, padding=0, ceil_mode=True),
        plugins=[dict(cfg=dict(type='SE', reduction=16), position='after_last_bn')]))
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short', backend='pillow', interpolation='bilinear'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
