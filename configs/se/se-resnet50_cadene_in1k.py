# Released ImageNet weights cadene-se_resnet50: Cadene pretrainedmodels se_resnet50 (same weights as
#   timm legacy) (published top-1 77.636; Cadene README ("our porting"); Caffe original 77.63).
# From Cadene/pretrained-models.pytorch se_resnet50:
#   http://data.lip6.fr/cadene/pretrainedmodels/se_resnet50-ce0d4300.pth. Convert, then check
#   against the published top-1 on ImageNet val: python tools/model_converters/convert.py
#   cadene-se_resnet50 SRC checkpoints/cadene-se_resnet50.pth && python tools/test.py
#   configs/se/se-resnet50_cadene_in1k.py checkpoints/cadene-se_resnet50.pth. Test pipeline as the
#   source evaluated: short side resized to 256 (bilinear, PIL), center crop 224. Training with this
#   config follows the mmpretrain base schedule.
# Where the released network differs from this model: Cadene's head is AvgPool2d(7, stride=1): the
#   same as our global average pool at 224x224 only (elsewhere it does not give one vector per
#   image).
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
