# Faster R-CNN FPN R-50 1x on COCO with Gather-Excite GE-theta+: the alternative initialisation:
#   torchvision ImageNet weights for the ResNet (mmdet's default) and randomly initialised plugins.
# train_plugins=True keeps the plugins trainable in the frozen stage 1 and their BNs in train mode
#   under norm_eval (otherwise they would stay at their random initial values). Loaded strictly:
#   only torchvision's classifier (fc) may be unused and only the plugins (allow_missing='plugins')
#   missing. Everything else as faster-rcnn_ge-r50_fpn_1x_coco.py.
_base_ = './faster-rcnn_ge-r50_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        train_plugins=True,
        init_cfg=dict(
            _delete_=True,
            type='Pretrained',
            checkpoint='torchvision://resnet50',
            strict=True,
            allow_missing='plugins',
            allow_unexpected=r'fc\.')))
