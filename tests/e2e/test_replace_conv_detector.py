"""A module that *replaces* the 3×3 conv (SK at ``position='replace_conv2'``) inside a detector
learns: Faster R-CNN with an AttnResNet-50 (Bottleneck) backbone whose every conv2 is a Selective
Kernel unit, trained from scratch on the built-in COCO-format shapes with the demo recipe
(configs/demo/gam_faster_rcnn_shapes_cpu.py: width 16, native image size, AdamW, cosine), must reach
a bbox mAP far above chance (an untrained detector scores ~0.00)."""
import os.path as osp

import pytest

pytestmark = pytest.mark.slow

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
EPOCHS = 5

CONFIG = f"""_base_ = {osp.join(REPO, 'configs', 'demo', 'gam_faster_rcnn_shapes_cpu.py')!r}
base = 16
# ResNet-50 layout (Bottleneck, 3-4-6-3) at width 16; SK replaces conv2 + bn2 + ReLU of all 16
# blocks (two 3x3 paths, dilation 1 and 2, fuse width max(C/16, 8)); no other plugin.
model = dict(
    backbone=dict(
        depth=50,
        plugins=[dict(cfg=dict(type='SK', min_channels=8), position='replace_conv2')]),
    neck=dict(in_channels=[base * 4, base * 8, base * 16, base * 32]))
max_epochs = {EPOCHS}
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=120),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=0, end=max_epochs, eta_min=1e-5,
         convert_to_iter_based=True),
]
default_hooks = dict(checkpoint=dict(interval=max_epochs))
"""


def test_sk_faster_rcnn_learns(e2e_data, train, coco_opts, tmp_path):
    import resource
    cfg = tmp_path / 'sk_faster_rcnn_r50w16_shapes_cpu.py'
    cfg.write_text(CONFIG)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    metrics, seconds = train(str(cfg), tmp_path / 'work', 'coco/bbox_mAP',
                             coco_opts(e2e_data('coco')))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f'SK Faster R-CNN: {seconds:.0f} s wall, {cpu:.0f} s CPU (train + eval), {metrics}')
    assert metrics['coco/bbox_mAP'] >= 0.25, metrics
    assert metrics['coco/bbox_mAP_50'] >= 0.45, metrics
    # the work dir's config has the SK units at conv2 of the Bottlenecks
    import glob
    dumped = glob.glob(str(tmp_path / 'work' / '*.py'))
    assert dumped and "position='replace_conv2'" in open(dumped[0]).read()
