# ResNet-18 + SRM (style recalibration) on ImageNet-1k. Placement: SRM (Lee et al., ICCV 2019) after
#   the last BN of every block (after the downsample), before the residual add (ResNet-50
#   25,617,448). Its parameters (cfc, BN) get no weight decay, as the authors' optimiser:
#   optim_wrapper.paramwise_cfg custom_keys {'.srm.': decay_mult 0}.
_base_ = '../_base_/mmpretrain/resnet18_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(backbone=dict(plugins=[dict(cfg=dict(type='SRM'), position='after_last_bn')]))
optim_wrapper = dict(paramwise_cfg=dict(custom_keys={'.srm.': dict(decay_mult=0.0)}))
