"""tools/analysis/benchmark.py: module mode (JSON schema, peers (timm, official op sequences) with matching outputs and a
ratio), config mode (overhead against the plugin-free baseline), table and plot from the JSON.

Tiny shapes and 2 repeats; nothing here asserts on a timing (the machine may be loaded).
"""
import importlib.util
import json
import math
import os.path as osp

import cv2
import pytest
import torch

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(ROOT, 'tools', 'analysis', 'benchmark.py')
FAST = ['--repeats', '2', '--min-repeats', '2', '--warmup', '1', '--threads', '1',
        '--no-malloc-tuning']  # keep this pytest process's allocator as it is


@pytest.fixture(autouse=True)
def _one_thread():
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


def _tool():
    spec = importlib.util.spec_from_file_location('benchmark_tool', TOOL)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _stats_ok(stats):
    assert stats['n'] == 2 and len(stats['times_ms']) == 2
    for k in ('median_ms', 'q1_ms', 'q3_ms', 'iqr_ms', 'min_ms', 'max_ms', 'mean_ms'):
        assert isinstance(stats[k], float) and math.isfinite(stats[k]) and stats[k] >= 0, k
    assert stats['min_ms'] <= stats['median_ms'] <= stats['max_ms']
    assert 'cpu_median_ms' in stats  # CPU time next to wall time on the CPU device


@pytest.fixture(scope='module')
def module_report(tmp_path_factory):
    out = tmp_path_factory.mktemp('bench') / 'modules.json'
    rc = _tool().main(['--module', 'SE', 'ECA', '--channels', '32', '--sizes', '32', '48x64',
                       *FAST, '--out', str(out)])
    assert rc == 0
    with open(out) as f:
        return json.load(f), str(out)


