"""A real sweep (slow): 2 arms x 2 seeds of the tiny config with --jobs 2, killed mid-way (SIGKILL
of the sweep; its trainers stop as on Ctrl-C), started again: finished runs are not run again,
interrupted ones resume, all finish. Then: a run repeats from its work dir alone with identical
metrics, two seeds give different ones, and compare.py's numbers are the logged ones."""
import json
import os
import os.path as osp
import signal
import subprocess
import sys
import time

import pytest

from attn_plugins.runtime.sweep import RUN_RECORD, load_manifest, run_state

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
pytestmark = pytest.mark.slow


def _timestamps(wd):
    return sorted(d for d in os.listdir(wd) if len(d) == 15 and d[8] == '_')


def _logged(wd):
    """(final top-1, training losses) as mmengine logged them, read here independently: a
    training run's records in <ts>/vis_data/<ts>.json, a test run's (a run killed in its final
    evaluation is evaluated by tools/test.py on restart) in <ts>/<ts>.json."""
    top1, losses = None, []
    for ts in _timestamps(wd):
        for path in (osp.join(wd, ts, 'vis_data', f'{ts}.json'), osp.join(wd, ts, f'{ts}.json')):
            if not osp.isfile(path):
                continue
            for line in open(path):
                rec = json.loads(line)
                if 'accuracy/top1' in rec:
                    top1 = rec['accuracy/top1']
                elif 'loss' in rec:
                    losses.append(rec['loss'])
    return top1, losses


def _alive(pid):
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:  # a zombie is not alive
        return open(f'/proc/{pid}/stat').read().split()[2] != 'Z'
    except OSError:
        return False


def test_killed_sweep_finishes_on_restart(sweep_tool, tiny_config, tmp_path):
    cfg = tiny_config(epochs=4)
    sweep = str(tmp_path / 'sweep')
    args = [cfg, '--modules', 'baseline', 'se', '--seeds', '0', '1', '--jobs', '2',
            '--work-dir', sweep]
    proc = sweep_tool(args, popen=True)
    dirs = [osp.join(sweep, a, f'seed{s}') for a in ('tiny+baseline', 'tiny+se') for s in (0, 1)]
    deadline = time.time() + 600
    states = {}
    while time.time() < deadline and proc.poll() is None:
        states = {wd: run_state(wd) for wd in dirs}
        done = [wd for wd, st in states.items() if st.state == 'finished']
        midway = [wd for wd, st in states.items() if st.state == 'running' and st.checkpoint
                  and not st.checkpoint.endswith('epoch_4.pth')]
        if done and midway:
            break
        time.sleep(0.3)
    assert proc.poll() is None, 'the sweep ended before it could be killed:\n' + proc.stdout.read()
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    first_output = proc.stdout.read()
    # its trainers do not outlive it (they get SIGINT from the kernel and stop)
    pids = [int(json.load(open(osp.join(wd, RUN_RECORD)))['launch'])
            for wd in midway]
    t0 = time.time()
    while any(_alive(p) for p in pids) and time.time() - t0 < 120:
        time.sleep(0.2)
    assert not any(_alive(p) for p in pids), 'trainers outlived the killed sweep'
    finished_before = {wd: (_timestamps(wd), _logged(wd)) for wd in done}
    after = {wd: run_state(wd) for wd in dirs}
    assert [after[wd].state for wd in done] == ['finished'] * len(done)
    # stopped mid-way (the kill can land a moment later than the look: in the final evaluation)
    interrupted = [wd for wd in midway if after[wd].state == 'interrupted']
    trained = [wd for wd in midway if after[wd].state == 'trained']
    assert interrupted or trained, after

    again = sweep_tool(args)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    out = again.stdout
    assert f'[sweep] {len(done)} of 4 runs already finished: skipped' in out, out
    for wd in interrupted:
        assert f'[sweep] resuming {osp.relpath(wd, sweep)} ' in out, out
    for wd in trained:
        assert f'[sweep] evaluating {osp.relpath(wd, sweep)} ' in out, out
    for wd in done:  # not run again: no new log folder, the same metrics
        assert osp.relpath(wd, sweep) not in out.replace('already finished', '')
        assert (_timestamps(wd), _logged(wd)) == finished_before[wd]
    for wd in interrupted:  # resumed from its checkpoint, not restarted
        ts = _timestamps(wd)
        assert len(ts) == 2, ts
        log = open(osp.join(wd, ts[-1], f'{ts[-1]}.log')).read()
        assert 'resumed epoch: ' in log, log[-2000:]
    assert all(run_state(wd).state == 'finished' for wd in dirs)
    status = sweep_tool(['--status', sweep])
    assert status.returncode == 0 and status.stdout.splitlines()[-1] == '4 runs: 4 finished'
    assert first_output.startswith('[sweep] ')

    # a run repeats from its work dir alone: its dumped config carries the seed
    ref = done[0]
    (dumped,) = [f for f in os.listdir(ref) if f.endswith('.py')]
    assert 'seed=' in open(osp.join(ref, dumped)).read()
    again_wd = str(tmp_path / 'again')
    env = dict(os.environ, PYTHONPATH=REPO, OMP_NUM_THREADS='1')
    rep = subprocess.run([sys.executable, 'tools/train.py', osp.join(ref, dumped), '--work-dir',
                          again_wd], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=600)
    assert rep.returncode == 0, rep.stderr[-3000:]
    assert _logged(again_wd) == _logged(ref)  # same seed: identical metrics and losses
    # two seeds: different metrics and losses (in both arms)
    for arm in ('tiny+baseline', 'tiny+se'):
        s0, s1 = _logged(osp.join(sweep, arm, 'seed0')), _logged(osp.join(sweep, arm, 'seed1'))
        assert s0[0] != s1[0] and s0[1] != s1[1], (arm, s0, s1)

    # compare.py on the sweep: the logged metrics, paired by seed
    from attn_plugins.analysis import compare as C
    rep = C.compare(C.arms_from_sweep(sweep))
    (c,) = rep['comparisons']
    assert (c['arm'], c['baseline'], c['seeds']) == ('tiny+se', 'tiny+baseline', [0, 1])
    logged = {(a, s): _logged(osp.join(sweep, a, f'seed{s}'))[0]
              for a in ('tiny+baseline', 'tiny+se') for s in (0, 1)}
    diffs = [logged[('tiny+se', s)] - logged[('tiny+baseline', s)] for s in (0, 1)]
    assert c['diff'] == pytest.approx(sum(diffs) / 2)
    assert rep['arms']['tiny+se']['metrics']['top-1']['values'] == {
        s: pytest.approx(logged[('tiny+se', s)]) for s in (0, 1)}
    assert len(load_manifest(sweep)['invocations']) == 2
