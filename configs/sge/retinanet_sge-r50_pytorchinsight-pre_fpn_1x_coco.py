# RetinaNet FPN R-50 1x on COCO with SGE G=64, the backbone initialised from the released ImageNet
#   weights pytorchinsight-sge_resnet50: implus/PytorchInsight sge_resnet50 (groups 64) (published
#   top-1 77.584; PytorchInsight README): the papers' protocol (pretrained with the module inside).
# First convert the downloaded file (implus/PytorchInsight sge_resnet50:
#   https://drive.google.com/open?id=13HPCjrEle6aFbiCo8Afkr2jJssdNwdRn): python
#   tools/model_converters/convert.py pytorchinsight-sge_resnet50 SRC
#   checkpoints/pytorchinsight-sge_resnet50.pth; backbone_checkpoint below is the one place to
#   change. The backbone loads it strictly (init_cfg strict=True: a missing, unused or mis-shaped
#   key stops the run at start). frozen_stages=1 and norm_eval=True as mmdet (the plugins are
#   pretrained).
_base_ = '../_base_/mmdet/retinanet_r50_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
# the converted release (tools/model_converters/convert.py writes it)
backbone_checkpoint = 'checkpoints/pytorchinsight-sge_resnet50.pth'
model = dict(
    backbone=dict(
        plugins=[dict(cfg=dict(type='SGE', groups=64), position='after_last_bn')],
        init_cfg=dict(
            type='Pretrained',
            checkpoint=backbone_checkpoint,
            prefix='backbone.',
            strict=True)))
