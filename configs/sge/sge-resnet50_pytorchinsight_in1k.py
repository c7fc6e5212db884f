# Released ImageNet weights pytorchinsight-sge_resnet50: implus/PytorchInsight sge_resnet50 (groups
#   64) (published top-1 77.584; PytorchInsight README).
# From implus/PytorchInsight sge_resnet50:
#   https://drive.google.com/open?id=13HPCjrEle6aFbiCo8Afkr2jJssdNwdRn. Convert, then check against
#   the published top-1 on ImageNet val: python tools/model_converters/convert.py
#   pytorchinsight-sge_resnet50 SRC checkpoints/pytorchinsight-sge_resnet50.pth && python
#   tools/test.py configs/sge/sge-resnet50_pytorchinsight_in1k.py
#   checkpoints/pytorchinsight-sge_resnet50.pth. Test pipeline as the source evaluated: short side
#   resized to 256 (bilinear, PIL), center crop 224. Training with this config follows the
#   mmpretrain base schedule.
_base_ = '../_base_/mmpretrain/resnet50_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(plugins=[dict(cfg=dict(type='SGE', groups=64), position='after_last_bn')]))
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short', backend='pillow', interpolation='bilinear'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
