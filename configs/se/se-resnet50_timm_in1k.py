# Released ImageNet weights timm-seresnet50: timm seresnet50.{a1,a2,a3,ra2}_in1k (timm ResNet,
#   attn_layer=se) (published top-1 80.26; ra2_in1k, timm results-imagenet.csv at 224 (crop_pct
#   0.875, bicubic); a1/a2/a3 80.012/80.102/77.036 (timm evaluates them at crop_pct 0.95)).
# From timm seresnet50.ra2_in1k (a1/a2/a3_in1k: same network):
#   https://github.com/rwightman/pytorch-image-models/releases/download/v0.1-weights/seresnet50_ra_224-8efdb4bb.pth.
#   Convert, then check against the published top-1 on ImageNet val: python
#   tools/model_converters/convert.py timm-seresnet50 SRC checkpoints/timm-seresnet50.pth && python
#   tools/test.py configs/se/se-resnet50_timm_in1k.py checkpoints/timm-seresnet50.pth. Test pipeline
#   as the source evaluated: short side resized to 256 (bicubic, PIL), center crop 224. Training
#   with this config follows the mmpretrain base schedule.
_base_ = '../_base_/mmpretrain/resnet50_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(plugins=[dict(cfg=dict(type='SE', reduction=16), position='after_last_bn')]))
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short', backend='pillow', interpolation='bicubic'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
