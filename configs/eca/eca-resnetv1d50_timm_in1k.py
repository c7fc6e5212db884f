# Released ImageNet weights timm-ecaresnet50d: timm ecaresnet50d.miil_in1k: deep stem 32-32-64,
#   avg-down shortcut (= ResNetV1d), ECA with the adaptive kernel rule (published top-1 80.634; timm
#   results-imagenet.csv at 224 (crop_pct 0.875, bicubic)).
# From timm ecaresnet50d.miil_in1k:
#   https://github.com/rwightman/pytorch-image-models/releases/download/v0.1-tresnet/ecaresnet50d-93c81e3b.pth.
#   Convert, then check against the published top-1 on ImageNet val: python
#   tools/model_converters/convert.py timm-ecaresnet50d SRC checkpoints/timm-ecaresnet50d.pth &&
#   python tools/test.py configs/eca/eca-resnetv1d50_timm_in1k.py checkpoints/timm-ecaresnet50d.pth.
#   Test pipeline as the source evaluated: short side resized to 256 (bicubic, PIL), center crop
#   224. Training with this config follows the mmpretrain base schedule.
_base_ = '../_base_/mmpretrain/resnetv1d50_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='ECA', kernel_size=5),
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
        ]))
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short', backend='pillow', interpolation='bicubic'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
