# Mask R-CNN FPN R-50 1x on COCO with MCA-E (Moment Channel Attention). Placement: MCA-E (Jiang et
#   al., AAAI 2024; mean + std, k=3 as the released moment.py) after the last BN of every block like
#   ECA (the repository gives no placement; ResNet-50 25,557,144). MCA-S: variant='S'.
# Backbone initialised from our ImageNet classification checkpoint (pretrain with the module, then
#   transfer): train mca/mca-resnet50_8xb32_in1k.py first, or run both steps with
#   tools/train_chain.sh. frozen_stages=1 and norm_eval=True as mmdet. Alternative init:
#   mask-rcnn_mca-r50_tv-pre_fpn_1x_coco.py.
_base_ = '../_base_/mmdet/mask-rcnn_r50_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[dict(cfg=dict(type='MCA', variant='E', kernel_size=3), position='after_last_bn')],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/mca-resnet50_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
