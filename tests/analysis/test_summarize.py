"""tools/analysis/summarize.py on real work dirs: a tiny classifier trained through tools/train.py
(subprocess) and one trained and tested in-process (the same entry points), then the tables, CSV
and plots are checked against the metrics in the logs."""
import csv
import importlib.util
import json
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(ROOT, 'tools', 'analysis', 'summarize.py')

CONFIG = '''
default_scope = 'mmpretrain'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
data_root = {root!r}
classes = ['circle', 'square']
model = dict(
    type='ImageClassifier',
    backbone=dict(type='AttnResNet_CIFAR', depth=18, stem_channels=8, base_channels=8,
                  plugins={plugins}),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=2, in_channels=64,
              loss=dict(type='CrossEntropyLoss'), topk=(1, )))
data_preprocessor = dict(num_classes=2, mean=[127.5] * 3, std=[64.] * 3, to_rgb=True)
pipeline = [dict(type='LoadImageFromFile'), dict(type='PackInputs')]
train_dataloader = dict(
    batch_size=4, num_workers=0, sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type='CustomDataset', data_root=data_root, ann_file='meta/train.txt',
                 data_prefix='train', classes=classes, pipeline=pipeline))
val_dataloader = dict(
    batch_size=4, num_workers=0, sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='CustomDataset', data_root=data_root, ann_file='meta/val.txt',
                 data_prefix='val', classes=classes, pipeline=pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_evaluator = val_evaluator
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=1e-4))
train_cfg = dict(by_epoch=True, max_epochs=2, val_interval=1)
val_cfg = dict()
test_cfg = dict()
default_hooks = dict(
    timer=dict(type='IterTimerHook'), logger=dict(type='LoggerHook', interval=1),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', interval=1),
    sampler_seed=dict(type='DistSamplerSeedHook'))
env_cfg = dict(cudnn_benchmark=False, mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
               dist_cfg=dict(backend='nccl'))
randomness = dict(seed=0, deterministic=False)
log_level = 'INFO'
load_from = None
resume = False
'''


def _tool():
    spec = importlib.util.spec_from_file_location('summarize_tool', TOOL)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _log_records(work_dir, test=False):
    """The JSON records mmengine wrote (read here independently of the tool)."""
    recs = []
    for ts in sorted(os.listdir(work_dir)):
        path = osp.join(work_dir, ts, f'{ts}.json') if test else \
            osp.join(work_dir, ts, 'vis_data', f'{ts}.json')
        if osp.isfile(path):
            with open(path) as f:
                text = f.read()
            recs += [json.loads(text)] if test else [json.loads(x) for x in text.splitlines()
                                                     if x.strip()]
    return recs


