"""The local launcher with a stand-in for tools/train.py (a script that reports what it was
given): each run pinned to its share of the cores with as many threads, its output in its work dir,
its launch and exit code recorded there, and a stop that interrupts it as Ctrl-C does."""
import json
import os
import os.path as osp
import time

import pytest

from attn_plugins.runtime import sweep as sweep_mod
from attn_plugins.runtime.sweep import EXIT_RECORD, RUN_RECORD, LocalLauncher, Run

FAKE_TRAIN = '''
import json, os, sys, time
print(json.dumps(dict(affinity=sorted(os.sched_getaffinity(0)),
                      omp=os.environ.get('OMP_NUM_THREADS'), argv=sys.argv[1:])), flush=True)
if sys.argv[1].endswith('sleepy.py'):
    try:
        time.sleep(120)
    except KeyboardInterrupt:
        print('train.py: interrupted', flush=True)
        sys.exit(130)
'''


@pytest.fixture
def fake_tools(tmp_path, monkeypatch):
    tools = tmp_path / 'tools'
    tools.mkdir()
    (tools / 'train.py').write_text(FAKE_TRAIN)
    monkeypatch.setattr(sweep_mod, 'TOOLS', str(tools))
    return tools


def _wait(launcher, launch, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        rc = launcher.ended(launch)
        if rc is not None:
            return rc
        time.sleep(0.1)
    raise AssertionError('the process did not end')


@pytest.mark.skipif(not hasattr(os, 'sched_getaffinity') or len(os.sched_getaffinity(0)) < 2,
                    reason='needs 2 cores and sched_getaffinity')
def test_runs_are_pinned_logged_and_recorded(fake_tools, tmp_path):
    sweep = str(tmp_path / 'sweep')
    cores = sorted(os.sched_getaffinity(0))
    launcher = LocalLauncher(sweep, jobs=2)
    runs = [Run(arm='a', seed=s, work_dir=f'a/seed{s}', config='quick.py', source_config='q.py',
                cfg_options=[f'randomness.seed={s}']) for s in (0, 1)]
    launches = [launcher.start(r, 'train') for r in runs]
    assert launcher.capacity(launches) == 0
    seen = []
    for r, a in zip(runs, launches):
        assert _wait(launcher, a) == 0
        wd = r.abs_work_dir(sweep)
        with open(osp.join(wd, 'sweep_train.log')) as f:
            report = json.loads(f.read().splitlines()[-1])
        assert report['argv'] == ['quick.py', '--work-dir', wd, '--resume', '--cfg-options',
                                  f'randomness.seed={r.seed}']
        assert report['omp'] == str(len(report['affinity']))
        seen.append(report['affinity'])
        with open(osp.join(wd, RUN_RECORD)) as f:
            rec = json.load(f)
        with open(osp.join(wd, EXIT_RECORD)) as f:
            ex = json.load(f)
        assert rec['launch'] == a.launch == ex['launch'] and ex['returncode'] == 0
    # the two concurrent runs got disjoint shares of all the cores
    assert sorted(seen[0] + seen[1]) == cores and not set(seen[0]) & set(seen[1])
    assert sorted(launcher.free) == [0, 1]  # both slots are free again


def test_stop_interrupts_like_ctrl_c(fake_tools, tmp_path):
    sweep = str(tmp_path / 'sweep')
    launcher = LocalLauncher(sweep, jobs=1)
    run = Run(arm='a', seed=0, work_dir='a/seed0', config='sleepy.py', source_config='s.py')
    a = launcher.start(run, 'train')
    log = osp.join(run.abs_work_dir(sweep), 'sweep_train.log')
    deadline = time.time() + 60
    while time.time() < deadline and 'argv' not in open(log).read():
        time.sleep(0.1)  # the script is up and sleeping
    launcher.stop([a], grace_s=30)
    with open(osp.join(run.abs_work_dir(sweep), EXIT_RECORD)) as f:
        assert json.load(f)['returncode'] == 130
    assert 'train.py: interrupted' in open(log).read()
