# Faster R-CNN FPN R-101 1x on COCO with DANet position attention (PAM). Placement: DANet's position
#   attention module after res4 and res5 (after_stage of layer3 and layer4; the paper's DANetHead
#   sits on res5), gamma=0: identity at initialisation. O((HW)^2) memory.
# Backbone initialised from our ImageNet classification checkpoint (pretrain with the module, then
#   transfer): train pam/pam-resnet101_8xb32_in1k.py first, or run both steps with
#   tools/train_chain.sh. frozen_stages=1 and norm_eval=True as mmdet. Alternative init:
#   faster-rcnn_pam-r101_tv-pre_fpn_1x_coco.py.
_base_ = '../_base_/mmdet/faster-rcnn_r101_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(cfg=dict(type='PAM'), position='after_stage', stages=(False, False, True, True)),
        ],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/pam-resnet101_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