@pytest.fixture(scope='module')
def work_dirs(tmp_path_factory):
    from attn_plugins import runtime
    from attn_plugins.data.synthetic import make_imagenet
    base = tmp_path_factory.mktemp('summarize')
    root = str(base / 'data')
    make_imagenet(root, num_classes=2, train_per_class=4, val_per_class=2,
                  image_size=((32, 32), (32, 32)))
    cfgs = {}
    for name, plugins in (('se_tiny', "[dict(cfg=dict(type='SE', reduction=4), "
                                      "position='after_last_bn')]"),
                          ('plain_tiny', 'None')):
        cfgs[name] = str(base / f'{name}.py')
        with open(cfgs[name], 'w') as f:
            f.write(CONFIG.format(root=root, plugins=plugins))
    wd_se, wd_plain = str(base / 'work_se'), str(base / 'work_plain')
    # 1. the real script, in a subprocess
    env = dict(os.environ, PYTHONPATH=ROOT, OMP_NUM_THREADS='1')
    proc = subprocess.run([sys.executable, 'tools/train.py', cfgs['se_tiny'], '--work-dir', wd_se],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    # 2. the same entry points in-process (faster): train, then test the last checkpoint
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        assert runtime.train_main([cfgs['plain_tiny'], '--work-dir', wd_plain]) == 0
        assert runtime.test_main([cfgs['plain_tiny'], osp.join(wd_plain, 'epoch_2.pth'),
                                  '--work-dir', wd_plain]) == 0
    finally:
        torch.set_num_threads(threads)
    return dict(se=wd_se, plain=wd_plain, base=str(base))


@pytest.fixture(scope='module')
def summary(work_dirs):
    out = osp.join(work_dirs['base'], 'out')
    rc = _tool().main([work_dirs['se'], work_dirs['plain'], '--out-md', f'{out}/t.md',
                       '--out-csv', f'{out}/t.csv', '--plots', f'{out}/plots', '--published',
                       '--complexity', '--shape', '32'])
    assert rc == 0
    with open(f'{out}/t.csv') as f:
        rows = list(csv.DictReader(f))
    with open(f'{out}/t.md') as f:
        md = f.read()
    return dict(rows=rows, md=md, out=out)


def test_rows_equal_the_metrics_in_the_logs(work_dirs, summary):
    rows = {r['work_dir']: r for r in summary['rows'] if r['source'] == 'measured here'}
    assert set(rows) == {work_dirs['se'], work_dirs['plain']}
    se, plain = rows[work_dirs['se']], rows[work_dirs['plain']]
    # training run without a test run: the last validation
    vals = [r for r in _log_records(work_dirs['se']) if 'accuracy/top1' in r]
    assert len(vals) == 2
    assert se['split'] == 'val, last' and float(se['top-1']) == vals[-1]['accuracy/top1']
    assert int(se['step']) == vals[-1]['step'] == 2
    # a test run in the work dir: its metrics
    (test,) = _log_records(work_dirs['plain'], test=True)
    assert plain['split'] == 'test' and float(plain['top-1']) == test['accuracy/top1']
    assert se['model'] == 'se_tiny' and se['attention'] == 'SE' and se['task'] == 'classification'
    assert plain['model'] == 'plain_tiny' and plain['attention'] == 'none'
    assert int(se['iters']) == 4 and int(se['epochs']) == 2  # 8 images, batch 4, 2 epochs
    # params from the dumped config (complexity): the SE modules add parameters
    assert float(se['params_M']) > float(plain['params_M']) > 0
    assert float(se['flops_G']) > 0


def test_published_rows_are_labelled(summary):
    pub = [r for r in summary['rows'] if r['source'] != 'measured here']
    assert pub and all(r['source'].startswith('published: ') for r in pub)
    assert {r['task'] for r in pub} == {'classification'}  # only the tasks of our runs
    assert any(r['attention'] == 'SE' and r['top-1'] for r in pub)
    md = summary['md']
    assert '### Classification' in md and '| measured here |' in md and '| published: ' in md
    assert '### Detection' not in md


def test_plots_are_written(summary):
    plots = osp.join(summary['out'], 'plots')
    for name in ('training_curves.png', 'classification_top1_vs_params.png',
                 'classification_top1_vs_flops.png'):
        assert osp.getsize(osp.join(plots, name)) > 5000, name


def test_missing_work_dir_is_one_error(tmp_path, capsys):
    assert _tool().main([str(tmp_path / 'nope')]) == 2
    assert 'does not exist' in capsys.readouterr().err


def test_metric_keys_of_the_three_libraries():
    from attn_plugins.analysis.summarize import extract_metrics
    m = extract_metrics({'coco/bbox_mAP': 0.374, 'coco/bbox_mAP_50': 0.581, 'coco/segm_mAP': 0.347,
                         'step': 12})
    assert m == {'detection': {'AP': 37.4, 'AP50': 58.1, 'mask AP': 34.7}}
    assert extract_metrics({'mIoU': 79.09, 'aAcc': 96.0}) == \
        {'segmentation': {'mIoU': 79.09, 'aAcc': 96.0}}
    assert extract_metrics({'accuracy/top1': 76.55, 'accuracy/top5': 93.06}) == \
        {'classification': {'top-1': 76.55, 'top-5': 93.06}}


def test_coco_undefined_metric_is_na_not_a_number(tmp_path, fake_work_dir, capsys):
    """pycocotools' -1 (e.g. APs without small objects) is shown as n/a, never as -100."""
    from attn_plugins.analysis.summarize import extract_metrics
    assert extract_metrics({'coco/bbox_mAP': 0.5, 'coco/bbox_mAP_s': -1.0}) == \
        {'detection': {'AP': 50.0, 'APs': None}}
    wd = fake_work_dir(tmp_path / 'det', val={'coco/bbox_mAP': 0.5, 'coco/bbox_mAP_s': -1.0,
                                              'coco/bbox_mAP_m': 0.4}, scope='mmdet')
    out = tmp_path / 'out'
    rc = _tool().main([wd, '--out-md', str(out / 't.md'), '--out-csv', str(out / 't.csv'),
                       '--plots', str(out / 'plots')])
    assert rc == 0, capsys.readouterr().err
    md = (out / 't.md').read_text()
    (line,) = [ln for ln in md.splitlines() if ln.startswith('| cfg |')]
    assert '| 50.00 | n/a | 40.00 |' in line and '-100' not in md
    (row,) = csv.DictReader((out / 't.csv').open())
    assert (row['AP'], row['APs'], row['APm']) == ('50.0', 'n/a', '40.0')


def test_a_bad_work_dir_is_skipped_and_the_rest_reported(tmp_path, fake_work_dir, capsys):
    good = fake_work_dir(tmp_path / 'good', val={'accuracy/top1': 81.5})
    empty = tmp_path / 'empty'
    empty.mkdir()
    garbage = fake_work_dir(tmp_path / 'garbage', val={'accuracy/top1': 1.})
    (tmp_path / 'garbage' / '20260101_000000' / 'vis_data' / '20260101_000000.json').write_text(
        '[1, 2, 3]')  # JSON, but no records: the row says "no evaluation", it does not crash
    rc = _tool().main([str(tmp_path / 'missing'), str(empty), good, garbage])
    out = capsys.readouterr()
    assert rc == 0
    skipped = [ln for ln in out.err.splitlines() if ln.startswith('summarize: skipped:')]
    assert len(skipped) == 2 and 'does not exist' in skipped[0] and 'no mmengine logs' in \
        skipped[1], out.err
    assert '| cfg (good) | none | 81.50 |' in out.out and '| cfg (garbage) |' in out.out
    # nothing readable: one error line per work dir, exit code 2
    rc = _tool().main([str(tmp_path / 'missing'), str(empty)])
    err = capsys.readouterr().err.splitlines()
    assert rc == 2 and len(err) == 2 and all(ln.startswith('summarize: error:') for ln in err)


def test_seed_from_the_config_else_from_the_log(tmp_path, fake_work_dir):
    from attn_plugins.analysis.summarize import summarize
    wd = fake_work_dir(tmp_path / 'a', seed=3, val={'accuracy/top1': 50.})
    assert summarize([wd])['rows'][0]['seed'] == 3
    # randomness.seed unset: the seed the Runner drew and logged in its environment block
    wd = fake_work_dir(tmp_path / 'b', seed=None, val={'accuracy/top1': 50.})
    (tmp_path / 'b' / '20260101_000000' / '20260101_000000.log').write_text(
        'Runtime environment:\n    cudnn_benchmark: False\n    seed: 1234\n    Distributed '
        'launcher: none\n')
    assert summarize([wd])['rows'][0]['seed'] == 1234
