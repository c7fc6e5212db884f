# Released ImageNet weights torchvision-resnet50: torchvision ResNet-50 (IMAGENET1K_V1 76.13 / V2
#   80.858) (published top-1 76.13; torchvision weight metadata (IMAGENET1K_V1): resize 256, crop
#   224, bilinear).
# From torchvision resnet50 IMAGENET1K_V1:
#   https://download.pytorch.org/models/resnet50-0676ba61.pth. Convert, then check against the
#   published top-1 on ImageNet val: python tools/model_converters/convert.py torchvision-resnet50
#   SRC checkpoints/torchvision-resnet50.pth && python tools/test.py
#   configs/baseline/resnet50_torchvision_in1k.py checkpoints/torchvision-resnet50.pth. Test
#   pipeline as the source evaluated: short side resized to 256 (bilinear, PIL), center crop 224.
#   Training with this config follows the mmpretrain base schedule.
_base_ = '../_base_/mmpretrain/resnet50_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short', backend='pillow', interpolation='bilinear'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
