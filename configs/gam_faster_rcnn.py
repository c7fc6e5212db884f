# The flagship: Faster R-CNN R-50 FPN 1x on COCO with GAM —
# `python tools/train.py configs/gam_faster_rcnn.py`
# (after the ImageNet GAM ResNet-50 run configs/gam/gam-resnet50_8xb32_in1k.py, or both at once:
# `bash tools/train_chain.sh configs/gam/gam-resnet50_8xb32_in1k.py configs/gam_faster_rcnn.py`).
_base_ = './gam/faster-rcnn_gam-r50_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
