"""Real Slurm (slow): tools/slurm_train.sh trains the tiny config as a Slurm job step
(--launcher slurm, gloo on CPU), and tools/sweep.py --launcher slurm runs a two-run sweep through
sbatch + tools/slurm_train.sh, waits for it and reports each run's state; both runs' metrics are the
logged ones. The cluster is started by tools/ci/slurm.sh (fixture slurm_cluster: skipped with the
reason where it cannot be)."""
import json
import os
import os.path as osp
import subprocess
import sys

import pytest

from attn_plugins.runtime.sweep import run_state

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
pytestmark = [pytest.mark.slow, pytest.mark.slurm]


def _val_top1(wd):
    """The last accuracy/top1 mmengine logged in ``wd`` (read here, independently)."""
    found = None
    for ts in sorted(os.listdir(wd)):
        path = osp.join(wd, ts, 'vis_data', f'{ts}.json')
        if osp.isfile(path):
            for line in open(path):
                rec = json.loads(line)
                if 'accuracy/top1' in rec:
                    found = rec['accuracy/top1']
    return found


def _text_log(wd):
    ts = sorted(d for d in os.listdir(wd) if len(d) == 15 and d[8] == '_')[-1]
    return open(osp.join(wd, ts, f'{ts}.log')).read()


def test_slurm_train_sh_runs_a_job(slurm_cluster, tiny_config, tmp_path):
    from attn_plugins.analysis.summarize import summarize
    wd = str(tmp_path / 'work')
    env = dict(os.environ, **slurm_cluster['env'], GPUS='1', GPUS_PER_NODE='0',
               CPUS_PER_TASK='1', PYTHON=sys.executable)
    proc = subprocess.run(['bash', 'tools/slurm_train.sh', slurm_cluster['partition'], 'tiny',
                           tiny_config(epochs=2), wd, '--cfg-options', 'randomness.seed=0'],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    log = _text_log(wd)
    assert 'Distributed launcher: slurm' in log and 'Distributed training: True' in log
    assert 'srun -p debug --job-name=tiny --ntasks=1 --cpus-per-task=1' in proc.stderr  # set -x
    top1 = _val_top1(wd)
    assert top1 is not None
    (row,) = summarize([wd])['rows']
    assert row['metrics']['top-1'] == pytest.approx(top1) and row['seed'] == 0


def test_sweep_through_slurm(slurm_cluster, sweep_tool, tiny_config, tmp_path, monkeypatch):
    from attn_plugins.runtime.sweep import status_report
    cfg = tiny_config(epochs=2)
    sweep = str(tmp_path / 'sweep')
    common = [cfg, '--launcher', 'slurm', '--partition', slurm_cluster['partition'], '--gpus',
              '0', '--cpus-per-task', '1', '--work-dir', sweep, '--poll', '1']
    env = slurm_cluster['env']
    proc = sweep_tool(common + ['--seeds', '0', '1', '--wait'], env=env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert '[sweep] all 2 runs finished' in proc.stdout
    for s in (0, 1):
        wd = osp.join(sweep, 'tiny', f'seed{s}')
        st = run_state(wd)
        assert st.state == 'finished'
        assert st.metrics['top-1'] == pytest.approx(_val_top1(wd))
        rec = json.load(open(osp.join(wd, 'sweep_run.json')))
        assert rec['launcher'] == 'slurm' and osp.isfile(osp.join(wd, f'slurm-{rec["launch"]}.out'))
        assert 'Distributed launcher: slurm' in _text_log(wd)
        assert f'seed={s}' in open(osp.join(wd, 'tiny.py')).read()
    assert _val_top1(osp.join(sweep, 'tiny', 'seed0')) != _val_top1(osp.join(sweep, 'tiny',
                                                                             'seed1'))
    # trained without validation: submitted (no --wait), seen running or queued by --status, then
    # the same command with --wait waits for that job and evaluates it (tools/slurm_test.sh)
    noval = common + ['--seeds', '0', '--variant', 'noval', 'val_cfg=None', 'val_dataloader=None',
                      'val_evaluator=None']
    proc = sweep_tool(noval, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'submitted or queued; follow them with tools/sweep.py --status' in proc.stdout
    status = sweep_tool(['--status', sweep], env=env)
    assert status.returncode == 0, status.stderr
    row = [ln.split() for ln in status.stdout.splitlines() if ln.startswith('tiny+noval')]
    assert row and row[0][2] in ('queued', 'running', 'trained'), status.stdout
    proc = sweep_tool(noval + ['--wait'], env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    wd = osp.join(sweep, 'tiny+noval', 'seed0')
    assert 'evaluating tiny+noval/seed0 (job ' in proc.stdout, proc.stdout
    st = run_state(wd)
    assert st.state == 'finished' and st.metrics['top-1'] is not None
    assert any(f.startswith('slurm-') for f in os.listdir(wd))
    monkeypatch.setenv('SLURM_CONF', env['SLURM_CONF'])  # squeue, here
    table, counts = status_report(sweep)
    assert counts['finished'] == 3, table
