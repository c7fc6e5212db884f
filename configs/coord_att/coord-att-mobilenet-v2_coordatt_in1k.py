# Released ImageNet weights coordatt-mobilenet_v2: houqb/CoordAttention mbv2_ca.pth (mbv2_ca.py):
#   CoordAtt after the depthwise conv of every t=6 block, output convs named conv2/conv3 (published
#   top-1 74.3; CoordAttention README).
# From houqb/CoordAttention mbv2_ca.pth:
#   https://github.com/houqb/CoordAttention/blob/main/mbv2_ca.pth. Convert, then check against the
#   published top-1 on ImageNet val: python tools/model_converters/convert.py coordatt-mobilenet_v2
#   SRC checkpoints/coordatt-mobilenet_v2.pth && python tools/test.py
#   configs/coord_att/coord-att-mobilenet-v2_coordatt_in1k.py checkpoints/coordatt-mobilenet_v2.pth.
#   Test pipeline as the source evaluated: short side resized to 256 (bilinear, PIL), center crop
#   224. Training with this config follows the mmpretrain base schedule.
_base_ = '../_base_/mmpretrain/mobilenet-v2_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='CoordAtt', reduction=32),
                position='after_dw',
                stages=(False, True, True, True, True, True, True)),
        ]))
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short', backend='pillow', interpolation='bilinear'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
