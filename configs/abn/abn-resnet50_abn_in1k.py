# Released ImageNet weights abn-resnet50: machine-perception-robotics-group/attention_branch_network
#   ImageNet ResNet-50 ABN (torch 0.4.0 era: num_batches_tracked buffers may be missing) (published
#   top-1 76.9; README top-1 error 23.1).
# From machine-perception-robotics-group/attention_branch_network ImageNet ResNet50:
#   https://drive.google.com/open?id=1SRtzbnE-IpB5talp7PLNK1mzMV3UPQNV. Convert, then check against
#   the published top-1 on ImageNet val: python tools/model_converters/convert.py abn-resnet50 SRC
#   checkpoints/abn-resnet50.pth && python tools/test.py configs/abn/abn-resnet50_abn_in1k.py
#   checkpoints/abn-resnet50.pth. Test pipeline as the source evaluated: short side resized to 256
#   (bilinear, PIL), center crop 224. Training with this config follows the mmpretrain base
#   schedule.
# Where the released network differs from this model: the released network pools with AvgPool2d(14)
#   (attention branch) and AvgPool2d(7) (head): the same as our global average pools at 224x224
#   only.
_base_ = '../_base_/mmpretrain/resnet50_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    type='ABNClassifier',
    att_map_kernel_size=3,
    att_loss=dict(type='CrossEntropyLoss', loss_weight=1.0))
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short', backend='pillow', interpolation='bilinear'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
