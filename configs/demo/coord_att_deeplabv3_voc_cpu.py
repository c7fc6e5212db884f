# CPU-scale DeepLabV3 with Coordinate Attention (AttnResNetV1c-18-D8, width 16, CoordAtt after the last
# BN of every block) trained from scratch on the built-in PASCAL-VOC-format shapes data
# (`python tools/data/make_datasets.py voc --out data`: 4 shapes as aeroplane, boat, bottle and
# tvmonitor on background; VOC2012 + SBD-style "aug" split, 21 VOC classes). Inherits the real config
# (configs/coord_att/deeplabv3_coord-att-r50-d8_4xb4-40k_voc12aug-512x512.py) and shrinks it to CPU
# scale: 256 px crops, depth 18 / width 16, a narrow ASPP, AdamW and a short iteration schedule.
#   python tools/train.py configs/demo/coord_att_deeplabv3_voc_cpu.py
_base_ = '../coord_att/deeplabv3_coord-att-r50-d8_4xb4-40k_voc12aug-512x512.py'

data_root = 'data/VOCdevkit/VOC2012'
crop_size = (256, 256)
base = 16  # widths 16-32-64-128 (BasicBlock)
norm_cfg = dict(type='BN', requires_grad=True)  # one CPU process: plain BN instead of SyncBN
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor,
    backbone=dict(
        depth=18, stem_channels=base, base_channels=base, norm_cfg=norm_cfg,
        init_cfg=None),  # from scratch: no pretrained weights exist here
    decode_head=dict(in_channels=base * 8, channels=64, norm_cfg=norm_cfg),
    auxiliary_head=dict(in_channels=base * 4, channels=32, norm_cfg=norm_cfg))

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='RandomResize', scale=(256, 256), ratio_range=(0.75, 1.5), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='Pad', size=crop_size),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(256, 256), keep_ratio=True),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]
dataset_train = dict(
    type='PascalVOCDataset', data_root=data_root,
    data_prefix=dict(img_path='JPEGImages', seg_map_path='SegmentationClass'),
    ann_file='ImageSets/Segmentation/train.txt', pipeline=train_pipeline)
dataset_aug = dict(
    type='PascalVOCDataset', data_root=data_root,
    data_prefix=dict(img_path='JPEGImages', seg_map_path='SegmentationClassAug'),
    ann_file='ImageSets/Segmentation/aug.txt', pipeline=train_pipeline)
train_dataloader = dict(
    batch_size=8, num_workers=1, persistent_workers=True,
    dataset=dict(type='ConcatDataset', datasets=[dataset_train, dataset_aug]))
val_dataloader = dict(
    batch_size=1, num_workers=1, persistent_workers=True,
    dataset=dict(data_root=data_root, pipeline=test_pipeline))
test_dataloader = val_dataloader

max_iters = 200
warmup_iters = 20
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=max_iters)
optim_wrapper = dict(
    _delete_=True, type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=3e-3, weight_decay=0.01), clip_grad=dict(max_norm=10.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=warmup_iters),
    dict(type='PolyLR', eta_min=1e-5, power=1.0, begin=warmup_iters, end=max_iters, by_epoch=False),
]
default_hooks = dict(
    logger=dict(interval=20, log_metric_by_epoch=False),
    checkpoint=dict(by_epoch=False, interval=max_iters, max_keep_ckpts=1))
randomness = dict(seed=0)
