# Released ImageNet weights sanet-sa_resnet50: wofmanaf/SA-Net sa_resnet50.pth.tar (groups 64)
#   (published top-1 77.88; SA-Net README).
# From wofmanaf/SA-Net sa_resnet50.pth.tar: https://pan.baidu.com/s/1-TEXeMjprUDyx013l3vZIQ.
#   Convert, then check against the published top-1 on ImageNet val: python
#   tools/model_converters/convert.py sanet-sa_resnet50 SRC checkpoints/sanet-sa_resnet50.pth &&
#   python tools/test.py configs/sa/sa-resnet50_sanet_in1k.py checkpoints/sanet-sa_resnet50.pth.
#   Test pipeline as the source evaluated: short side resized to 256 (bilinear, PIL), center crop
#   224. Training with this config follows the mmpretrain base schedule.
_base_ = '../_base_/mmpretrain/resnet50_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(plugins=[dict(cfg=dict(type='SA', groups=64), position='after_last_bn')]))
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short', backend='pillow', interpolation='bilinear'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
