"""Failure paths of tools/train.py run as users run it (a subprocess): one ``train.py: error:``
line (or ``train.py: interrupted``) on stderr and the exit code, for a missing image read by a
DataLoader worker, an empty dataset, Ctrl-C (also in the middle of a checkpoint save), a config
with a syntax error and config errors found while the Runner is built (before any config dump).
"""
import json
import os
import os.path as osp
import signal
import subprocess
import sys
import time

import pytest

PIPELINE = "[dict(type='LoadImageFromFile'), dict(type='PackInputs')]"


def _errors(proc):
    return [line for line in proc.stderr.splitlines() if line.strip()]


def _one_line(proc, rc=1):
    lines = _errors(proc)
    assert proc.returncode == rc, (proc.returncode, proc.stderr[-3000:])
    assert len(lines) == 1, proc.stderr[-3000:]
    assert 'Traceback' not in proc.stderr
    return lines[0]


def _ann(directory, name, data_list):
    path = osp.join(str(directory), name)
    with open(path, 'w') as f:
        json.dump(dict(metainfo=dict(classes=['red', 'blue']), data_list=data_list), f)
    return path


def _base_dataset(ann, data_root, workers):
    return (f"train_dataloader = dict(num_workers={workers}, persistent_workers=False, "
            f"dataset=dict(_delete_=True, type='BaseDataset', data_root={data_root!r}, "
            f"ann_file={ann!r}, data_prefix='train', pipeline={PIPELINE}))\n")


def _train(tool, cfg, work_dir, *extra, env=None):
    return tool([sys.executable, 'tools/train.py', cfg, '--work-dir', str(work_dir),
                 '--no-validate', *extra], env=env)


def test_missing_image_in_a_dataloader_worker_is_named(make_config, tiny_data, tmp_path, tool):
    missing = osp.join(tiny_data, 'train', 'class0', 'no_such_image.png')
    ann = _ann(tmp_path, 'missing_image.json',
               [dict(img_path='class0/0.png', gt_label=0),
                dict(img_path='class0/no_such_image.png', gt_label=0)])
    cfg = make_config(tmp_path, 'missing_image', _base_dataset(ann, tiny_data, workers=1)
                      + "train_dataloader.update(batch_size=2, sampler=dict(shuffle=False))\n")
    line = _one_line(_train(tool, cfg, tmp_path / 'w'))
    assert line.startswith('train.py: error: BaseDataset: file not found: '), line
    assert missing in line and 'DataLoader worker' in line and ann in line, line


def test_empty_annotation_file_names_the_dataset_and_file(make_config, tiny_data, tmp_path,
                                                          tool):
    ann = _ann(tmp_path, 'empty.json', [])
    cfg = make_config(tmp_path, 'empty_ann', _base_dataset(ann, tiny_data, workers=0))
    line = _one_line(_train(tool, cfg, tmp_path / 'w'))
    assert line.startswith('train.py: error: BaseDataset is empty: '), line
    assert ann in line and 'lists no samples' in line, line
    assert 'need at least one array' not in line


INTERRUPT_HOOK = '''
import os
import signal

from mmengine.hooks import Hook
from mmengine.registry import HOOKS


@HOOKS.register_module()
class InterruptDuringSave(Hook):
    """Ctrl-C while the Runner saves a checkpoint: SIGINT arrives while mmengine formats the
    config for the checkpoint's meta (yapf, most of a save's time), as it does for a user.
    Runs before CheckpointHook (NORMAL before VERY_LOW priority), whose save formats the config
    next."""

    def after_train_epoch(self, runner):
        from mmengine.config import config as config_module
        format_code = config_module.FormatCode

        def interrupted_format(*args, **kwargs):
            os.kill(os.getpid(), signal.SIGINT)
            return format_code(*args, **kwargs)

        config_module.FormatCode = interrupted_format
'''


def test_ctrl_c_during_checkpoint_save_is_an_interruption(make_config, tmp_path, tool,
                                                          repo_root):
    hooks = tmp_path / 'hooks'
    hooks.mkdir()
    (hooks / 'interrupt_hook.py').write_text(INTERRUPT_HOOK)
    cfg = make_config(tmp_path, 'interrupt_save', (
        "custom_imports = dict(imports=['attn_plugins', 'interrupt_hook'])\n"
        "custom_hooks = [dict(type='InterruptDuringSave')]\n"
        "train_cfg = dict(max_epochs=1)\n"))
    proc = _train(tool, cfg, tmp_path / 'w',
                  env=dict(PYTHONPATH=os.pathsep.join([repo_root, str(hooks)])))
    line = _one_line(proc, rc=130)
    assert line == 'train.py: interrupted (a training run continues with --resume)', line
    assert 'SyntaxError' not in proc.stderr + proc.stdout[-2000:]


