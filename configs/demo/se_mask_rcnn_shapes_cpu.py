# CPU-scale Mask R-CNN with SE (AttnResNet-18, width 16) trained from scratch on the built-in
# COCO-format shapes data (polygon masks; `python tools/data/make_datasets.py coco --out data`).
# Inherits the real config (configs/se/mask-rcnn_se-r50_fpn_1x_coco.py: SE after the last BN of
# every block) and shrinks it to CPU scale as configs/demo/gam_faster_rcnn_shapes_cpu.py; SE uses
# r=4 here (r=16 would leave one hidden unit at width 16). Evaluates bbox and segm mAP.
#   python tools/train.py configs/demo/se_mask_rcnn_shapes_cpu.py
_base_ = '../se/mask-rcnn_se-r50_fpn_1x_coco.py'

data_root = 'data/coco/'
classes = ('circle', 'square', 'triangle', 'cross')
metainfo = dict(classes=classes)
img_scale = (256, 256)  # the data's native size (160-256 px)
base = 16  # backbone width: 16-32-64-128 channels
neck_ch = 32

model = dict(
    backbone=dict(
        depth=18, stem_channels=base, base_channels=base,
        plugins=[dict(cfg=dict(type='SE', reduction=4), position='after_last_bn')],
        # from scratch: no pretrained weights, nothing frozen, BN statistics train
        frozen_stages=-1, norm_eval=False, init_cfg=None),
    neck=dict(in_channels=[base, base * 2, base * 4, base * 8], out_channels=neck_ch, num_outs=5),
    rpn_head=dict(
        in_channels=neck_ch, feat_channels=neck_ch,
        # objects are 12-190 px with aspect ratio ~1: one 16-256 px anchor per location
        anchor_generator=dict(scales=[4], ratios=[1.0], strides=[4, 8, 16, 32, 64])),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=neck_ch),
        bbox_head=dict(in_channels=neck_ch, fc_out_channels=256, num_classes=len(classes)),
        mask_roi_extractor=dict(out_channels=neck_ch),
        mask_head=dict(num_convs=2, in_channels=neck_ch, conv_out_channels=32,
                       num_classes=len(classes))),
    train_cfg=dict(
        rpn_proposal=dict(nms_pre=1000, max_per_img=300),
        rcnn=dict(sampler=dict(num=64))),
    test_cfg=dict(
        rpn=dict(nms_pre=500, max_per_img=100),
        rcnn=dict(max_per_img=20)))

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor')),
]
train_dataloader = dict(
    batch_size=4, num_workers=1, persistent_workers=True,
    dataset=dict(data_root=data_root, metainfo=metainfo, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=4, num_workers=1, persistent_workers=True,
    dataset=dict(data_root=data_root, metainfo=metainfo, pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'annotations/instances_val2017.json')
test_evaluator = val_evaluator

max_epochs = 8
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
optim_wrapper = dict(
    optimizer=dict(_delete_=True, type='AdamW', lr=2e-3, weight_decay=0.05),
    clip_grad=dict(max_norm=10.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=120),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=max_epochs, eta_min=1e-5,
         convert_to_iter_based=True),
]
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=max_epochs, max_keep_ckpts=1),
    visualization=dict(draw=False))
log_processor = dict(window_size=10)
randomness = dict(seed=0)
auto_scale_lr = dict(enable=False, base_batch_size=4)
