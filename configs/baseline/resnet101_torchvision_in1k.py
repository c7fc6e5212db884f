# Released ImageNet weights torchvision-resnet101: torchvision ResNet-101 (published top-1 77.374;
#   torchvision weight metadata (IMAGENET1K_V1): resize 256, crop 224, bilinear).
# From torchvision resnet101 IMAGENET1K_V1:
#   https://download.pytorch.org/models/resnet101-63fe2227.pth. Convert, then check against the
#   published top-1 on ImageNet val: python tools/model_converters/convert.py torchvision-resnet101
#   SRC checkpoints/torchvision-resnet101.pth && python tools/test.py
#   configs/baseline/resnet101_torchvision_in1k.py checkpoints/torchvision-resnet101.pth. Test
#   pipeline as the source evaluated: short side resized to 256 (bilinear, PIL), center crop 224.
#   Training with this config follows the mmpretrain base schedule.
_base_ = '../_base_/mmpretrain/resnet101_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short', backend='pillow', interpolation='bilinear'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
