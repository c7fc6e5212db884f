# Mask R-CNN FPN R-101 1x on COCO with DANet position attention (PAM): the alternative
#   initialisation: torchvision ImageNet weights for the ResNet (mmdet's default) and randomly
#   initialised plugins.
# train_plugins=True keeps the plugins trainable in the frozen stage 1 and their BNs in train mode
#   under norm_eval (otherwise they would stay at their random initial values). Loaded strictly:
#   only torchvision's classifier (fc) may be unused and only the plugins (allow_missing='plugins')
#   missing. Everything else as mask-rcnn_pam-r101_fpn_1x_coco.py.
_base_ = './mask-rcnn_pam-r101_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        train_plugins=True,
        init_cfg=dict(
            _delete_=True,
            type='Pretrained',
            checkpoint='torchvision://resnet101',
            strict=True,
            allow_missing='plugins',
            allow_unexpected=r'fc\.')))
