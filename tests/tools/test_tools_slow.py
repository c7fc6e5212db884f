"""Long end-to-end runs of the shell tools (subprocesses; marked slow, run with --slow/--all)."""
import os
import os.path as osp
import socket
import sys

import pytest
import torch

pytestmark = pytest.mark.slow

# SyncBN as in the mmseg/mmdet configs users bring: reverted to BN by mmengine on one process, by
# our CPU-distributed shim under --launcher pytorch without CUDA.
SYNC_BN = "model = dict(backbone=dict(norm_cfg=dict(type='SyncBN', requires_grad=True)))\n"


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return str(s.getsockname()[1])


def test_dist_train_on_cpu_with_gloo_matches_single_process(make_config, tmp_path, tool,
                                                            read_accuracies):
    cfg = make_config(tmp_path, 'dist_cls', SYNC_BN)
    single = str(tmp_path / 'single')
    proc = tool([sys.executable, 'tools/train.py', cfg, '--work-dir', single])
    assert proc.returncode == 0, proc.stderr[-3000:]

    dist = str(tmp_path / 'dist')
    # same total batch: 2 processes x 4 images
    proc = tool(['bash', 'tools/dist_train.sh', cfg, '2', '--work-dir', dist, '--cfg-options',
                 'train_dataloader.batch_size=4', 'val_dataloader.batch_size=4'],
                env=dict(PORT=_free_port()))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "'backend': 'gloo'" in proc.stdout and 'Distributed training: True' in proc.stdout
    assert osp.isfile(osp.join(dist, 'epoch_2.pth'))

    acc_single, acc_dist = read_accuracies(single), read_accuracies(dist)
    assert len(acc_single) == len(acc_dist) == 2
    assert acc_single[-1] >= 75 and acc_dist[-1] >= 75, (acc_single, acc_dist)
    assert abs(acc_single[-1] - acc_dist[-1]) <= 25, (acc_single, acc_dist)

    # the checkpoint of the distributed run has plain keys (no 'module.') and BN buffers
    state = torch.load(osp.join(dist, 'epoch_2.pth'), map_location='cpu', weights_only=False)
    keys = state['state_dict'].keys()
    assert not any(k.startswith('module.') for k in keys)
    assert 'backbone.bn1.running_mean' in keys

    # dist_test.sh evaluates it on 2 processes
    proc = tool(['bash', 'tools/dist_test.sh', cfg, osp.join(dist, 'epoch_2.pth'), '2',
                 '--work-dir', str(tmp_path / 'dist_test')], env=dict(PORT=_free_port()))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'accuracy/top1' in proc.stdout


KILL_HOOK = '''
import os
import signal

from mmengine.hooks import Hook
from mmengine.registry import HOOKS


@HOOKS.register_module()
class KillAfterIters(Hook):
    """SIGKILL the training process (as an OOM killer or a lost node would)."""

    def __init__(self, iters):
        self.iters = iters

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        if runner.iter + 1 >= self.iters:
            os.kill(os.getpid(), signal.SIGKILL)
'''


def test_sigkilled_run_resumes_and_finishes(make_config, tmp_path, tool, repo_root):
    hooks = tmp_path / 'hooks'
    hooks.mkdir()
    (hooks / 'kill_hook.py').write_text(KILL_HOOK)
    env = dict(PYTHONPATH=os.pathsep.join([repo_root, str(hooks)]))
    cfg = make_config(tmp_path, 'kill_cls', (
        "custom_imports = dict(imports=['attn_plugins', 'kill_hook'])\n"
        "custom_hooks = [dict(type='KillAfterIters', iters=4)]\n"))
    work_dir = str(tmp_path / 'work')
    proc = tool([sys.executable, 'tools/train.py', cfg, '--work-dir', work_dir], env=env)
    assert proc.returncode == -9, proc.stderr[-2000:]
    assert osp.isfile(osp.join(work_dir, 'epoch_1.pth'))
    assert not osp.isfile(osp.join(work_dir, 'epoch_2.pth'))

    # a new run into it is refused; --resume finishes it
    proc = tool([sys.executable, 'tools/train.py', cfg, '--work-dir', work_dir], env=env)
    assert proc.returncode == 1 and 'already holds checkpoints' in proc.stderr
    resume_cfg = make_config(tmp_path, 'kill_cls_resume', 'custom_hooks = []\n')
    proc = tool([sys.executable, 'tools/train.py', resume_cfg, '--work-dir', work_dir,
                 '--resume'])
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'resumed epoch: 1' in proc.stdout
    state = torch.load(osp.join(work_dir, 'epoch_2.pth'), map_location='cpu', weights_only=False)
    assert state['meta']['epoch'] == 2


def test_train_chain_pretrains_then_loads_the_backbone(make_config, tmp_path, tool):
    cls_cfg = make_config(tmp_path, 'chain_cls')
    # the downstream run: another classifier (the mechanism is the same for mmdet/mmseg configs:
    # model.backbone.init_cfg=Pretrained(prefix='backbone.')), trained for one epoch
    down_cfg = make_config(tmp_path, 'chain_down', 'train_cfg = dict(max_epochs=1)\n')
    cls_dir, down_dir = str(tmp_path / 'cls'), str(tmp_path / 'down')
    env = dict(CLS_WORK_DIR=cls_dir, DOWN_WORK_DIR=down_dir)
    proc = tool(['bash', 'tools/train_chain.sh', cls_cfg, down_cfg], env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    ckpt = osp.join(cls_dir, 'epoch_2.pth')
    # the strict Pretrained of compat.py (shim 3) loads the backbone from the final checkpoint
    assert f'load backbone. in ResNet_CIFAR from: {ckpt} (strict)' in proc.stdout, proc.stdout[-3000:]
    assert osp.isfile(osp.join(down_dir, 'epoch_1.pth'))

    # running the chain again skips the finished stages (both resume) instead of refusing
    proc = tool(['bash', 'tools/train_chain.sh', cls_cfg, down_cfg], env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]

    # a downstream backbone the checkpoint does not fit stops the chain with one line
    bad_cfg = make_config(tmp_path, 'chain_bad', (
        'model = dict(backbone=dict(base_channels=16), head=dict(in_channels=128))\n'))
    proc = tool(['bash', 'tools/train_chain.sh', cls_cfg, bad_cfg],
                env=dict(env, DOWN_WORK_DIR=str(tmp_path / 'bad')))
    assert proc.returncode != 0
    errors = [line for line in proc.stderr.splitlines() if 'error:' in line]
    assert len(errors) == 1 and 'does not match model.backbone' in errors[0]