@pytest.mark.parametrize('workers', [0, pytest.param(1, marks=pytest.mark.slow)])
def test_sigint_during_training_exits_130(make_config, tmp_path, repo_root, workers):
    """Ctrl-C in a terminal: SIGINT to the whole process group (DataLoader workers included)."""
    cfg = make_config(tmp_path, 'sigint', 'train_cfg = dict(max_epochs=50)\n'
                      f'train_dataloader = dict(num_workers={workers}, persistent_workers=True)\n')
    env = dict(os.environ, PYTHONPATH=repo_root, OMP_NUM_THREADS='1', PYTHONUNBUFFERED='1')
    env.pop('ATTN_PLUGINS_DEBUG', None)
    proc = subprocess.Popen([sys.executable, 'tools/train.py', cfg, '--work-dir',
                             str(tmp_path / 'w'), '--no-validate'], cwd=repo_root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        deadline = time.time() + 300
        for line in proc.stdout:  # wait for the first logged training iteration
            if 'Epoch(train)' in line or time.time() > deadline:
                break
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    lines = [line for line in err.splitlines() if line.strip()]
    assert proc.returncode == 130, err[-3000:]
    assert lines == ['train.py: interrupted (a training run continues with --resume)'], err[-3000:]


def test_config_syntax_error_names_file_and_line(tmp_path, tool):
    cfg = tmp_path / 'broken.py'
    cfg.write_text("default_scope = 'mmpretrain'\nmodel = dict(type='ImageClassifier')\n"
                   "x = = 1\n")
    line = _one_line(tool([sys.executable, 'tools/train.py', str(cfg)]))
    assert str(cfg) in line and 'line 3' in line and 'syntax' in line.lower(), line


@pytest.mark.parametrize('extra,expected', [
    # the model is built in Runner.__init__
    ("model = dict(neck=dict(type='NoSuchNeck'))\n", "unknown type 'NoSuchNeck'"),
    pytest.param("model = dict(head=dict(no_such_arg=1))\n", 'no_such_arg',
                 marks=pytest.mark.slow),  # (the same path as the unknown type)
    # the optimizer is built in Runner.train()
    ("optim_wrapper = dict(optimizer=dict(type='NoSuchOptim'))\n", "unknown type 'NoSuchOptim'"),
])
def test_build_error_comes_before_any_config_dump(make_config, tmp_path, tool, extra, expected):
    cfg = make_config(tmp_path, 'bad_build', extra)
    proc = _train(tool, cfg, tmp_path / 'w')
    line = _one_line(proc)
    assert expected in line, line
    assert 'Config:' not in proc.stdout, proc.stdout[-2000:]  # mmengine's dump was held back
    if 'optim_wrapper' in extra:  # failed after Runner.__init__, which wrote the config file
        assert osp.isfile(tmp_path / 'w' / 'bad_build.py')


@pytest.mark.slow  # (in-process: tests/test_compat.py)
def test_config_is_logged_once_the_run_is_built(make_config, tmp_path, tool):
    cfg = make_config(tmp_path, 'logged', 'train_cfg = dict(max_epochs=1)\n')
    proc = _train(tool, cfg, tmp_path / 'w')
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert out.count('Config:\n') == 1
    # after the environment and the build (hooks), before the first iteration
    assert out.index('System environment') < out.index('Hooks will be executed') \
        < out.index('Config:\n') < out.index('Epoch(train)')


def _raised(build):
    with pytest.raises(Exception) as info:
        build()
    return info.value


def test_empty_coco_file_and_empty_voc_split_are_named(tmp_path):
    """The same line for mmdet's COCO (an annotation file without images) and mmseg's VOC (a
    split file without lines), from the error the dataset raises while it is built."""
    from mmdet.datasets import CocoDataset
    from mmseg.datasets import PascalVOCDataset

    from attn_plugins.runtime import format_error
    coco = tmp_path / 'instances_empty.json'
    coco.write_text(json.dumps(dict(images=[], annotations=[],
                                    categories=[dict(id=1, name='circle')])))
    line = format_error(_raised(lambda: CocoDataset(
        ann_file=str(coco), data_root=str(tmp_path), metainfo=dict(classes=('circle', )),
        pipeline=[])))
    assert line.startswith(f"CocoDataset is empty: its ann_file '{coco}' lists no samples"), line

    voc = tmp_path / 'VOC2012'
    for d in ('JPEGImages', 'SegmentationClass', 'ImageSets/Segmentation'):
        (voc / d).mkdir(parents=True)
    (voc / 'ImageSets/Segmentation/train.txt').write_text('')
    line = format_error(_raised(lambda: PascalVOCDataset(
        data_root=str(voc), ann_file='ImageSets/Segmentation/train.txt', pipeline=[],
        data_prefix=dict(img_path='JPEGImages', seg_map_path='SegmentationClass'))))
    assert line.startswith('PascalVOCDataset is empty: its ann_file '), line
    assert 'ImageSets/Segmentation/train.txt' in line, line
