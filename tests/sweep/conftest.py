"""Fixtures for the sweep tests: a tiny classification set and config (AttnResNet_CIFAR-18 at width
8 on 32x32 pattern images, so --modules can swap a module in), and a runner for tools/sweep.py.
No imports between test files (``--import-mode=importlib``)."""
import os
import os.path as osp
import subprocess
import sys

import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PYTHON = sys.executable

TINY = '''
default_scope = 'mmpretrain'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
data_root = {root!r}
classes = ['circle', 'square', 'triangle']
model = dict(
    type='ImageClassifier',
    backbone=dict(type='AttnResNet_CIFAR', depth=18, stem_channels=8, base_channels=8,
                  plugins=None),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=3, in_channels=64,
              loss=dict(type='CrossEntropyLoss'), topk=(1, )))
data_preprocessor = dict(num_classes=3, mean=[127.5] * 3, std=[64.] * 3, to_rgb=True)
train_pipeline = [dict(type='LoadImageFromFile'), dict(type='RandomFlip', prob=0.5),
                  dict(type='PackInputs')]
pipeline = [dict(type='LoadImageFromFile'), dict(type='PackInputs')]
train_dataloader = dict(
    batch_size=4, num_workers=0, sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type='CustomDataset', data_root=data_root, ann_file='meta/train.txt',
                 data_prefix='train', classes=classes, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8, num_workers=0, sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='CustomDataset', data_root=data_root, ann_file='meta/val.txt',
                 data_prefix='val', classes=classes, pipeline=pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_evaluator = val_evaluator
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=1e-4))
train_cfg = dict(by_epoch=True, max_epochs={epochs}, val_interval={epochs})
val_cfg = dict()
test_cfg = dict()
default_hooks = dict(
    timer=dict(type='IterTimerHook'), logger=dict(type='LoggerHook', interval=1),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', interval=1),
    sampler_seed=dict(type='DistSamplerSeedHook'))
env_cfg = dict(cudnn_benchmark=False, mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
               dist_cfg=dict(backend='nccl'))
randomness = dict(seed=None, deterministic=False)
log_level = 'INFO'
load_from = None
resume = False
'''


@pytest.fixture(scope='session')
def tiny_data(tmp_path_factory):
    from attn_plugins.data.synthetic import make_imagenet
    root = str(tmp_path_factory.mktemp('sweep_data'))
    make_imagenet(root, num_classes=3, train_per_class=8, val_per_class=10,
                  image_size=((32, 32), (32, 32)))
    return root


@pytest.fixture
def tiny_config(tiny_data, tmp_path):
    """``tiny_config(name='tiny', epochs=2)``: the tiny config's path (in tmp_path)."""
    def make(name='tiny', epochs=2):
        path = tmp_path / f'{name}.py'
        path.write_text(TINY.format(root=tiny_data, epochs=epochs))
        return str(path)
    return make


def run_sweep(args, timeout=900, env=None, **kw):
    """tools/sweep.py ARGS in a subprocess from the repo root (CompletedProcess, or the Popen
    with ``popen=True``)."""
    full_env = dict(os.environ, PYTHONPATH=REPO)
    full_env.pop('ATTN_PLUGINS_DEBUG', None)
    full_env.update(env or {})
    cmd = [PYTHON, osp.join(REPO, 'tools', 'sweep.py'), *args]
    if kw.get('popen'):
        return subprocess.Popen(cmd, cwd=REPO, env=full_env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
    return subprocess.run(cmd, cwd=REPO, env=full_env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope='session')
def sweep_tool():
    return run_sweep


@pytest.fixture(scope='session')
def slurm_cluster(tmp_path_factory):
    """A real single-node Slurm started by tools/ci/slurm.sh in a scratch dir (munge, slurmctld,
    slurmd; stopped at the end): ``dict(env=..., partition=...)`` with ``SLURM_CONF`` in ``env``.
    Skipped, with the script's reason, where it cannot be started (not installed, not root, ...)."""
    script = osp.join(REPO, 'tools', 'ci', 'slurm.sh')
    scratch = str(tmp_path_factory.mktemp('slurm'))
    env = dict(os.environ, PARTITION='debug')
    try:
        up = subprocess.run(['bash', script, 'up', scratch], capture_output=True, text=True,
                            timeout=180, env=env)
    except subprocess.TimeoutExpired:
        up = None
    if up is None or up.returncode != 0:
        reason = 'timed out' if up is None else \
            ((up.stderr.strip() or up.stdout.strip()).splitlines() or ['?'])[-1]
        subprocess.run(['bash', script, 'down', scratch], capture_output=True, timeout=120)
        print(f'\nSlurm cannot be started here: {reason}')
        pytest.skip(f'Slurm cannot be started here: {reason}')
    conf = up.stdout.strip().splitlines()[-1]
    assert conf.startswith('SLURM_CONF='), up.stdout
    try:
        yield dict(env=dict(SLURM_CONF=conf.split('=', 1)[1]), partition='debug',
                   scratch=scratch)
    finally:
        subprocess.run(['bash', script, 'down', scratch], capture_output=True, timeout=120)
