"""tools/analysis/compare.py: its statistics equal a direct computation (numpy / scipy's paired
t-test) on work dirs with known metrics; identical arms show no difference; a clear shift is
"better"/"worse"; COCO's -1 is never averaged; bad input is one line; the outputs (Markdown, CSV,
JSON, plots) carry the same numbers. The work dirs are written as mmengine's Runner writes them
(tests/conftest.py: write_work_dir), no training."""
import csv
import importlib.util
import json
import os.path as osp

import numpy as np
import pytest
from scipy import stats

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(ROOT, 'tools', 'analysis', 'compare.py')
SE = "[dict(cfg=dict(type='SE'), position='after_last_bn')]"


def _tool():
    spec = importlib.util.spec_from_file_location('compare_tool', TOOL)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _arm(fake_work_dir, root, values, plugins='None', key='accuracy/top1', seeds=None, **kw):
    """One work dir per value (seed i -> values[i]) under ``root``; returns ``root``."""
    seeds = range(len(values)) if seeds is None else seeds
    for s, v in zip(seeds, values):
        fake_work_dir(osp.join(str(root), f'seed{s}'), seed=s, val={key: v}, plugins=plugins, **kw)
    return str(root)


def _main(argv, capsys):
    rc = _tool().main(argv)
    out = capsys.readouterr()
    return rc, out.out, out.err


# known values: the SE arm is the baseline + a seed-dependent gain of mean 1.5
BASE = [70.0, 72.5, 71.0, 69.5, 73.0]
GAIN = [1.0, 2.5, 0.5, 2.0, 1.5]
ARM = [b + g for b, g in zip(BASE, GAIN)]


@pytest.fixture
def two_arms(tmp_path, fake_work_dir):
    base = _arm(fake_work_dir, tmp_path / 'plain', BASE)
    se = _arm(fake_work_dir, tmp_path / 'se', ARM, plugins=SE)
    return base, se


def test_statistics_equal_a_direct_computation(two_arms, tmp_path, capsys):
    base, se = two_arms
    js = tmp_path / 'out.json'
    rc, _, err = _main(['--arm', f'plain={base}', '--arm', f'se={se}', '--out-json', str(js)],
                       capsys)
    assert rc == 0, err
    rep = json.loads(js.read_text())
    assert rep['interval'] == 't' and rep['level'] == 0.95 and 'paired t-test' in rep['test']
    for name, values in (('plain', BASE), ('se', ARM)):
        m = rep['arms'][name]['metrics']['top-1']
        assert m['n'] == 5
        assert m['mean'] == pytest.approx(np.mean(values), abs=1e-9)
        assert m['std'] == pytest.approx(np.std(values, ddof=1), abs=1e-9)
    assert rep['arms']['se']['seeds'] == [0, 1, 2, 3, 4]
    (c,) = rep['comparisons']  # the arm without plugins is the baseline
    assert (c['arm'], c['baseline'], c['metric'], c['n']) == ('se', 'plain', 'top-1', 5)
    ref = stats.ttest_rel(ARM, BASE)
    ci = ref.confidence_interval(0.95)
    assert c['diff'] == pytest.approx(np.mean(GAIN), abs=1e-9)
    assert c['p'] == pytest.approx(ref.pvalue, rel=1e-9)
    assert (c['ci_low'], c['ci_high']) == (pytest.approx(ci.low, abs=1e-9),
                                           pytest.approx(ci.high, abs=1e-9))
    assert ci.low > 0 and c['verdict'] == 'better'


def test_identical_arms_show_no_difference(tmp_path, fake_work_dir):
    from attn_plugins.analysis import compare as C
    a = _arm(fake_work_dir, tmp_path / 'a', BASE)
    b = _arm(fake_work_dir, tmp_path / 'b', BASE, plugins=SE)
    rep = C.compare(C.arms_from_specs([f'a={a}', f'b={b}']))
    (c,) = rep['comparisons']
    assert c['diff'] == 0 and c['p'] == 1.0 and (c['ci_low'], c['ci_high']) == (0, 0)
    assert c['verdict'] == 'no difference shown'


