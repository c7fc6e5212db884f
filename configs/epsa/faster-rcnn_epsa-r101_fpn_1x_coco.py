# Faster R-CNN FPN R-101 1x on COCO with EPSANet PSA (small). Placement: EPSANet's PSA module (Zhang
#   et al., 2021) replacing the 3x3 conv of every Bottleneck (bn2 + ReLU kept), kernels 3/5/7/9,
#   groups 1/4/8/16: EPSANet-50 (small) 22,561,715, EPSANet-101 38,900,279. It is conv2 itself:
#   frozen with its stage; no torchvision-initialised twins.
# Backbone initialised from our ImageNet classification checkpoint (pretrain with the module, then
#   transfer): train epsa/epsa-resnet101_8xb32_in1k.py first, or run both steps with
#   tools/train_chain.sh. frozen_stages=1 and norm_eval=True as mmdet.
_base_ = '../_base_/mmdet/faster-rcnn_r101_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(type='EPSA', conv_kernels=(3, 5, 7, 9), conv_groups=(1, 4, 8, 16)),
                position='replace_conv2'),
        ],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/epsa-resnet101_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
