# Released ImageNet weights pytorchinsight-bam_resnet50: implus/PytorchInsight bam_resnet50 (product
#   fusion) (published top-1 76.898; PytorchInsight README).
# From implus/PytorchInsight bam_resnet50:
#   https://drive.google.com/file/d/1K5iAUAIF_yRyC2pIiA65F8Ig0x4NzOqk/view. Convert, then check
#   against the published top-1 on ImageNet val: python tools/model_converters/convert.py
#   pytorchinsight-bam_resnet50 SRC checkpoints/pytorchinsight-bam_resnet50.pth && python
#   tools/test.py configs/bam/bam-resnet50_pytorchinsight_in1k.py
#   checkpoints/pytorchinsight-bam_resnet50.pth. Test pipeline as the source evaluated: short side
#   resized to 256 (bilinear, PIL), center crop 224. Training with this config follows the
#   mmpretrain base schedule.
# Where the released network differs from this model: BAM's channel pooling in the released code is
#   avg_pool2d(x, H) (an HxH kernel): the same as our true global average at square inputs; at HxW
#   inputs it is not defined (wrong size or an error), ours pools over HxW.
_base_ = '../_base_/mmpretrain/resnet50_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='BAM', reduction=16, dilation=4, fusion='product'),
                position='after_stage',
                stages=(True, True, True, False)),
        ]))
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short', backend='pillow', interpolation='bilinear'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
