"""``tools/train.py --amp`` on CPU (bf16 autocast, CPUAmpOptimWrapper) for detectors, segmenters
and a classifier, as users run it (a subprocess), on small synthetic data: a few iterations with
rc 0, finite losses in the scalar log, and validation / ``tools/test.py`` under bf16 autocast as
well (``val_cfg.fp16`` / ``test_cfg.fp16``: mmengine's autocast, bf16 on CPU). The mmcv ops of
the detectors (NMS, RoIAlign) run in fp32 there through shim 4 of :mod:`attn_plugins.compat`.
"""
import glob
import json
import math
import os.path as osp
import sys

import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


@pytest.fixture(scope='module')
def small_data(tmp_path_factory):
    """COCO (8 train / 4 val) and VOC (8 train + 8 aug / 4 val) shapes data."""
    from attn_plugins.data.synthetic import make_coco, make_voc
    root = tmp_path_factory.mktemp('amp_data')
    coco = make_coco(str(root / 'coco'), num_train=8, num_val=4)['data_root']
    voc = make_voc(str(root), num_train=8, num_val=4, num_aug=8)['data_root']
    return dict(coco=coco, voc=voc)


def _losses(work_dir):
    values = []
    for path in glob.glob(osp.join(str(work_dir), '*', 'vis_data', 'scalars.json')):
        with open(path) as f:
            for line in f:
                rec = json.loads(line)
                if 'loss' in rec:
                    values.append(rec['loss'])
    return values


def _check_amp_run(proc, work_dir, min_iters):
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert 'CPUAmpOptimWrapper with bfloat16 autocast' in proc.stdout
    losses = _losses(work_dir)
    assert len(losses) >= min_iters and all(math.isfinite(v) for v in losses), losses


def _coco_options(root):
    ann = osp.join(root, 'annotations', 'instances_val2017.json')
    return [f'train_dataloader.dataset.data_root={root}',
            f'val_dataloader.dataset.data_root={root}',
            f'test_dataloader.dataset.data_root={root}',
            f'val_evaluator.ann_file={ann}', f'test_evaluator.ann_file={ann}']


SHORT = ['train_dataloader.batch_size=2', 'train_dataloader.num_workers=0',
         'val_dataloader.num_workers=0', 'test_dataloader.num_workers=0',
         'default_hooks.logger.interval=1', 'val_cfg.fp16=True']


@pytest.mark.slow
@pytest.mark.parametrize('config,metric,score_thr', [
    ('configs/demo/gam_faster_rcnn_shapes_cpu.py', 'coco/bbox_mAP', 'rcnn.score_thr'),
    ('configs/demo/eca_retinanet_shapes_cpu.py', 'coco/bbox_mAP', 'score_thr'),
    ('configs/demo/se_mask_rcnn_shapes_cpu.py', 'coco/segm_mAP', 'rcnn.score_thr'),
])
def test_amp_trains_and_tests_a_detector(config, metric, score_thr, small_data, tmp_path, tool):
    # after 4 iterations no score passes the configs' 0.05: keep every box, so the metric runs
    keep_all = f'model.test_cfg.{score_thr}=0.0'
    work_dir = tmp_path / 'w'
    opts = _coco_options(small_data['coco']) + SHORT + [keep_all, 
        'train_cfg.max_epochs=1', 'train_cfg.val_interval=1', 'default_hooks.checkpoint.interval=1']
    proc = tool([sys.executable, 'tools/train.py', config, '--work-dir', str(work_dir), '--amp',
                 '--cfg-options', *opts])
    _check_amp_run(proc, work_dir, min_iters=4)  # 8 images, batch 2
    assert metric in proc.stdout  # validation ran under bf16 autocast (val_cfg.fp16)

    proc = tool([sys.executable, 'tools/test.py', config, str(work_dir / 'epoch_1.pth'),
                 '--work-dir', str(tmp_path / 't'), '--cfg-options', *_coco_options(
                     small_data['coco']), keep_all, 'test_dataloader.num_workers=0',
                 'test_cfg.fp16=True'])
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert metric in proc.stdout


def _voc_options(root, config):
    opts = [f'val_dataloader.dataset.data_root={root}', f'test_dataloader.dataset.data_root={root}']
    if 'demo' in config:  # ConcatDataset of train + aug
        opts += [f'train_dataloader.dataset.datasets.0.data_root={root}',
                 f'train_dataloader.dataset.datasets.1.data_root={root}']
    else:
        opts += [f'train_dataloader.dataset.data_root={root}']
    return opts


@pytest.mark.slow
@pytest.mark.parametrize('config,extra', [
    ('configs/demo/coord_att_deeplabv3_voc_cpu.py', []),
    # DeepLabV3+ (the head of the SE/CBAM/... VOC configs) on the demo's small backbone
    ('configs/demo/coord_att_deeplabv3_voc_cpu.py', [
        'model.decode_head.type=DepthwiseSeparableASPPHead', 'model.decode_head.c1_in_channels=16',
        'model.decode_head.c1_channels=16']),
])
def test_amp_trains_and_tests_a_segmenter(config, extra, small_data, tmp_path, tool):
    work_dir = tmp_path / 'w'
    opts = _voc_options(small_data['voc'], config) + SHORT + extra + [
        'train_cfg.max_iters=3', 'train_cfg.val_interval=3', 'default_hooks.checkpoint.interval=3']
    proc = tool([sys.executable, 'tools/train.py', config, '--work-dir', str(work_dir), '--amp',
                 '--cfg-options', *opts])
    _check_amp_run(proc, work_dir, min_iters=3)
    assert 'mIoU' in proc.stdout

    proc = tool([sys.executable, 'tools/test.py', config, str(work_dir / 'iter_3.pth'),
                 '--work-dir', str(tmp_path / 't'), '--cfg-options',
                 *_voc_options(small_data['voc'], config), *extra,
                 'test_dataloader.num_workers=0', 'test_cfg.fp16=True'])
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert 'mIoU' in proc.stdout


@pytest.mark.slow  # ~21 s (in-process and faster: test_train_tools.py's bf16 run)
def test_amp_trains_and_tests_a_classifier(make_config, tmp_path, tool):
    cfg = make_config(tmp_path, 'amp_cls', 'train_cfg = dict(max_epochs=1)\n'
                      'val_cfg = dict(fp16=True)\ntest_cfg = dict(fp16=True)\n')
    work_dir = tmp_path / 'w'
    proc = tool([sys.executable, 'tools/train.py', cfg, '--work-dir', str(work_dir), '--amp'])
    _check_amp_run(proc, work_dir, min_iters=3)  # 24 images, batch 8
    assert 'accuracy/top1' in proc.stdout
    proc = tool([sys.executable, 'tools/test.py', cfg, str(work_dir / 'epoch_1.pth'),
                 '--work-dir', str(tmp_path / 't')])
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'accuracy/top1' in proc.stdout
