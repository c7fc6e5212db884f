# Released ImageNet weights gct-resnet50: z-x-yang/GCT GCT-ResNet50: Caffe style (stride on the
#   1x1), GCT before every conv including the stem conv and the shortcut conv (published top-1 77.2;
#   GCT PyTorch README).
# From z-x-yang/GCT GCT-ResNet50 (PyTorch):
#   https://drive.google.com/file/d/1y5a56UzBjUWlWwlrU42lxueJY_cBpWLL/view. Convert, then check
#   against the published top-1 on ImageNet val: python tools/model_converters/convert.py
#   gct-resnet50 SRC checkpoints/gct-resnet50.pth && python tools/test.py
#   configs/gct/gct-resnet50_gct_in1k.py checkpoints/gct-resnet50.pth. Test pipeline as the source
#   evaluated: short side resized to 256 (bilinear, PIL), center crop 224. Training with this config
#   follows the mmpretrain base schedule.
_base_ = '../_base_/mmpretrain/resnet50_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        style='caffe',
        plugins=[
            dict(cfg=dict(type='GCT', mode='l2'), position='before_conv'),
            dict(cfg=dict(type='GCT', mode='l2'), position='before_stem_conv'),
        ]))
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short', backend='pillow', interpolation='bilinear'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
