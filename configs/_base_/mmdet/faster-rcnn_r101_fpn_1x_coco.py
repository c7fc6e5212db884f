# mmdet faster-rcnn_r101_fpn_1x_coco (COCO, 1x: 12 epochs, steps 8/11) with AttnResNet (same
#   arguments and weight names as mmdet's ResNet: frozen_stages=1, norm_eval=True,
#   torchvision://resnet101 as in mmdet).
_base_ = 'mmdet::faster_rcnn/faster-rcnn_r101_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(backbone=dict(type='AttnResNet'))
