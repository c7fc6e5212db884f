"""A run's state from its work dir alone (whoever started it), and the sweep loop's decisions:
finished runs are skipped, interrupted and pending ones trained (resumed), trained-but-unevaluated
ones evaluated, each at most once per start; the progress line. Work dirs are written as mmengine
writes them (tests/conftest.py: write_work_dir); the loop runs with a launcher that writes them."""
import json
import os
import os.path as osp
import socket
import subprocess
import sys
import time

import pytest

from attn_plugins.runtime.sweep import (EXIT_RECORD, RUN_RECORD, Launch, Progress, Run, execute,
                                        run_state, status_report)

VAL = {'accuracy/top1': 75.0}


def _record(wd, launcher='local', launch='4242', rc=None, log=None):
    os.makedirs(wd, exist_ok=True)
    with open(osp.join(wd, RUN_RECORD), 'w') as f:
        json.dump(dict(launcher=launcher, launch=launch, host=socket.gethostname(),
                       action='train', started=time.time(), log=log), f)
    if rc is not None:
        with open(osp.join(wd, EXIT_RECORD), 'w') as f:
            json.dump(dict(launch=launch, returncode=rc, started=0, ended=1), f)


def test_training_states(tmp_path, fake_work_dir):
    assert run_state(str(tmp_path / 'none')).state == 'pending'
    st = run_state(fake_work_dir(tmp_path / 'half', epochs=3, done_epochs=1))
    assert (st.state, st.detail) == ('interrupted', 'epoch 1/3')
    assert st.checkpoint.endswith('epoch_1.pth')
    st = run_state(fake_work_dir(tmp_path / 'done', val=VAL))
    assert st.state == 'finished' and st.metrics == {'top-1': 75.0}
    # trained to the end, but the final evaluation never ran (killed in it, or no validation)
    st = run_state(fake_work_dir(tmp_path / 'trained'))
    assert st.state == 'trained' and st.checkpoint.endswith('epoch_2.pth')
    # ... then tools/test.py evaluated the final checkpoint
    st = run_state(fake_work_dir(tmp_path / 'tested', test={'accuracy/top1': 70.0}))
    assert st.state == 'finished' and st.metrics == {'top-1': 70.0}
    # an evaluation of an earlier epoch does not finish a run that stopped later
    wd = fake_work_dir(tmp_path / 'stale', epochs=3, done_epochs=1, val=VAL)
    log = osp.join(wd, '20260101_000000', 'vis_data', '20260101_000000.json')
    with open(log, 'a') as f:
        for e in (2, 3):
            f.write(json.dumps(dict(loss=0.1, epoch=e, iter=4 * e, step=4 * e)) + '\n')
    with open(osp.join(wd, 'last_checkpoint'), 'w') as f:
        f.write(osp.join(wd, 'epoch_3.pth'))
    assert run_state(wd).state == 'trained'


def test_launch_states(tmp_path, fake_work_dir):
    wd = str(tmp_path / 'failed')
    fake_work_dir(wd, epochs=3, done_epochs=1)
    with open(osp.join(wd, 'sweep_train.log'), 'w') as f:
        f.write('lots of log\ntrain.py: error: file not found: x.jpg\nbye\n')
    _record(wd, rc=1, log='sweep_train.log')
    st = run_state(wd)
    assert st.state == 'failed' and 'exit 1: train.py: error: file not found: x.jpg' in st.detail
    _record(wd, rc=130)  # Ctrl-C: resumable, not an error
    assert run_state(wd).state == 'interrupted'
    _record(wd, rc=-9)  # killed
    assert run_state(wd).state == 'interrupted'
    # a live local process of this work dir
    proc = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)', wd])
    try:
        _record(wd, launch=str(proc.pid))
        st = run_state(wd)
        assert st.state == 'running' and st.detail == f'pid {proc.pid} (train)'
    finally:
        proc.kill()
        proc.wait()
    assert run_state(wd).state == 'interrupted'  # the process is gone, without an exit code
    # Slurm: squeue's word for the job
    _record(wd, launcher='slurm', launch='42')
    assert run_state(wd, {'42': 'PENDING'}).state == 'queued'
    assert run_state(wd, {'42': 'RUNNING'}).detail == 'slurm job 42 RUNNING'
    assert run_state(wd, {}).state == 'interrupted'  # gone from the queue, no exit code
    assert 'state unknown' in run_state(wd, None).detail
    # a finished work dir is finished, whatever the last launch says
    done = fake_work_dir(tmp_path / 'done', val=VAL)
    _record(done, launcher='slurm', launch='7', rc=1)
    assert run_state(done, {}).state == 'finished'


