# Mask R-CNN FPN R-101 1x on COCO with SK unit (SK-ResNet, PytorchInsight). Placement: Selective
#   Kernel unit (Li et al., CVPR 2019) replacing the 3x3 conv (+BN+ReLU) of every Bottleneck of a
#   plain ResNet: the PytorchInsight SK-ResNet (same first author): a full 3x3 path and a group-32
#   3x3 path, d = C/16 (SK-ResNet-50 26,154,496). The paper's SKNet-50 (ResNeXt) is the sknet
#   folder. It is conv2 itself: frozen with its stage; no torchvision-initialised twins.
# Backbone initialised from our ImageNet classification checkpoint (pretrain with the module, then
#   transfer): train sk/sk-resnet101_8xb32_in1k.py first, or run both steps with
#   tools/train_chain.sh. frozen_stages=1 and norm_eval=True as mmdet.
_base_ = '../_base_/mmdet/mask-rcnn_r101_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(
                cfg=dict(
                    type='SK',
                    path_groups=(1, 32),
                    path_dilations=(1, 1),
                    reduction=16,
                    min_channels=0),
                position='replace_conv2'),
        ],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/sk-resnet101_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
