# ResNet-101 + Attention Branch Network on ImageNet-1k. Placement: ABN (Fukui et al., CVPR 2019) as
#   ABNClassifier: attention branch = copy of the last stage (stride 1) + K-channel heads, 3x3 map
#   conv as the official code; loss = CE(attention) + CE(perception) (ResNet-50 43,584,866).
_base_ = '../_base_/mmpretrain/resnet101_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(
    type='ABNClassifier',
    att_map_kernel_size=3,
    att_loss=dict(type='CrossEntropyLoss', loss_weight=1.0))