def test_module_mode_json_schema(module_report):
    rep, _ = module_report
    assert rep['schema'] == 'attn_plugins.benchmark/1' and rep['kind'] == 'modules'
    env = rep['environment']
    for k in ('device', 'device_name', 'cpu_model', 'torch', 'torch_threads',
              'load_average_start', 'load_average_end'):
        assert k in env, k
    assert env['device'] == ('cuda' if torch.cuda.is_available() else 'cpu')
    assert env['torch_threads'] == 1
    st = rep['settings']
    assert st['memory_method'] and st['timing_method'] and 'ResNet-50 stage 1' in st['scheme']
    assert st['sizes'] == [[32, 32], [48, 64]]
    assert st['allocator'].startswith('glibc defaults')  # --no-malloc-tuning
    cases = {(c['module'], tuple(c['input_size'])): c for c in rep['cases']}
    # the two modules plus the reference block, at both sizes
    assert set(cases) == {(m, s) for m in ('ResNet50Bottleneck', 'SE', 'ECA')
                          for s in ((32, 32), (48, 64))}
    for (name, size), c in cases.items():
        assert c['status'] == 'ok', c
        # the stage-1 map of ResNet-50: stem conv and max-pool, rounding up
        assert c['feature_shape'] == [1, 32, *(((s + 1) // 2 + 1) // 2 for s in size)]
        _stats_ok(c['forward'])
        _stats_ok(c['forward_backward'])
        assert c['memory']['forward_peak_bytes'] >= 0
        assert c['memory']['forward_backward_peak_bytes'] > 0
        if name != 'ResNet50Bottleneck':
            assert set(c['relative_to_block']) >= {'forward', 'forward_backward'}
    assert cases[('SE', (32, 32))]['params'] == 2 * 32 * 2 + 2 + 32  # 2C²/r + C/r + C, r=16


def test_peers_match_and_give_a_ratio(module_report):
    rep, _ = module_report
    peers = [c for c in rep['cases'] if c['module'] in ('SE', 'ECA')]
    assert len(peers) == 4
    for c in peers:
        p = c['peer']
        assert p['status'] == 'ok' and p['weights_copied']
        assert p['outputs_match'], p
        assert p['max_abs_diff_eval'] <= 1e-5 and p['max_abs_diff_train'] <= 1e-5
        assert p['peer'].startswith('timm.layers.')
        for key in ('forward', 'forward_backward'):
            r = p[key]
            for k in ('ratio', 'cpu_ratio', 'paired_ratio_median'):
                assert math.isfinite(r[k]) and r[k] > 0, k
            assert r['ratio'] == pytest.approx(r['ours']['median_ms'] / r['peer']['median_ms'])
            assert isinstance(r['verdict'], str) and r['verdict']
            # A/A control: ours against an identical copy of ours, in the same rounds
            assert math.isfinite(r['control']['ratio']) and r['control']['copy']['n'] == 2
            assert isinstance(r['op_count_diff'], dict)
        for key in ('forward', 'forward_backward'):
            assert math.isfinite(p['call_overhead'][key]['diff_us'])
    se = next(c['peer'] for c in peers if c['module'] == 'SE')
    assert se['forward']['op_count_diff'] == {}  # SE runs exactly timm's ops
    assert set(rep['peer_notes']) == {'SE', 'ECA'}


def _peer_names():
    from attn_plugins.analysis import benchmark as B
    return sorted(B.PEERS)


@pytest.mark.parametrize('name', _peer_names())
def test_every_peer_computes_the_same_function(name):
    """Random weights (so zero-initialised layers hide nothing), copied into the timm module or the
    restated official op sequence; the outputs agree in eval and train mode. For the restatements
    this is also a second, independent check of our module against its reference code."""
    from attn_plugins.analysis import benchmark as B
    torch.manual_seed(0)
    ours = B.build_module(name, 128)     # 128: SA's 2 × 64 groups, EPSA's 4 × 16
    x = torch.randn(2, 128, 9, 11)
    peer, res = B.build_peer(name, ours, x)
    assert res['outputs_match'], res
    assert res['max_abs_eval'] > 0  # a real output, not all zeros


def test_interleaving_visits_every_order():
    from attn_plugins.analysis import benchmark as B
    calls = []
    fns = [lambda k=k: calls.append(k) for k in range(3)]
    res = B.measure_interleaved(fns, 'cpu', warmup=1, repeats=6, min_repeats=6, time_budget=0)
    rounds = [tuple(calls[i:i + 3]) for i in range(3, len(calls), 3)]  # after the warm-up
    assert sorted(rounds) == sorted(__import__('itertools').permutations(range(3)))
    assert all(r['n'] == 6 for r in res)


def test_nonlocal_is_skipped_over_the_memory_limit():
    from attn_plugins.analysis import benchmark as B
    case = B.run_module_case('NonLocal2d', (800, 1333), mem_limit_bytes=2 ** 30, repeats=2)
    assert case['status'] == 'skipped' and case['reason'].startswith('skipped: needs >')


def test_table_and_plot_from_the_json(module_report, tmp_path):
    _, path = module_report
    tool = _tool()
    md, png = tmp_path / 't.md', tmp_path / 'p.png'
    assert tool.main(['--table', path, '--table-out', str(md)]) == 0
    assert tool.main(['--plot', path, '--plot-out', str(png)]) == 0
    text = md.read_text()
    assert '| SE | 32 |' in text and '| ECA | 48×64 |' in text and 'Peers: timm modules or the official op sequence' in text
    assert png.stat().st_size > 10000
    img = cv2.imread(str(png))
    assert img is not None and img.shape[0] > 300


CONFIG = """_base_ = 'mmpretrain::resnet/resnet18_8xb32_in1k.py'
custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)
model = dict(backbone=dict(type='AttnResNet',
                           plugins=[dict(cfg=dict(type='SE'), position='after_last_bn')]))
"""


def test_config_mode_overhead_against_the_stripped_baseline(tmp_path):
    cfg = tmp_path / 'se_r18.py'
    cfg.write_text(CONFIG)
    out = tmp_path / 'cfg.json'
    assert _tool().main(['--config', str(cfg), '--size', '32', *FAST, '--out', str(out),
                         '--table', '--plot']) == 0
    rep = json.loads(out.read_text())
    assert rep['kind'] == 'config'
    (case,) = rep['cases']
    assert case['status'] == 'ok' and case['scope'] == 'mmpretrain'
    # at 32×32 layer4 is 1×1: train-mode BN has one value per channel, so eval-mode BN is used
    assert case['backward_mode'].startswith('eval')
    assert case['baseline'].endswith('model.backbone.plugins=None')
    ours, base = case['ours'], case['baseline_result']
    assert ours['attention_modules'] == 8 and base['attention_modules'] == 0
    # SE in the 8 BasicBlocks of ResNet-18: 2C²/16 + C/16 + C per block (89,080 in total)
    assert case['overhead']['params_delta'] == 89_080 == ours['params'] - base['params']
    assert ours['complexity']['flops'] > base['complexity']['flops']
    for key in ('forward', 'forward_backward'):
        _stats_ok(ours[key])
        _stats_ok(base[key])
        assert math.isfinite(case['overhead'][f'{key}_time_ratio'])
        assert f'{key}_memory_delta_bytes' in case['overhead']
    assert (tmp_path / 'cfg.md').stat().st_size > 0 and (tmp_path / 'cfg.png').stat().st_size > 0
    assert 'model.backbone.plugins=None' in (tmp_path / 'cfg.md').read_text()
    assert ours['params'] == ours['model_params']  # part 'model': the whole classifier

    # --backbone-only: params and FLOPs are the backbone's (the head is not measured)
    out_b = tmp_path / 'bb.json'
    cfg2 = tmp_path / 'se_r18_copy.py'
    cfg2.write_text(CONFIG)
    assert _tool().main(['--config', str(cfg), str(cfg2), '--size', '32', '--backbone-only',
                         *FAST, '--out', str(out_b), '--table']) == 0
    bb, bb2 = json.loads(out_b.read_text())['cases']  # several configs: one row each
    assert bb2['config'].endswith('se_r18_copy.py') and bb2['ours']['params'] == bb['ours']['params']
    assert (tmp_path / 'bb.md').read_text().count('| backbone |') == 2
    assert bb['part'] == 'backbone'
    assert bb['ours']['params'] == bb['ours']['complexity']['params'] < ours['model_params']
    assert bb['overhead']['params_delta'] == 89_080


@pytest.mark.slow
def test_case_timeout_in_a_worker_process():
    """A case that runs past --case-timeout is killed and recorded as skipped (spawns a worker)."""
    from attn_plugins.analysis import benchmark as B
    runner = B.CaseRunner(timeout=0.01, threads=1)
    try:
        case = runner.run(name='GAM', size=[800, 1333], repeats=2)
    finally:
        runner.close()
    assert case['status'] == 'skipped' and case['reason'] == 'skipped: >0 s'


def test_peak_memory_of_a_training_step_counts_its_gradients_every_time():
    """The fwd+bwd peak does not depend on what ran before (gradients of an earlier call, an
    earlier profiler session): the parameter and input gradients always count in full."""
    from attn_plugins.analysis.benchmark import make_forward_backward, peak_memory
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Conv2d(8, 64, 3, padding=1), torch.nn.ReLU(),
                                torch.nn.Conv2d(64, 64, 3, padding=1))
    x = torch.rand(2, 8, 32, 32)
    fb = make_forward_backward(model, x, 'cpu', amp=False)
    fb()  # gradients exist before the first measurement
    peaks = [peak_memory(fb, 'cpu') for _ in range(3)]
    assert peaks[0] == peaks[1] == peaks[2], peaks
    grad_bytes = 4 * (sum(p.numel() for p in model.parameters()) + x.numel())
    assert peaks[0] >= grad_bytes, (peaks, grad_bytes)


def test_verdicts_put_a_ratio_above_one_in_context():
    """≤1; within the A/A control; within the paired IQR; unreliable when the A/A control itself
    is far from 1 (identical modules timed apart: a disturbed machine); otherwise >1."""
    from attn_plugins.analysis.benchmark import _verdict

    def r(ratio, q1, q3):
        return dict(ratio=ratio, paired_ratio_q1=q1, paired_ratio_q3=q3)

    assert _verdict(r(0.98, 0.95, 1.01)).startswith('ours <= peer')
    assert 'A/A spread' in _verdict(r(1.02, 1.01, 1.03), control=dict(ratio=1.03))
    assert 'measurement noise' in _verdict(r(1.02, 0.99, 1.05), control=dict(ratio=1.0))
    assert _verdict(r(3.97, 1.69, 3.13), control=dict(ratio=3.88)).startswith('unreliable')
    assert '> 1' in _verdict(r(1.05, 1.03, 1.07), control=dict(ratio=1.0))


def test_every_module_has_a_peer_or_a_reason():
    """Each catalogued module is compared with timm or its official op sequence, except those
    with no code to restate (GAM, STEAM), mmcv's own CrissCross and NonLocal2d."""
    from attn_plugins.analysis import benchmark as B
    from attn_plugins.analysis.official import NO_OFFICIAL
    from attn_plugins.catalog import module_names
    without = set(module_names()) - set(B.PEERS)
    assert without == set(NO_OFFICIAL) | {'CrissCross', 'NonLocal2d'}, without
    assert {'SGE', 'BAM', 'SA', 'SK', 'EPSA', 'SimAM'} <= set(B.PEERS)


def test_merge_replaces_rerun_cases_and_records_them(module_report):
    """--merge-into: the re-run's cases replace those of the same module and size, keep their own
    relative_to_block, and the re-run is listed with its command; other cases are untouched."""
    from attn_plugins.analysis import benchmark as B
    import copy
    rep, _ = module_report
    update = copy.deepcopy(rep)
    update['created'] = 'later'
    update['cases'] = [dict(c, marker=1) for c in rep['cases']
                       if c['module'] in ('SE', 'ResNet50Bottleneck') and c['input_size'] == [32, 32]]
    merged = B.merge_reports(rep, update)
    assert len(merged['cases']) == len(rep['cases'])
    got = {(c['module'], tuple(c['input_size'])): c for c in merged['cases']}
    assert got[('SE', (32, 32))]['marker'] == 1 and got[('SE', (32, 32))]['rerun'] == 'later'
    assert 'marker' not in got[('ResNet50Bottleneck', (32, 32))]   # the base reference stays
    assert 'marker' not in got[('ECA', (32, 32))]
    assert merged['reruns'][-1]['cases'] == ['SE @ 32x32']
    with pytest.raises(ValueError, match='module-mode'):
        B.merge_reports(dict(rep, kind='config'), update)


def test_replace_conv_modules_are_measured_at_the_conv_width():
    """SK and EPSA replace the Bottleneck's 3×3 conv, so they get that conv's input (C/4 = 64 at
    stage 1), not the block output (256) the after-bn3 modules see."""
    from attn_plugins.analysis import benchmark as B
    case = B.run_module_case('SK', (32, 32), repeats=1, min_repeats=1, warmup=1, memory=False,
                             peers=False, backward=False)
    assert case['feature_shape'][1] == 64 and 'conv' in case['channels_note']
    assert B.module_channels('SE', 1) == 256 and B.module_channels('EPSA', 2) == 128
