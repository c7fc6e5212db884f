"""tools/train.py and tools/test.py end to end on a tiny mmpretrain config (CPU, seconds per run).

One run goes through the real script in a subprocess; the others call the same entry points
in-process (``runtime.train_main`` / ``test_main``: what tools/train.py runs) to keep the file fast.
"""
import hashlib
import os
import os.path as osp
import sys

import pytest
import torch
from mmengine.hooks import Hook
from mmengine.registry import HOOKS

import attn_plugins  # noqa: F401
from attn_plugins import runtime


@HOOKS.register_module(force=True)
class CrashAfterIters(Hook):
    """Simulates a run dying mid-training: raises after ``iters`` training iterations."""

    def __init__(self, iters):
        self.iters = iters

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        if runner.iter + 1 >= self.iters:
            raise RuntimeError('simulated crash (node lost)')


def _digest(directory):
    """Checksums of the checkpoint files directly in ``directory``."""
    return {n: hashlib.md5(open(osp.join(directory, n), 'rb').read()).hexdigest()
            for n in runtime.existing_checkpoints(directory)}


@pytest.fixture(scope='module')
def first_run(tmp_path_factory, tiny_base_config, tool):
    """tools/train.py (subprocess): 2 epochs with validation after each."""
    directory = tmp_path_factory.mktemp('first_run')
    cfg = osp.join(directory, 'tiny_cls.py')
    with open(cfg, 'w') as f:
        f.write(tiny_base_config)
    work_dir = str(directory / 'work')
    proc = tool([sys.executable, 'tools/train.py', cfg, '--work-dir', work_dir])
    return dict(cfg=cfg, work_dir=work_dir, proc=proc, directory=str(directory))


def test_train_two_epochs_and_evaluate(first_run, read_accuracies):
    proc, work_dir = first_run['proc'], first_run['work_dir']
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'Traceback' not in proc.stderr
    for name in ('epoch_1.pth', 'epoch_2.pth', 'last_checkpoint'):
        assert osp.isfile(osp.join(work_dir, name))
    assert 'accuracy/top1' in proc.stdout
    acc = read_accuracies(work_dir)
    assert len(acc) == 2, acc  # one validation per epoch, in the JSON scalar log
    assert acc[-1] >= 75.0, acc  # two colours: far above chance (50) after 2 epochs
    assert 'persistent_workers=False' in proc.stdout  # the num_workers=0 fix was applied


def test_second_new_run_does_not_overwrite_the_first(first_run, capsys):
    work_dir = first_run['work_dir']
    before = _digest(work_dir)
    rc = runtime.train_main([first_run['cfg'], '--work-dir', work_dir])
    err = capsys.readouterr().err
    assert rc != 0
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith('train.py: error: work_dir') and '--resume' in lines[0]
    assert _digest(work_dir) == before  # nothing touched


def test_overwrite_starts_over_and_keeps_the_earlier_checkpoints(first_run, make_config,
                                                                 tmp_path, capsys):
    import shutil
    work_dir = str(tmp_path / 'work')
    shutil.copytree(first_run['work_dir'], work_dir)
    before = _digest(work_dir)
    cfg = make_config(tmp_path, 'overwrite_cls', 'train_cfg = dict(max_epochs=1)\n')
    assert runtime.train_main([cfg, '--work-dir', work_dir, '--overwrite', '--no-validate']) == 0
    out = capsys.readouterr().out
    moved = [d for d in os.listdir(work_dir) if d.startswith('previous_run_')]
    assert len(moved) == 1 and moved[0] in out
    assert _digest(osp.join(work_dir, moved[0])) == before  # the earlier run, byte for byte
    assert osp.isfile(osp.join(work_dir, 'epoch_1.pth'))  # the new run
    assert not osp.isfile(osp.join(work_dir, 'epoch_2.pth'))


def test_test_tool_evaluates_the_checkpoint_and_refuses_a_mismatched_one(first_run, tmp_path,
                                                                         capsys):
    ckpt = osp.join(first_run['work_dir'], 'epoch_2.pth')
    out_pkl = str(tmp_path / 'preds.pkl')
    assert runtime.test_main([first_run['cfg'], ckpt, '--work-dir', str(tmp_path / 't'),
                              '--out', out_pkl]) == 0
    assert 'accuracy/top1' in capsys.readouterr().out
    assert osp.isfile(out_pkl)

    rc = runtime.test_main([first_run['cfg'], ckpt, '--work-dir', str(tmp_path / 't2'),
                            '--cfg-options', 'model.backbone.base_channels=16'])
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert rc != 0 and len(lines) == 1
    assert 'does not match the model' in lines[0]


