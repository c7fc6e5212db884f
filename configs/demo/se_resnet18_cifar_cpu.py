# CPU-scale classifier: mmpretrain ImageClassifier with AttnResNet_CIFAR-18 (width 16) + SE after the
# last BN of every block, trained from scratch on the built-in CIFAR-100-format pattern data
# (`python tools/data/make_datasets.py cifar100 --out data`: 10 classes, 2000 train / 500 test images,
# read by the offline CIFAR100Local). Inherits the real config (configs/se/se-resnet18_8xb16_cifar100.py)
# and shrinks width and schedule; SE uses r=4 (r=16 would leave one hidden unit at width 16).
#   python tools/train.py configs/demo/se_resnet18_cifar_cpu.py
_base_ = '../se/se-resnet18_8xb16_cifar100.py'

num_classes = 10
base = 16  # widths 16-32-64-128
data_preprocessor = dict(num_classes=num_classes)
model = dict(
    backbone=dict(
        stem_channels=base, base_channels=base,
        plugins=[dict(cfg=dict(type='SE', reduction=4, bias=False), position='after_last_bn')]),
    head=dict(num_classes=num_classes, in_channels=base * 8))
train_dataloader = dict(batch_size=32, num_workers=1, persistent_workers=True,
                        dataset=dict(data_root='data/cifar100'))
val_dataloader = dict(batch_size=100, num_workers=1, persistent_workers=True,
                      dataset=dict(data_root='data/cifar100'))
test_dataloader = val_dataloader

max_epochs = 6
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=max_epochs)
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4,
                                    nesterov=True))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=60),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=max_epochs, eta_min=1e-4,
         convert_to_iter_based=True),
]
default_hooks = dict(logger=dict(interval=20), checkpoint=dict(interval=max_epochs, max_keep_ckpts=1))
randomness = dict(seed=0)
auto_scale_lr = dict(base_batch_size=32)
