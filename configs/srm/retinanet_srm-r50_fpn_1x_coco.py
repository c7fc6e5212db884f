# RetinaNet FPN R-50 1x on COCO with SRM (style recalibration). Placement: SRM (Lee et al., ICCV
#   2019) after the last BN of every block (after the downsample), before the residual add
#   (ResNet-50 25,617,448). Its parameters (cfc, BN) get no weight decay, as the authors' optimiser:
#   optim_wrapper.paramwise_cfg custom_keys {'.srm.': decay_mult 0}.
# Backbone initialised from our ImageNet classification checkpoint (pretrain with the module, then
#   transfer): train srm/srm-resnet50_8xb32_in1k.py first, or run both steps with
#   tools/train_chain.sh. frozen_stages=1 and norm_eval=True as mmdet. Alternative init:
#   retinanet_srm-r50_tv-pre_fpn_1x_coco.py.
_base_ = '../_base_/mmdet/retinanet_r50_fpn_1x_coco.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        plugins=[dict(cfg=dict(type='SRM'), position='after_last_bn')],
        init_cfg=dict(
            type='Pretrained',
            checkpoint='work_dirs/srm-resnet50_8xb32_in1k/epoch_100.pth',
            prefix='backbone.',
            strict=True)))
optim_wrapper = dict(paramwise_cfg=dict(custom_keys={'.srm.': dict(decay_mult=0.0)}))
