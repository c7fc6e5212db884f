# Released ImageNet weights ecanet-eca_mobilenetv2_k13: BangguWu/ECANet eca_mobilenetv2_k13: ECA
#   after the projection BN, k=1 where the block output has < 96 channels, else 3 (published top-1
#   72.56; ECANet README).
# From BangguWu/ECANet eca_mobilenetv2_k13:
#   https://drive.google.com/open?id=1FxzeXPg1SJQZzVVH4HRjMeq_SVMfidUm. Convert, then check against
#   the published top-1 on ImageNet val: python tools/model_converters/convert.py
#   ecanet-eca_mobilenetv2_k13 SRC checkpoints/ecanet-eca_mobilenetv2_k13.pth && python
#   tools/test.py configs/eca/eca-mobilenet-v2_ecanet_in1k.py
#   checkpoints/ecanet-eca_mobilenetv2_k13.pth. Test pipeline as the source evaluated: short side
#   resized to 256 (bilinear, PIL), center crop 224. Training with this config follows the
#   mmpretrain base schedule.
_base_ = '../_base_/mmpretrain/mobilenet-v2_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(
                cfg_by_channels=[
                    (0, dict(type='ECA', kernel_size=1)),
                    (96, dict(type='ECA', kernel_size=3)),
                ],
                position='after_project'),
        ]))
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short', backend='pillow', interpolation='bilinear'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
