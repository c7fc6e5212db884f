# Mask R-CNN FPN R-50 1x on COCO with GCT before every conv. Placement: GCT (Yang et al., CVPR 2020)
#   before every convolution: conv1-3 and the shortcut conv of every block, plus the stem conv
#   (ResNet-50 25,624,625). Identity at initialisation. The authors train beta without weight decay;
#   mmpretrain's schedule decays it (add paramwise_cfg custom_keys for ".beta" to follow them).
# Backbone initialised from our ImageNet classification checkpoint (pretrain with the module, then
#   transfer): train gct/gct-resnet50_8xb32_in1k.py first, or run both steps with
#   tools/train_chain.sh. frozen_stages=1 and norm_eval=True as mmdet. Alternative init:
#   mask-rcnn_gct-r50_tv-pre_fpn_1x_coco.py.
_base_ = '../_base_/mmdet/mask-rcnn_r50_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[
            dict(cfg=dict(type='GCT', mode='l2'), position='before_conv'),
            dict(cfg=dict(type='GCT', mode='l2'), position='before_stem_conv'),
        ],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/gct-resnet50_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
