"""The shell launchers of tools/ run the interpreter tools/_python.sh picks: $PYTHON if set,
else the repository's .venv/bin/python, else ``python`` from PATH.

Each test builds a copy of the repository (symlinks to attn_plugins/, configs/, tools/) whose
.venv/bin/python is a wrapper that records its arguments, and puts a ``python`` on PATH that fails
(the system python without torch after the README's setup). The fast tests check which interpreter
each launcher calls and with what (the wrapper records and exits 0); the slow ones train for real
through dist_train.sh (1 process), dist_test.sh ($PYTHON override) and train_chain.sh.
"""
import os
import os.path as osp
import socket
import subprocess
import sys

import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
LINKED = ('attn_plugins', 'configs', 'tools', 'requirements', 'setup.py')
STUB_RC = 97


def _script(path, text):
    with open(path, 'w') as f:
        f.write(text)
    os.chmod(path, 0o755)
    return str(path)


def _recorder(path, log, tag, real=None):
    """An interpreter that appends ``<tag> <args>`` to ``log``, then runs ``real`` (or exits 0)."""
    run = f'exec {real} "$@"\n' if real else 'exit 0\n'
    return _script(path, f'#!/bin/sh\necho "{tag} $*" >> {log}\n{run}')


@pytest.fixture
def fake_repo(tmp_path):
    """``(root, log, env)``: a repository copy with a recording .venv/bin/python, and an
    environment whose PATH starts with a failing ``python`` and that has no PYTHON."""
    root = tmp_path / 'repo'
    (root / '.venv' / 'bin').mkdir(parents=True)
    for name in LINKED:
        os.symlink(osp.join(REPO, name), root / name)
    log = tmp_path / 'python_calls.log'
    stubs = tmp_path / 'stubs'
    stubs.mkdir()
    _script(stubs / 'python', f'#!/bin/sh\necho "stub python $*" >> {log}\n'
                              f'echo "the system python has no torch" >&2\nexit {STUB_RC}\n')
    # srun for slurm_run.sh: drop srun's options, run the command as a job step would
    _script(stubs / 'srun', '#!/bin/sh\nwhile [ $# -gt 0 ]; do case "$1" in -p) shift 2 ;; '
                            '-*) shift ;; *) break ;; esac; done\nSLURM_JOB_ID=7 exec "$@"\n')
    env = {k: v for k, v in os.environ.items() if k not in ('PYTHON', 'PYTHONPATH')}
    env.update(PATH=f'{stubs}{os.pathsep}{env.get("PATH", "")}', OMP_NUM_THREADS='1')
    env.pop('ATTN_PLUGINS_DEBUG', None)
    return root, log, env


def _calls(log):
    return log.read_text().splitlines() if log.exists() else []


def _run(cmd, root, env, timeout=120):
    return subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.mark.parametrize('case', ['venv', 'override', 'no_venv'])
def test_python_sh_picks_override_then_venv_then_path(fake_repo, case):
    root, log, env = fake_repo
    venv_python = _recorder(root / '.venv' / 'bin' / 'python', log, 'venv')
    if case == 'override':
        env['PYTHON'] = '/opt/other/bin/python3'
    if case == 'no_venv':
        os.remove(venv_python)
    proc = _run(['bash', '-c', 'source tools/_python.sh && echo "$PYTHON"'], root, env)
    assert proc.returncode == 0, proc.stderr
    expected = dict(venv=str(root / '.venv' / 'bin' / 'python'), override='/opt/other/bin/python3',
                    no_venv='python')[case]
    assert proc.stdout.strip() == expected


# launcher, its arguments, extra environment, what its interpreter calls must include
LAUNCHERS = {
    'dist_train': (['tools/dist_train.sh', 'cfg.py', '1', '--work-dir', 'w'], {},
                   ['-m torch.distributed.run', '--nproc_per_node=1', '/tools/train.py cfg.py',
                    '--launcher pytorch --work-dir w']),
    'dist_test': (['tools/dist_test.sh', 'cfg.py', 'c.pth', '1'], {},
                  ['-m torch.distributed.run', '/tools/test.py cfg.py c.pth --launcher pytorch']),
    'train_chain': (['tools/train_chain.sh', 'cls.py', 'det.py'], {},
                    ['/tools/train.py cls.py --work-dir', '--resume']),
    'slurm_train': (['tools/slurm_train.sh', 'part', 'job', 'cfg.py', 'w'],
                    dict(GPUS='1', GPUS_PER_NODE='0', CPUS_PER_TASK='1'),
                    ['-u', '/tools/train.py cfg.py --work-dir=w --launcher=slurm']),
    'slurm_test': (['tools/slurm_test.sh', 'part', 'job', 'cfg.py', 'c.pth'],
                   dict(GPUS='1', GPUS_PER_NODE='0', CPUS_PER_TASK='1'),
                   ['-u', '/tools/test.py cfg.py c.pth --launcher=slurm']),
    'demo': (['tools/demo.sh'], dict(DEMO_SKIP_SETUP='1'),
             ['tools/train.py configs/demo/gam_faster_rcnn_shapes_cpu.py --work-dir']),
    'make_results': (['tools/analysis/make_results.sh'], dict(ONLY='se_resnet18'),
                     ['tools/data/make_datasets.py cifar100 --out', 'tools/sweep.py',
                      'tools/analysis/compare.py', 'tools/analysis/summarize.py']),
}


