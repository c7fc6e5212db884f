# CPU demo of the flagship, GAM Faster R-CNN (configs/gam_faster_rcnn.py), trained FROM SCRATCH on the
# built-in COCO-format shapes data (`python tools/data/make_datasets.py coco --out data` -> data/coco/:
# 4 classes circle/square/triangle/cross, 240 train / 60 val images of 160-256 px, objects 12-190 px).
# `bash tools/demo.sh` runs it: 0.59 bbox mAP (AP50 0.79) in about 4.5 minutes on 2 CPU cores.
#
# The recipe transfers to held-out sets of the same family (attn_plugins.data.synthetic.COCO_VARIANTS,
# `python tools/data/make_datasets.py coco --variant NAME` -> data/coco_NAME/; tests/e2e/
# test_demo_variants.py): other image sizes, textured backgrounds, 3 and 5 classes, small objects and
# grey shapes all reach bbox mAP >= 0.46 with it (README table). On another COCO-format set, point the
# data roots at it and give its classes, e.g. --cfg-options train_dataloader.dataset.data_root=DIR/
# (also val_/test_dataloader, val_/test_evaluator.ann_file) {train,val,test}_dataloader.dataset.
# metainfo.classes=a,b,c model.roi_head.bbox_head.num_classes=3.
#
# Still a real mmdet Faster R-CNN + FPN with an AttnResNet backbone and GAM after the last BN of every
# block; only the scale changes:
# - images at their native size (long side 256) instead of 1333x800;
# - AttnResNet-18 (BasicBlock) at width 16 (16-32-64-128 channels) instead of ResNet-50; GAM with
#   r=4 (r=16 would leave 1 hidden unit at width 16);
# - from scratch (no pretrained weights can be downloaded here): init_cfg=None, nothing frozen, BN
#   statistics and affine parameters train (norm_eval=False);
# - FPN/RPN/RoI head at 32 channels, fc 256; one square anchor of 16-256 px per location (the
#   objects have aspect ratios 0.87-1.15); 300 RPN proposals and 64 sampled RoIs per image in training;
# - AdamW (lr 2e-3, batch 4) with linear warm-up and cosine decay over 12 epochs (10 suffice on the
#   built-in data, whose class colours give most classes away; without colour the shapes must be
#   learnt: a grey-shape set measured 0.25 at 10 epochs and 0.37 at 14, the `grey` variant 0.49 at
#   12); evaluation once, at the end (mmdet CocoMetric = pycocotools).
# Threads: tools/demo.sh exports OMP_WAIT_POLICY=PASSIVE; OpenMP's default busy-waiting makes each
# iteration several times slower when the 2 cores are shared with other processes.
_base_ = '../gam_faster_rcnn.py'

data_root = 'data/coco/'
classes = ('circle', 'square', 'triangle', 'cross')
metainfo = dict(classes=classes)
img_scale = (256, 256)  # the data's native size (160-256 px): keep_ratio resize to long side 256
base = 16  # backbone width: 16-32-64-128 channels
neck_ch = 32

model = dict(
    backbone=dict(
        depth=18, stem_channels=base, base_channels=base,
        plugins=[dict(cfg=dict(type='GAM', reduction=4), position='after_last_bn')],
        frozen_stages=-1, norm_eval=False, init_cfg=None),
    neck=dict(in_channels=[base, base * 2, base * 4, base * 8], out_channels=neck_ch, num_outs=5),
    rpn_head=dict(
        in_channels=neck_ch, feat_channels=neck_ch,
        anchor_generator=dict(scales=[4], ratios=[1.0], strides=[4, 8, 16, 32, 64])),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=neck_ch),
        bbox_head=dict(in_channels=neck_ch, fc_out_channels=256, num_classes=len(classes))),
    train_cfg=dict(
        rpn_proposal=dict(nms_pre=1000, max_per_img=300),
        rcnn=dict(sampler=dict(num=64))),
    test_cfg=dict(
        rpn=dict(nms_pre=500, max_per_img=100),
        rcnn=dict(max_per_img=20)))  # at most 4 objects per image

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=img_scale, keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor')),
]
# 2 cores: one loader process decodes the small JPEGs, the main process trains.
train_dataloader = dict(
    batch_size=4, num_workers=1, persistent_workers=True,
    dataset=dict(data_root=data_root, metainfo=metainfo, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=4, num_workers=1, persistent_workers=True,
    dataset=dict(data_root=data_root, metainfo=metainfo, pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'annotations/instances_val2017.json')
test_evaluator = val_evaluator

max_epochs = 12
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)  # evaluate once, at the end
optim_wrapper = dict(
    optimizer=dict(_delete_=True, type='AdamW', lr=2e-3, weight_decay=0.05),
    clip_grad=dict(max_norm=10.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=120),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=max_epochs, eta_min=1e-5,
         convert_to_iter_based=True),
]
default_hooks = dict(
    logger=dict(interval=20),
    checkpoint=dict(interval=max_epochs, max_keep_ckpts=1),
    visualization=dict(draw=False))
log_processor = dict(window_size=20)
randomness = dict(seed=0)
auto_scale_lr = dict(enable=False, base_batch_size=4)
