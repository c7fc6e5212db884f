# RetinaNet FPN R-50 1x on COCO with SGE G=64. Placement: SGE (Li et al., 2019), G=64 in every
#   stage, after the last BN of every block (ResNet-50 25,559,080). ResNet-18's 64-channel layer1
#   has one channel per group, as in PytorchInsight.
# Backbone initialised from our ImageNet classification checkpoint (pretrain with the module, then
#   transfer): train sge/sge-resnet50_8xb32_in1k.py first, or run both steps with
#   tools/train_chain.sh. frozen_stages=1 and norm_eval=True as mmdet. Alternative init:
#   retinanet_sge-r50_tv-pre_fpn_1x_coco.py.
_base_ = '../_base_/mmdet/retinanet_r50_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[dict(cfg=dict(type='SGE', groups=64), position='after_last_bn')],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/sge-resnet50_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
