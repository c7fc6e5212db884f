# Mask R-CNN FPN R-50 1x on COCO with ECA, released per-stage k. Placement: ECA (Wang et al., CVPR
#   2020) after the last BN of every block, with the released per-stage kernel sizes
#   (eca_resnet18_k3577, eca_resnet50_k3557, eca_resnet101_k3357): one plugin entry per stage
#   (ResNet-50 25,557,112). Detection and segmentation keep the classification kernels so the
#   checkpoint transfers.
# Backbone initialised from our ImageNet classification checkpoint (pretrain with the module, then
#   transfer): train eca/eca-resnet50_8xb32_in1k.py first, or run both steps with
#   tools/train_chain.sh. frozen_stages=1 and norm_eval=True as mmdet. Alternative init:
#   mask-rcnn_eca-r50_tv-pre_fpn_1x_coco.py.
_base_ = '../_base_/mmdet/mask-rcnn_r50_fpn_1x_coco.py'
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
                cfg=dict(type='ECA', kernel_size=5),
                position='after_last_bn',
                stages=(False, False, True, False)),
            dict(
                cfg=dict(type='ECA', kernel_size=7),
                position='after_last_bn',
                stages=(False, False, False, True)),
        ],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/eca-resnet50_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