def test_verdicts_follow_the_interval():
    from attn_plugins.analysis.compare import paired_difference
    base = dict(enumerate(BASE))
    worse = paired_difference({s: v - g for (s, v), g in zip(base.items(), GAIN)}, base)
    assert worse['verdict'] == 'worse' and worse['ci_high'] < 0
    # a noisy difference whose interval contains 0, whatever its mean
    noisy = paired_difference({0: 71, 1: 70, 2: 74}, {0: 70, 1: 72, 2: 70})
    ref = stats.ttest_rel([71, 70, 74], [70, 72, 70])
    assert noisy['p'] == pytest.approx(ref.pvalue) and noisy['diff'] == pytest.approx(1.0)
    assert noisy['ci_low'] < 0 < noisy['ci_high'] and noisy['verdict'] == 'no difference shown'
    # one shared seed: a difference, no interval, no verdict either way
    one = paired_difference({0: 75.0, 1: 80.0}, {0: 70.0, 2: 60.0})
    assert one['n'] == 1 and one['diff'] == 5.0 and one['ci_low'] is None
    assert one['verdict'] == 'no difference shown'
    # pairs that all differ by the same amount (up to float rounding): no spread, no claim
    same = paired_difference({0: 1.4, 1: 2.0}, {0: 2.0, 1: 2.6})
    assert same['diff'] == pytest.approx(-0.6) and same['ci_low'] is None and same['p'] is None
    assert same['verdict'] == 'no difference shown' and 'same amount' in same['note']
    # other levels: a 99% interval is wider than the 95% one and still matches scipy
    a = {s: v + g for s, (v, g) in enumerate(zip(BASE, GAIN))}
    r99 = paired_difference(a, base, level=0.99)
    ci = stats.ttest_rel(ARM, BASE).confidence_interval(0.99)
    assert (r99['ci_low'], r99['ci_high']) == (pytest.approx(ci.low), pytest.approx(ci.high))


def test_pairs_only_over_shared_seeds(tmp_path, fake_work_dir):
    from attn_plugins.analysis import compare as C
    base = _arm(fake_work_dir, tmp_path / 'base', BASE[:4], seeds=[0, 1, 2, 3])
    arm = _arm(fake_work_dir, tmp_path / 'arm', ARM[1:], plugins=SE, seeds=[1, 2, 3, 4])
    rep = C.compare(C.arms_from_specs([f'base={base}', f'arm={arm}']))
    (c,) = rep['comparisons']
    assert c['seeds'] == [1, 2, 3] and c['n'] == 3
    assert c['diff'] == pytest.approx(np.mean(GAIN[1:4]))
    assert c['p'] == pytest.approx(stats.ttest_rel(ARM[1:4], BASE[1:4]).pvalue)
    assert any('seeds 0,4 are in one arm only' in n for n in rep['notes'])
    # per-arm statistics use every run of the arm
    assert rep['arms']['arm']['metrics']['top-1']['n'] == 4


def test_coco_undefined_metric_is_never_averaged(tmp_path, fake_work_dir, capsys):
    recs = [{'coco/bbox_mAP': 0.5 + 0.01 * s, 'coco/bbox_mAP_s': -1.0, 'coco/bbox_mAP_l': 0.6}
            for s in range(3)]
    dirs = {}
    for arm, plugins in (('plain', 'None'), ('se', SE)):
        for s, rec in enumerate(recs):
            fake_work_dir(tmp_path / arm / f'seed{s}', seed=s, val=rec, plugins=plugins,
                          scope='mmdet')
        dirs[arm] = str(tmp_path / arm)
    js, md, cs = tmp_path / 'o.json', tmp_path / 'o.md', tmp_path / 'o.csv'
    rc, _, err = _main(['--arm', f'plain={dirs["plain"]}', '--arm', f'se={dirs["se"]}',
                        '--out-json', str(js), '--out-md', str(md), '--out-csv', str(cs)], capsys)
    assert rc == 0, err
    rep = json.loads(js.read_text())
    aps = rep['arms']['se']['metrics']['APs']
    assert aps['n'] == 0 and aps['mean'] is None and aps['undefined_seeds'] == [0, 1, 2]
    assert rep['arms']['se']['metrics']['AP']['mean'] == pytest.approx(51.0)
    assert {c['metric'] for c in rep['comparisons']} >= {'AP', 'APl'}
    assert all(c['metric'] != 'APs' or c['n'] == 0 for c in rep['comparisons'])
    text = md.read_text()
    assert '-100' not in text and 'n/a' in text
    rows = {(r['arm'], r['metric']): r for r in csv.DictReader(cs.open())}
    assert rows[('se', 'APs')]['mean'] == 'n/a'


def test_outputs_carry_the_same_numbers(two_arms, tmp_path, capsys):
    base, se = two_arms
    out = tmp_path / 'out'
    rc, _, err = _main(['--arm', f'plain={base}', '--arm', f'se={se}', '--out-md',
                        str(out / 'c.md'), '--out-csv', str(out / 'c.csv'), '--out-json',
                        str(out / 'c.json'), '--plots', str(out / 'plots')], capsys)
    assert rc == 0, err
    rep = json.loads((out / 'c.json').read_text())
    (c,) = rep['comparisons']
    md = (out / 'c.md').read_text()
    assert f'{np.mean(ARM):.2f} ± {np.std(ARM, ddof=1):.2f}' in md
    assert f'[{c["ci_low"]:+.2f}, {c["ci_high"]:+.2f}]' in md and '**better**' in md
    assert '95% t interval' in md and 'paired t-test' in md
    assert '`model.backbone.plugins`' in md  # what the arm changes against the baseline
    rows = {(r['arm'], r['metric']): r for r in csv.DictReader((out / 'c.csv').open())}
    assert float(rows[('se', 'top-1')]['diff']) == pytest.approx(c['diff'])
    assert rows[('se', 'top-1')]['verdict'] == 'better' and rows[('plain', 'top-1')]['diff'] == ''
    assert float(rows[('se', 'top-1')]['time_per_iter_s']) == pytest.approx(0.5)
    for name in ('classification_top1_per_arm.png', 'classification_paired_differences.png'):
        assert osp.getsize(out / 'plots' / name) > 5000, name