class FakeLauncher:
    """Runs nothing: a launch ends at the next poll with what ``effects`` write."""
    name = 'local'
    waits = True

    def __init__(self, sweep_dir, jobs, effects):
        self.sweep_dir, self.jobs, self.effects = sweep_dir, jobs, effects
        self.groups = [[i] for i in range(jobs)]
        self.started = []

    def capacity(self, active):
        return self.jobs - len(active)

    def start(self, run, action, checkpoint=None):
        self.started.append((run.work_dir, action, checkpoint and osp.basename(checkpoint)))
        return Launch(run, action, str(len(self.started)), time.time(),
                      slot=len(self.started) % self.jobs)

    def ended(self, launch):
        self.effects(launch.run.abs_work_dir(self.sweep_dir), launch.action)
        return 0

    def stop(self, active):
        pass


def _runs(names):
    return [Run(arm='a', seed=i, work_dir=n, config='c.py', source_config='c.py')
            for i, n in enumerate(names)]


def test_the_loop_skips_resumes_and_evaluates(tmp_path, fake_work_dir):
    sweep = str(tmp_path)
    fake_work_dir(tmp_path / 'finished', val=VAL)
    fake_work_dir(tmp_path / 'interrupted', done_epochs=1)
    fake_work_dir(tmp_path / 'trained')
    runs = _runs(['finished', 'interrupted', 'trained', 'pending'])

    def effects(wd, action):  # training finishes a run (with its evaluation); test adds a dump
        if action == 'train':
            fake_work_dir(wd, val=VAL)
        else:
            fake_work_dir(wd, test=VAL)
    lines = []
    launcher = FakeLauncher(sweep, 2, effects)
    assert execute(sweep, runs, launcher, out=lines.append, poll_s=0) == 0
    assert launcher.started == [('interrupted', 'train', 'epoch_1.pth'),
                                ('trained', 'test', 'epoch_2.pth'), ('pending', 'train', None)]
    assert lines[0] == '[sweep] 1 of 4 runs already finished: skipped'
    assert '[sweep] resuming interrupted (pid 1, cores 1)' in lines
    assert '[sweep] evaluating trained (pid 2, cores 0)' in lines
    assert '[sweep] starting pending (pid 3, cores 1)' in lines
    assert lines[-1].startswith('[sweep] all 4 runs finished')
    assert any(ln.startswith('[sweep] 4/4 done, 0 running, 0 left') for ln in lines)
    # started again: nothing to do
    launcher = FakeLauncher(sweep, 2, effects)
    assert execute(sweep, runs, launcher, out=lines.append, poll_s=0) == 0
    assert launcher.started == []


def test_a_run_that_stays_unfinished_is_tried_once(tmp_path, fake_work_dir):
    sweep = str(tmp_path)
    runs = _runs(['bad', 'good'])

    def effects(wd, action):
        fake_work_dir(wd, val=VAL, done_epochs=None if wd.endswith('good') else 1)
    lines = []
    launcher = FakeLauncher(sweep, 1, effects)
    assert execute(sweep, runs, launcher, out=lines.append, poll_s=0) == 1
    assert [s[0] for s in launcher.started] == ['bad', 'good']
    assert any(ln.startswith('[sweep] interrupted: bad') for ln in lines)
    assert lines[-1].startswith('[sweep] 1/2 finished; not finished: bad')


def test_progress_line_eta_from_finished_runs():
    p = Progress(total=6, jobs=2, out=None)
    assert p.line(0, [], 6) == '[sweep] 0/6 done, 0 running, 6 left'
    p.durations = [100., 140.]  # mean 120 s a run
    running = [Launch(None, 'train', '1', time.time() - 20)]
    # (120 - 20) for the running one + 3 left x 120, on 2 slots: 230 s
    assert p.line(2, running, 3) == ('[sweep] 2/6 done, 1 running, 3 left; ETA 0:03:50 (mean '
                                     '0:02:00 a run from 2 finished)')


def test_status_table(tmp_path, fake_work_dir):
    sweep = tmp_path / 'sweep'
    fake_work_dir(sweep / 'a' / 'seed0', val=VAL)
    fake_work_dir(sweep / 'a' / 'seed1', epochs=4, done_epochs=3)
    runs = [dict(arm='a', seed=s, work_dir=f'a/seed{s}', config='c', source_config='c',
                 module=None, variant=None, cfg_options=[]) for s in (0, 1, 2)]
    (sweep / 'sweep.json').write_text(json.dumps(dict(format=1, runs=runs)))
    table, counts = status_report(str(sweep))
    lines = table.splitlines()
    assert lines[1].split() == ['a', '0', 'finished', 'top-1', '75.00']
    assert lines[2].split() == ['a', '1', 'interrupted', 'epoch', '3/4']
    assert lines[3].split() == ['a', '2', 'pending']
    assert lines[-1] == '3 runs: 1 finished, 1 interrupted, 1 pending'
    assert counts['finished'] == 1


@pytest.mark.parametrize('bad', ['not json', '[]'])
def test_a_broken_manifest_is_one_line(tmp_path, bad, capsys):
    from attn_plugins.runtime.sweep import sweep_main
    (tmp_path / 'sweep.json').write_text(bad)
    assert sweep_main(['--status', str(tmp_path)]) == 1
    (line, ) = capsys.readouterr().err.splitlines()
    assert line.startswith(f'sweep.py: error: {tmp_path}/sweep.json is not a')
