"""Fixtures for the tool tests: a tiny ImageNet-style dataset and small mmpretrain configs.

The data are 32x32 images of two colours (reddish vs bluish with noise), so a tiny ResNet_CIFAR
learns them within two epochs and accuracy far above chance shows that training and evaluation
ran. No imports between test files (``--import-mode=importlib``; never ``import tests.*``).
"""
import json
import os
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PYTHON = sys.executable

BASE_CFG = '''
default_scope = 'mmpretrain'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
data_root = {data_root!r}
model = dict(
    type='ImageClassifier',
    backbone=dict(type='ResNet_CIFAR', depth=18, stem_channels=8, base_channels=8),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=2, in_channels=64,
              loss=dict(type='CrossEntropyLoss'), topk=(1, )))
data_preprocessor = dict(num_classes=2, mean=[127.5] * 3, std=[64.] * 3, to_rgb=False)
pipeline = [dict(type='LoadImageFromFile'), dict(type='PackInputs')]
train_dataloader = dict(
    batch_size=8, num_workers=0, persistent_workers=True,  # the tool must fix this pair
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type='CustomDataset', data_root=data_root, data_prefix='train',
                 pipeline=pipeline))
val_dataloader = dict(
    batch_size=8, num_workers=0, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='CustomDataset', data_root=data_root, data_prefix='val', pipeline=pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_evaluator = val_evaluator
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=1e-4))
param_scheduler = dict(type='MultiStepLR', milestones=[100], gamma=0.1)
train_cfg = dict(by_epoch=True, max_epochs=2, val_interval=1)
val_cfg = dict()
test_cfg = dict()
default_hooks = dict(
    timer=dict(type='IterTimerHook'), logger=dict(type='LoggerHook', interval=1),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', interval=1),
    sampler_seed=dict(type='DistSamplerSeedHook'))
env_cfg = dict(cudnn_benchmark=False, mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
               dist_cfg=dict(backend='nccl'))  # as in the libraries' default_runtime
randomness = dict(seed=0, deterministic=False)
log_level = 'INFO'
load_from = None
resume = False
'''


def _make_data(root):
    from PIL import Image
    rng = np.random.default_rng(0)
    colours = {0: (200, 40, 40), 1: (40, 40, 200)}
    entries = {'train': [], 'val': []}
    for split, n in (('train', 12), ('val', 6)):
        for c, colour in colours.items():
            d = osp.join(root, split, f'class{c}')
            os.makedirs(d, exist_ok=True)
            for i in range(n):
                img = np.clip(np.array(colour) + rng.normal(0, 30, (32, 32, 3)), 0, 255)
                Image.fromarray(img.astype(np.uint8)).save(osp.join(d, f'{i}.png'))
                entries[split].append(dict(img_path=f'class{c}/{i}.png', gt_label=c))
    os.makedirs(osp.join(root, 'annotations'), exist_ok=True)
    for split, items in entries.items():  # mmengine BaseDataset JSON format
        with open(osp.join(root, 'annotations', f'{split}.json'), 'w') as f:
            json.dump(dict(metainfo=dict(classes=['red', 'blue']), data_list=items), f)
    with open(osp.join(root, 'annotations', 'corrupt.json'), 'w') as f:
        f.write('{"metainfo": {"classes": ["red", "blue"]}, "data_list": [{"img_pa')


@pytest.fixture(autouse=True)
def _one_thread():
    """In-process runs: one intra-op thread (see :func:`run_tool`)."""
    import torch
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope='session')
def tiny_data(tmp_path_factory):
    """Root of the tiny dataset: train/, val/ (class folders) and annotations/*.json."""
    root = str(tmp_path_factory.mktemp('tiny_imagenet'))
    _make_data(root)
    return root


@pytest.fixture
def make_config(tiny_data):
    """``make_config(directory, name, extra='')``: write the base config and a config ``name``
    inheriting it with ``extra`` appended; returns its path."""
    def make(directory, name='cfg', extra=''):
        directory = str(directory)
        os.makedirs(directory, exist_ok=True)
        base = osp.join(directory, '_tiny_base.py')
        if not osp.exists(base):
            with open(base, 'w') as f:
                f.write(BASE_CFG.format(data_root=tiny_data))
        path = osp.join(directory, f'{name}.py')
        with open(path, 'w') as f:
            f.write("_base_ = './_tiny_base.py'\n" + extra)
        return path
    return make


def run_tool(args, timeout=600, env=None):
    """Run a tool in a subprocess from the repo root; returns the CompletedProcess."""
    # One thread per process: on a shared 2-core machine OpenMP oversubscription makes an
    # iteration of the tiny model ~30x slower (measured 2.4 s vs 0.07 s under load).
    full_env = dict(os.environ, PYTHON=PYTHON, PYTHONPATH=REPO, OMP_NUM_THREADS='1')
    full_env.pop('ATTN_PLUGINS_DEBUG', None)
    full_env.update(env or {})
    return subprocess.run(args, cwd=REPO, env=full_env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope='session')
def tool():
    """``tool(args, timeout=600, env=None)``: run a tool in a subprocess from the repo root."""
    return run_tool


@pytest.fixture(scope='session')
def repo_root():
    return REPO


@pytest.fixture(scope='session')
def tiny_base_config(tiny_data):
    """Text of the tiny classification config (absolute data_root)."""
    return BASE_CFG.format(data_root=tiny_data)


def accuracies(work_dir):
    """``accuracy/top1`` of every validation in the run's JSON scalar logs, in order."""
    values = []
    for ts in sorted(os.listdir(work_dir)):
        vis = osp.join(work_dir, ts, 'vis_data')
        if not osp.isdir(vis):
            continue
        for name in sorted(os.listdir(vis)):
            if name.endswith('.json') and name != 'scalars.json':
                with open(osp.join(vis, name)) as f:
                    for line in f:
                        rec = json.loads(line)
                        if 'accuracy/top1' in rec:
                            values.append(rec['accuracy/top1'])
    return values


@pytest.fixture(scope='session')
def read_accuracies():
    return accuracies


def error_lines(err):
    return [line for line in err.splitlines() if line.strip()]


@pytest.fixture
def stderr_lines():
    return error_lines