def test_killed_run_resumes_and_finishes(make_config, tmp_path, capsys):
    work_dir = str(tmp_path / 'work')
    # 24 images / batch 8 = 3 iterations per epoch: iteration 4 is inside epoch 2
    cfg = make_config(tmp_path, 'crash_cls',
                      "custom_hooks = [dict(type='CrashAfterIters', iters=4)]\n")
    assert runtime.train_main([cfg, '--work-dir', work_dir, '--no-validate']) != 0
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1 and 'simulated crash' in lines[0]
    saved = lines[0].split('(traceback: ')[1].rstrip(')')  # kept next to the run's log
    assert 'Traceback' in open(saved).read() and saved.startswith(work_dir)
    assert osp.isfile(osp.join(work_dir, 'epoch_1.pth'))
    assert not osp.isfile(osp.join(work_dir, 'epoch_2.pth'))

    # the same config without the crash; a fresh config name gives the run its own logger
    cfg2 = make_config(tmp_path, 'crash_cls_resume', 'custom_hooks = []\n')
    assert runtime.train_main([cfg2, '--work-dir', work_dir, '--resume', '--no-validate']) == 0
    out = capsys.readouterr().out
    assert 'resumed epoch: 1' in out
    assert osp.isfile(osp.join(work_dir, 'epoch_2.pth'))  # the final epoch
    state = torch.load(osp.join(work_dir, 'epoch_2.pth'), map_location='cpu', weights_only=False)
    assert state['meta']['epoch'] == 2 and state['meta']['iter'] == 6


# ---------------------------------------------------------------------------------------------
# one clear line per error, non-zero exit, no traceback
# ---------------------------------------------------------------------------------------------
def _one_error_line(capsys, rc):
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert rc != 0
    assert len(lines) == 1, err
    assert 'Traceback' not in err
    assert lines[0].startswith('train.py: error: ')
    return lines[0]


def test_error_wrong_data_root(make_config, tmp_path, capsys):
    nope = str(tmp_path / 'nope')
    cfg = make_config(tmp_path, 'bad_root',
                      f'train_dataloader = dict(dataset=dict(data_root={nope!r}))\n')
    line = _one_error_line(capsys, runtime.train_main([cfg, '--work-dir', str(tmp_path / 'w')]))
    assert 'data_root' in line and 'nope' in line and 'does not exist' in line
    assert not osp.exists(tmp_path / 'w')  # checked before anything was built or written


def test_error_corrupt_annotation_file(make_config, tiny_data, tmp_path, capsys):
    cfg = make_config(tmp_path, 'bad_ann', (
        "train_dataloader = dict(dataset=dict(_delete_=True, type='BaseDataset', "
        f"data_root={tiny_data!r}, ann_file='annotations/corrupt.json', data_prefix='train', "
        "pipeline=[dict(type='LoadImageFromFile'), dict(type='PackInputs')]))\n"))
    line = _one_error_line(capsys, runtime.train_main([cfg, '--work-dir', str(tmp_path / 'w')]))
    assert 'corrupt.json' in line and 'not valid JSON' in line


def test_error_missing_annotation_file(make_config, tmp_path, capsys):
    cfg = make_config(tmp_path, 'no_ann', "val_dataloader = dict(dataset=dict("
                      "ann_file='annotations/missing_val.txt'))\n")
    line = _one_error_line(capsys, runtime.train_main([cfg, '--work-dir', str(tmp_path / 'w')]))
    assert 'val_dataloader' in line and 'missing_val.txt' in line and 'not found' in line


def test_error_unknown_plugin_type(make_config, tmp_path, capsys):
    from attn_plugins.catalog import module_names
    cfg = make_config(tmp_path, 'bad_plugin', (
        "model = dict(backbone=dict(_delete_=True, type='mmdet.ResNet', depth=50, "
        "base_channels=8, plugins=[dict(cfg=dict(type='NoSuchAttn'), position='after_conv3', "
        "stages=(False, True, True, True))]), head=dict(in_channels=256))\n"))
    line = _one_error_line(capsys, runtime.train_main([cfg, '--work-dir', str(tmp_path / 'w')]))
    assert "unknown attention module 'NoSuchAttn'" in line
    assert 'SE' in module_names() and 'SE' in line and 'CBAM' in line


def test_error_pretrained_checkpoint_does_not_fit_backbone(first_run, make_config, tmp_path,
                                                           capsys):
    ckpt = osp.join(first_run['work_dir'], 'epoch_2.pth')  # ResNet_CIFAR-18, 8 base channels
    cfg = make_config(tmp_path, 'bad_pretrained', (
        'model = dict(backbone=dict(base_channels=16), head=dict(in_channels=128))\n'))
    rc = runtime.train_main([cfg, '--work-dir', str(tmp_path / 'w'), '--pretrained-backbone',
                             ckpt])
    line = _one_error_line(capsys, rc)
    assert 'does not match model.backbone' in line and 'different shape' in line
    assert not osp.isfile(tmp_path / 'w' / 'epoch_1.pth')


def test_amp_on_cpu_trains_in_bfloat16(make_config, tmp_path, capsys):
    cfg = make_config(tmp_path, 'amp_cls', 'train_cfg = dict(max_epochs=1)\n')
    assert runtime.train_main([cfg, '--work-dir', str(tmp_path / 'w'), '--amp',
                               '--no-validate']) == 0
    out = capsys.readouterr().out
    assert 'bfloat16' in out and 'CPUAmpOptimWrapper' in out
    assert osp.isfile(tmp_path / 'w' / 'epoch_1.pth')
