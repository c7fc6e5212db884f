# Released ImageNet weights ecanet-eca_resnet18_k3577: BangguWu/ECANet eca_resnet18_k3577
#   (BasicBlock; ECA after bn2) (published top-1 70.92; ECANet README).
# From BangguWu/ECANet eca_resnet18_k3577.pth.tar:
#   https://drive.google.com/open?id=1LMRFRTyzVifGBi2MUpTuYEWW44S8mwyl. Convert, then check against
#   the published top-1 on ImageNet val: python tools/model_converters/convert.py
#   ecanet-eca_resnet18_k3577 SRC checkpoints/ecanet-eca_resnet18_k3577.pth && python tools/test.py
#   configs/eca/eca-resnet18_ecanet_in1k.py checkpoints/ecanet-eca_resnet18_k3577.pth. Test pipeline
#   as the source evaluated: short side resized to 256 (bilinear, PIL), center crop 224. Training
#   with this config follows the mmpretrain base schedule.
_base_ = '../_base_/mmpretrain/resnet18_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='ECA', kernel_size=3),
                position='after_last_bn',
                stages=(True, False, False, False)),
            dict(
                cfg=dict(type='ECA', kernel_size=5),
                position='after_last_bn',
                stages=(False, True, False, False)),
            dict(
                cfg=dict(type='ECA', kernel_size=7),
                position='after_last_bn',
                stages=(False, False, True, False)),
            dict(
                cfg=dict(type='ECA', kernel_size=7),
                position='after_last_bn',
                stages=(False, False, False, True)),
        ]))
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short', backend='pillow', interpolation='bilinear'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