def test_sweep_dir_arms_and_groups(tmp_path, fake_work_dir):
    """A sweep.json groups runs into arms, and arms of one source config into one group."""
    from attn_plugins.analysis import compare as C
    sweep = tmp_path / 'sweep'
    runs = []
    for arm, plugins, vals in (('cfg', SE, ARM[:3]), ('cfg+baseline', 'None', BASE[:3])):
        for s, v in enumerate(vals):
            fake_work_dir(sweep / arm / f'seed{s}', seed=s, val={'accuracy/top1': v},
                          plugins=plugins)
            runs.append(dict(arm=arm, seed=s, work_dir=f'{arm}/seed{s}', config='x',
                             source_config='/somewhere/cfg.py', module=None, variant=None,
                             cfg_options=[]))
    (sweep / 'sweep.json').write_text(json.dumps(dict(format=1, runs=runs)))
    rep = C.compare(C.arms_from_sweep(str(sweep)))
    (g,) = rep['groups']
    assert g['group'] == 'classification: cfg' and g['baseline'] == 'cfg+baseline'
    (c,) = rep['comparisons']
    assert c['arm'] == 'cfg' and c['diff'] == pytest.approx(np.mean(GAIN[:3]))


@pytest.mark.parametrize('case, message', [
    ('no_finished_runs', 'arm se has no finished runs'),
    ('no_shared_seed', 'shares no seed with its baseline plain'),
    ('seed_twice', 'two runs with seed 0'),
    ('mixed_configs', 'arm se mixes configs'),
    ('not_a_sweep', 'is not a sweep directory'),
    ('bad_spec', "write NAME=DIR"),
    ('unknown_baseline', "--baseline 'nope' is not an arm"),
])
def test_bad_input_is_one_line(case, message, tmp_path, fake_work_dir, capsys):
    base = _arm(fake_work_dir, tmp_path / 'plain', BASE[:2])
    se = tmp_path / 'se'
    args = ['--arm', f'plain={base}', '--arm', f'se={se}']
    if case == 'no_finished_runs':  # trained, never evaluated
        fake_work_dir(se / 'seed0', seed=0, plugins=SE)
        fake_work_dir(se / 'seed1', seed=1, plugins=SE, done_epochs=1)
    elif case == 'no_shared_seed':
        _arm(fake_work_dir, se, ARM[:2], plugins=SE, seeds=[5, 6])
    elif case == 'seed_twice':
        fake_work_dir(se / 'a', seed=0, val={'accuracy/top1': 1.}, plugins=SE)
        fake_work_dir(se / 'b', seed=0, val={'accuracy/top1': 2.}, plugins=SE)
    elif case == 'mixed_configs':
        fake_work_dir(se / 'seed0', seed=0, val={'accuracy/top1': 1.}, plugins=SE)
        fake_work_dir(se / 'seed1', seed=1, val={'accuracy/top1': 2.}, plugins=SE, epochs=3)
    elif case == 'not_a_sweep':
        args = [base]
    elif case == 'bad_spec':
        args = ['--arm', base]
    elif case == 'unknown_baseline':
        _arm(fake_work_dir, se, ARM[:2], plugins=SE)
        args += ['--baseline', 'nope']
    rc, _, err = _main(args, capsys)
    lines = [ln for ln in err.splitlines() if ln.startswith('compare: error')]
    assert rc == 2 and len(lines) == 1 and message in lines[0], err
    if case == 'mixed_configs':
        assert 'train_cfg.max_epochs (2 vs 3)' in lines[0]


def test_unfinished_work_dirs_are_skipped_with_a_note(tmp_path, fake_work_dir, capsys):
    base = _arm(fake_work_dir, tmp_path / 'plain', BASE[:4])
    se = _arm(fake_work_dir, tmp_path / 'se', ARM[:2], plugins=SE)
    fake_work_dir(osp.join(se, 'seed2'), seed=2, plugins=SE, done_epochs=1)  # no metrics
    # interrupted after a validation of an earlier epoch: that is not the run's result
    fake_work_dir(osp.join(se, 'seed3'), seed=3, plugins=SE, epochs=4, done_epochs=2,
                  val={'accuracy/top1': 99.0})
    rc, out, err = _main(['--arm', f'plain={base}', '--arm', f'se={se}'], capsys)
    assert rc == 0
    assert (f'compare: note: se: skipped {osp.join(se, "seed2")}: not finished (interrupted, '
            'epoch 1/2)') in err
    assert (f'compare: note: se: skipped {osp.join(se, "seed3")}: not finished (interrupted, '
            'epoch 2/4)') in err
    assert '| se | SE | 0,1 |' in out and '99.00' not in out