@pytest.mark.parametrize('name', sorted(LAUNCHERS))
def test_launcher_runs_the_venv_python_not_the_path_one(fake_repo, tmp_path, name):
    root, log, env = fake_repo
    _recorder(root / '.venv' / 'bin' / 'python', log, 'venv')
    args, extra, words = LAUNCHERS[name]
    env.update(extra, DEMO_DATA=str(tmp_path / 'data'), DEMO_WORK_DIR=str(tmp_path / 'demo'),
               DATA=str(tmp_path / 'data'), WORK_ROOT=str(tmp_path / 'results'),
               CLS_WORK_DIR=str(tmp_path / 'cls'), DOWN_WORK_DIR=str(tmp_path / 'down'))
    if name == 'make_results':
        args = args + [str(tmp_path / 'out')]
    proc = _run(['bash'] + args, root, env)
    calls = _calls(log)
    assert calls and all(c.startswith('venv ') for c in calls), (
        calls, proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:])
    everything = '\n'.join(calls)
    for w in words:
        assert w in everything, (w, calls)
    if name == 'train_chain':  # stage 1 "trained" nothing: the chain stops with its one line
        assert proc.returncode == 1 and 'no final checkpoint' in proc.stderr, proc.stderr
    else:
        assert proc.returncode == 0, (proc.stdout[-2000:], proc.stderr[-2000:])


def test_python_overrides_the_venv_in_a_launcher(fake_repo, tmp_path):
    root, log, env = fake_repo
    _recorder(root / '.venv' / 'bin' / 'python', log, 'venv')
    env['PYTHON'] = _recorder(tmp_path / 'mypython', log, 'override')
    proc = _run(['bash', 'tools/dist_train.sh', 'cfg.py', '1'], root, env)
    assert proc.returncode == 0, proc.stderr
    calls = _calls(log)
    assert len(calls) == 1 and calls[0].startswith('override -m torch.distributed.run'), calls


# ---------------------------------------------------------------------------------------------
# real runs (slow): the launchers train and test with the .venv interpreter
# ---------------------------------------------------------------------------------------------
def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return str(s.getsockname()[1])


@pytest.mark.slow
def test_dist_train_and_dist_test_run_for_real_without_a_working_path_python(
        fake_repo, make_config, tmp_path):
    root, log, env = fake_repo
    _recorder(root / '.venv' / 'bin' / 'python', log, 'venv', real=sys.executable)
    cfg = make_config(tmp_path / 'cfgs', 'launch_cls', 'train_cfg = dict(max_epochs=1)\n')
    work = str(tmp_path / 'work')
    proc = _run(['bash', 'tools/dist_train.sh', cfg, '1', '--work-dir', work],
                root, dict(env, PORT=_free_port()), timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert osp.isfile(osp.join(work, 'epoch_1.pth'))
    assert 'Distributed training: True' in proc.stdout
    # $PYTHON wins over .venv
    env['PYTHON'] = _recorder(tmp_path / 'mypython', log, 'override', real=sys.executable)
    proc = _run(['bash', 'tools/dist_test.sh', cfg, osp.join(work, 'epoch_1.pth'), '1',
                 '--work-dir', str(tmp_path / 'test')], root, dict(env, PORT=_free_port()),
                timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'accuracy/top1' in proc.stdout
    calls = _calls(log)
    assert [c.split()[0] for c in calls] == ['venv', 'override'], calls


@pytest.mark.slow
def test_train_chain_runs_for_real_without_a_working_path_python(fake_repo, make_config,
                                                                 tmp_path):
    root, log, env = fake_repo
    _recorder(root / '.venv' / 'bin' / 'python', log, 'venv', real=sys.executable)
    cls_cfg = make_config(tmp_path / 'cfgs', 'chain_cls', 'train_cfg = dict(max_epochs=1)\n')
    down_cfg = make_config(tmp_path / 'cfgs', 'chain_down', 'train_cfg = dict(max_epochs=1)\n')
    cls_dir, down_dir = str(tmp_path / 'cls'), str(tmp_path / 'down')
    proc = _run(['bash', 'tools/train_chain.sh', cls_cfg, down_cfg], root,
                dict(env, CLS_WORK_DIR=cls_dir, DOWN_WORK_DIR=down_dir), timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert osp.isfile(osp.join(cls_dir, 'epoch_1.pth'))
    assert osp.isfile(osp.join(down_dir, 'epoch_1.pth'))
    assert f'backbone from {osp.join(cls_dir, "epoch_1.pth")}' in proc.stdout
    calls = _calls(log)
    assert len(calls) == 2 and all(c.startswith('venv ') for c in calls), calls
    assert '--pretrained-backbone' in calls[1]
