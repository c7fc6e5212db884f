"""Does module X help? Arms compared over seeds with paired statistics (tools/analysis/compare.py).

Input: sweep directories (``tools/sweep.py``: their ``sweep.json`` names each run's arm) and/or
``--arm NAME=DIR`` (a work dir, or a folder whose sub-folders are work dirs; repeat the option to
add more to an arm). Each work dir is read by :mod:`attn_plugins.analysis.summarize` (the one reader of
work dirs): its final metrics (the latest ``tools/test.py`` run, else the last validation), its seed
(``randomness.seed`` of the dumped config, else the "seed: N" the Runner logged) and its config.

Per arm and metric (COCO AP/AP50/AP75/APs/APm/APl box and mask, mIoU/mAcc/aAcc, top-1/top-5; in %):
``n``, ``mean`` and ``std`` (sample standard deviation, n-1) over its runs. Per arm against the
baseline arm of its group, over the seeds both have (a seed is one pairing: the same data order,
augmentation and initial weights of the shared parts):

- the paired differences d_s = x_s(arm) - x_s(baseline); ``diff`` = their mean;
- a 95% **t interval** ``diff ± t(0.975, n-1) · sd(d) / sqrt(n)`` (``--level`` sets the level);
- ``p`` of the two-sided **paired t-test** (H0: mean difference 0);
- the verdict: "better" when the interval lies above 0, "worse" when below, else "no difference
  shown" (with one pair, or pairs that all differ by the same amount, the spread cannot be
  estimated: no interval, "no difference shown"). The interval excludes 0
  exactly when p < 1 - level, so verdict and p agree. No correction for the many metrics: the
  primary metric (AP, mIoU, top-1) is the one to decide on. A t interval rather than a bootstrap:
  with the 3-5 seeds a sweep affords, a bootstrap's percentiles come from at most 5^5 resamples of
  very few values and are too narrow; the t interval is exact if the differences are normal and
  robust enough for small n.

Groups: arms are compared within their task and, for sweep arms, within the config they derive from
(``SWEEP/<config>`` and ``SWEEP/<config>+baseline`` form one group). The baseline of a group is the
``--baseline`` arm in it, else its one arm without attention modules (``model.backbone.plugins``
empty), else its first arm.

Never silently mixed: the runs of one arm must have the same config up to the seed (and the work
dir / resume settings), or compare stops with a line naming the first key that differs; an arm
must have finished runs; seeds must not repeat within an arm, and an arm must share seeds with its
baseline.

Outputs: Markdown (per group: mean ± std per arm, then the paired differences), ``--out-csv`` (one
row per arm and metric), ``--out-json`` (``arms``: per arm its metrics with ``n``/``mean``/``std``/
``values``; ``comparisons``: ``arm``, ``baseline``, ``metric``, ``n``, ``seeds``, ``diff``,
``ci_low``, ``ci_high``, ``p``, ``verdict``), ``--plots DIR`` (metric per arm with ±std error bars
and each seed; paired differences with their intervals). Params and FLOPs per arm with
``--complexity`` (:mod:`attn_plugins.analysis.complexity`), forward time with ``--benchmark JSON``
(config-mode benchmark reports, as summarize.py), and the training time per iteration that the
runs logged.
"""
import csv
import json
import math
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

from . import summarize as S

LEVEL = 0.95
INTERVAL = 't'
TEST = 'paired t-test (two-sided)'
NO_DIFF = 'no difference shown'
# what may differ between the runs of one arm: the seed, and what the launch sets (work dir,
# resume, launcher; the DDP wrapper and backend of distributed runs)
PER_RUN_KEYS = ('randomness.seed', 'work_dir', 'resume', 'load_from', 'launcher',
                'model_wrapper_cfg', 'env_cfg.dist_cfg')


class CompareError(Exception):
    """Input compare.py cannot use; one line that says what and how to fix it."""


# ==============================================================================================
# statistics
# ==============================================================================================
def describe(values: Sequence[float]) -> Dict:
    """``n``, ``mean`` and the sample ``std`` (n-1; ``None`` below 2 values)."""
    n = len(values)
    if n == 0:
        return dict(n=0, mean=None, std=None)
    mean = math.fsum(values) / n
    std = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else None
    return dict(n=n, mean=mean, std=std)


def paired_difference(arm: Dict[int, float], base: Dict[int, float], level: float = LEVEL
                      ) -> Dict:
    """Mean paired difference ``arm - base`` over the seeds both have, its t interval at
    ``level``, the paired t-test's two-sided p and the verdict."""
    from scipy import stats
    seeds = sorted(set(arm) & set(base))
    d = [arm[s] - base[s] for s in seeds]
    n = len(d)
    out = dict(n=n, seeds=seeds, diff=None, sd=None, ci_low=None, ci_high=None, p=None,
               verdict=NO_DIFF)
    if n == 0:
        return out
    desc = describe(d)
    out['diff'] = desc['mean']
    if n < 2:
        out['note'] = 'one pair: no interval'
        return out
    mean, sd = desc['mean'], desc['std']
    if sd <= 1e-9 * max(1., max(abs(x) for x in d)):  # equal up to float rounding
        # Every pair differs by the same amount (with metrics logged to 3 decimals this happens
        # with few seeds): the spread cannot be estimated, the t statistic is 0/0 or ±inf.
        if mean == 0:
            out.update(sd=0., ci_low=0., ci_high=0., p=1.0)
        else:
            out.update(sd=0., note='every pair differs by the same amount: no estimate of the '
                                   'spread, no interval; more seeds needed')
        return out
    se = sd / math.sqrt(n)
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * se
    p = float(2 * stats.t.sf(abs(mean / se), n - 1))
    out.update(sd=sd, ci_low=mean - half, ci_high=mean + half, p=p)
    if out['ci_low'] > 0 and p < 1 - level:
        out['verdict'] = 'better'
    elif out['ci_high'] < 0 and p < 1 - level:
        out['verdict'] = 'worse'
    return out


# ==============================================================================================
# reading arms
# ==============================================================================================
def _is_work_dir(path: str) -> bool:
    return osp.isdir(path) and any(S._is_timestamp(d) for d in os.listdir(path))


def arms_from_sweep(sweep_dir: str) -> List[Tuple[str, str, List[str]]]:
    """``(arm, group, work dirs)`` of a sweep directory, in the manifest's order."""
    path = osp.join(sweep_dir, 'sweep.json')
    if not osp.isfile(path):
        raise CompareError(f'{sweep_dir} is not a sweep directory (no sweep.json); name work dirs '
                           'with --arm NAME=DIR')
    try:
        with open(path) as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        raise CompareError(f'{path} cannot be read ({type(e).__name__}: {e})') from e
    arms: Dict[str, Tuple[str, List[str]]] = {}
    for r in manifest.get('runs', []):
        group = osp.splitext(osp.basename(r['source_config']))[0]
        arms.setdefault(r['arm'], (group, []))[1].append(osp.join(sweep_dir, r['work_dir']))
    return [(a, g, dirs) for a, (g, dirs) in arms.items()]


def arms_from_specs(specs: Sequence[str]) -> List[Tuple[str, Optional[str], List[str]]]:
    """``--arm NAME=DIR``: DIR a work dir or a folder of work dirs; repeated names add up."""
    arms: Dict[str, List[str]] = {}
    for spec in specs:
        name, sep, path = spec.partition('=')
        if not sep or not name or not path:
            raise CompareError(f'--arm {spec!r}: write NAME=DIR')
        if not osp.isdir(path):
            raise CompareError(f'--arm {name}: {path!r} is not a directory')
        if _is_work_dir(path):
            dirs = [path]
        else:
            dirs = [osp.join(path, d) for d in sorted(os.listdir(path))
                    if _is_work_dir(osp.join(path, d))]
            if not dirs:
                raise CompareError(f'--arm {name}: {path} is neither a work dir nor a folder of '
                                   'work dirs (no <timestamp>/ logs)')
        arms.setdefault(name, []).extend(dirs)
    return [(a, None, dirs) for a, dirs in arms.items()]


def _flatten(obj, prefix: str = '') -> Dict[str, str]:
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            out.update(_flatten(v, f'{prefix}{k}.'))
        return out
    return {prefix[:-1]: repr(obj)}


def _config_items(cfg) -> Dict[str, str]:
    flat = _flatten(cfg.to_dict() if hasattr(cfg, 'to_dict') else dict(cfg))
    return {k: v for k, v in flat.items()
            if not any(k == p or k.startswith(p + '.') for p in PER_RUN_KEYS)}


def config_difference(a: Dict[str, str], b: Dict[str, str]) -> List[str]:
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


def read_arm(name: str, work_dirs: Sequence[str], notes: List[str]) -> Dict:
    """The finished runs of one arm (metrics, seed, config), checked to be one config."""
    runs = []
    for wd in work_dirs:
        if not osp.isdir(wd):
            notes.append(f'{name}: {wd} does not exist yet (skipped)')
            continue
        try:
            info = S.read_work_dir(wd)
        except ValueError as e:
            notes.append(f'{name}: skipped {e}')
            continue
        cfg_info = S._config_info(info['config'])
        st = S.training_state(info, cfg_info.get('cfg'))
        if st['state'] != 'finished':  # an earlier validation is not the run's result
            notes.append(f'{name}: skipped {wd}: not finished ({st["state"]}'
                         + (f', {st["detail"]})' if st['detail'] else ')'))
            continue
        row = S.make_row(info, cfg_info=cfg_info)
        if cfg_info.get('cfg') is None:
            raise CompareError(f'{wd}: no readable dumped config ({cfg_info.get("error", "none")}'
                               '); compare needs it for the seed and the config check')
        if row['seed'] is None:
            raise CompareError(f'{wd}: no seed recorded (randomness.seed in its config or "seed:" '
                               'in its log); pairs need seeds')
        times = [r['time'] for r in info['train'] if isinstance(r.get('time'), (int, float))]
        runs.append(dict(work_dir=wd, seed=int(row['seed']), task=row['task'],
                         metrics=row['metrics'], split=row['split'], row=row,
                         items=_config_items(cfg_info['cfg']), cfg=cfg_info['cfg'],
                         attention=row['attention'],
                         time_per_iter_s=(math.fsum(times) / len(times)) if times else None))
    if not runs:
        raise CompareError(f'arm {name} has no finished runs (none of its {len(work_dirs)} work '
                           'dirs was trained to the end and evaluated); wait for them '
                           '(tools/sweep.py --status) or drop the arm')
    seen: Dict[int, str] = {}
    for r in runs:
        if r['seed'] in seen:
            raise CompareError(f'arm {name}: two runs with seed {r["seed"]} ({seen[r["seed"]]}, '
                               f'{r["work_dir"]}); one run per seed')
        seen[r['seed']] = r['work_dir']
    first = runs[0]
    for r in runs[1:]:
        if r['task'] != first['task']:
            raise CompareError(f'arm {name} mixes tasks ({first["task"]} in {first["work_dir"]}, '
                               f'{r["task"]} in {r["work_dir"]})')
        diff = config_difference(first['items'], r['items'])
        if diff:
            k = diff[0]
            raise CompareError(
                f'arm {name} mixes configs: {first["work_dir"]} and {r["work_dir"]} differ in '
                f'{k} ({first["items"].get(k, "absent")} vs {r["items"].get(k, "absent")})'
                + (f' and {len(diff) - 1} more keys' if len(diff) > 1 else '')
                + '; put them in separate arms')
    return dict(name=name, runs=sorted(runs, key=lambda r: r['seed']), task=first['task'],
                attention=first['attention'], items=first['items'], cfg=first['cfg'],
                config_name=first['row']['model'])


def _arm_metrics(arm: Dict) -> Dict[str, Dict]:
    cols = [c for c in S.COLUMNS[arm['task']] if any(c in r['metrics'] for r in arm['runs'])]
    out = {}
    for c in cols:
        values = {r['seed']: r['metrics'][c] for r in arm['runs']
                  if r['metrics'].get(c) is not None}
        undefined = [r['seed'] for r in arm['runs'] if c in r['metrics']
                     and r['metrics'][c] is None]
        d = describe(list(values.values()))
        d['values'] = values
        if undefined:
            d['undefined_seeds'] = undefined  # COCO's -1: never averaged
        out[c] = d
    return out


# ==============================================================================================
# the comparison
# ==============================================================================================
def compare(arm_dirs: Sequence[Tuple[str, Optional[str], List[str]]],
            baselines: Sequence[str] = (), level: float = LEVEL, complexity: bool = False,
            shape=None, benchmarks: Sequence[str] = ()) -> Dict:
    """The report: ``arms`` (per arm: task, group, seeds, metrics with n/mean/std/values, cost),
    ``comparisons`` (per arm and metric against its group's baseline), ``groups`` and
    ``notes``."""
    if not 0 < level < 1:
        raise CompareError(f'--level {level}: give a level between 0 and 1, e.g. 0.95')
    notes: List[str] = []
    names = [a for a, _, _ in arm_dirs]
    dup = sorted({a for a in names if names.count(a) > 1})
    if dup:
        raise CompareError(f'arm {dup[0]!r} is named twice (two sweep dirs with the same arms?); '
                           'use --arm NAME=DIR to name them apart')
    arms = {}
    for name, group, dirs in arm_dirs:
        arm = read_arm(name, dirs, notes)
        arm['group'] = f'{arm["task"]}: {group}' if group else arm['task']
        arm['metrics'] = _arm_metrics(arm)
        arms[name] = arm
    unknown = [b for b in baselines if b not in arms]
    if unknown:
        raise CompareError(f'--baseline {unknown[0]!r} is not an arm; arms: {", ".join(arms)}')
    speeds = S._benchmark_speeds(benchmarks)
    for arm in arms.values():
        times = [r['time_per_iter_s'] for r in arm['runs'] if r['time_per_iter_s'] is not None]
        arm['time_per_iter_s'] = math.fsum(times) / len(times) if times else None
        if complexity:
            try:
                arm.update(S._complexity(arm['cfg'], shape))
            except Exception as e:  # noqa: BLE001  (a cost column must not stop the comparison)
                notes.append(f'{arm["name"]}: no params/FLOPs ({type(e).__name__}: {e})')
        if arm['config_name'] in speeds:
            arm.update(speeds[arm['config_name']])
    groups: Dict[str, List[str]] = {}
    for name, arm in arms.items():
        groups.setdefault(arm['group'], []).append(name)
    comparisons, group_info = [], []
    for group, members in groups.items():
        base = next((b for b in baselines if b in members), None) or next(
            (m for m in members if arms[m]['attention'] == 'none'), None) or members[0]
        group_info.append(dict(group=group, baseline=base, arms=members))
        b = arms[base]
        for name in members:
            if name == base:
                continue
            a = arms[name]
            shared = sorted({r['seed'] for r in a['runs']} & {r['seed'] for r in b['runs']})
            if not shared:
                raise CompareError(
                    f'arm {name} (seeds {_seeds(a)}) shares no seed with its baseline {base} '
                    f'(seeds {_seeds(b)}): pairs need the same seeds; run them (tools/sweep.py '
                    '--seeds) or choose --baseline')
            lonely = sorted({r['seed'] for r in a['runs']} ^ {r['seed'] for r in b['runs']})
            if lonely:
                notes.append(f'{name} vs {base}: paired over seeds {_fmt_seeds(shared)}; seeds '
                             f'{_fmt_seeds(lonely)} are in one arm only')
            differs = config_difference(b['items'], a['items'])
            a['differs_from_baseline'] = differs
            for metric, am in a['metrics'].items():
                bm = b['metrics'].get(metric)
                if bm is None:
                    continue
                res = paired_difference(am['values'], bm['values'], level)
                comparisons.append(dict(arm=name, baseline=base, group=group, metric=metric,
                                        **res))
    return dict(level=level, interval=INTERVAL, test=TEST, arms=arms, comparisons=comparisons,
                groups=group_info, notes=notes)


def _seeds(arm: Dict) -> str:
    return _fmt_seeds(r['seed'] for r in arm['runs'])


def _fmt_seeds(seeds) -> str:
    return ','.join(str(s) for s in sorted(seeds))


# ==============================================================================================
# output
# ==============================================================================================
def _num(v, digits=2, sign=False) -> str:
    if v is None:
        return '—'
    return f'{v:+.{digits}f}' if sign else f'{v:.{digits}f}'


def _p(p) -> str:
    if p is None:
        return '—'
    return f'{p:.3f}' if p >= 0.001 else f'{p:.1e}'


def _mean_std(m: Dict) -> str:
    if m['n'] == 0:
        return S.UNDEFINED_TEXT
    text = _num(m['mean']) + (f' ± {_num(m["std"])}' if m['std'] is not None else '')
    return text + (f' (n={m["n"]})' if m.get('undefined_seeds') else '')


def to_markdown(report: Dict) -> str:
    arms, level = report['arms'], report['level']
    pct = f'{level * 100:g}%'
    out = []
    for g in report['groups']:
        members = [arms[m] for m in g['arms']]
        task = members[0]['task']
        cols = [c for c in S.COLUMNS[task] if any(c in a['metrics'] for a in members)]
        out += [f'### {g["group"]} (baseline: {g["baseline"]})', '',
                '| arm | attention | seeds | ' + ' | '.join(cols)
                + ' | params (M) | FLOPs (G) | train s/iter |', '|' + '---|' * (len(cols) + 6)]
        for a in members:
            out.append(f'| {a["name"]} | {a["attention"]} | {_seeds(a)} | '
                       + ' | '.join(_mean_std(a['metrics'][c]) if c in a['metrics'] else '—'
                                    for c in cols)
                       + f' | {_num(a.get("params_M"), 3)} | {_num(a.get("flops_G"), 3)} | '
                         f'{_num(a.get("time_per_iter_s"), 3)} |')
        comps = [c for c in report['comparisons'] if c['group'] == g['group']]
        if comps:
            out += ['', f'Paired difference to {g["baseline"]} (arm − baseline over the shared '
                        f'seeds; {pct} t interval; {report["test"]}):', '',
                    '| arm | metric | pairs | difference | ' + pct + ' interval | p | verdict |',
                    '|---|---|---|---|---|---|---|']
            for c in comps:
                ci = '—' if c['ci_low'] is None else \
                    f'[{_num(c["ci_low"], sign=True)}, {_num(c["ci_high"], sign=True)}]'
                out.append(f'| {c["arm"]} | {c["metric"]} | {c["n"]} | '
                           f'{_num(c["diff"], sign=True)} | {ci} | {_p(c["p"])} | '
                           f'**{c["verdict"]}**' + (f' ({c["note"]})' if c.get('note') else '')
                           + ' |')
        for a in members:
            if a.get('differs_from_baseline'):
                keys = a['differs_from_baseline']
                out.append(f'\n{a["name"]} differs from {g["baseline"]} in: '
                           + ', '.join(f'`{k}`' for k in keys[:6])
                           + (f' (+{len(keys) - 6} more)' if len(keys) > 6 else ''))
        out.append('')
    out += [f'- mean ± std (sample std, n−1) over the seeds of each arm, in % (COCO AP ×100); '
            f'{S.UNDEFINED_TEXT}: the evaluator could not compute it (COCO\'s -1), never averaged.',
            f'- verdict: "better"/"worse" when the {pct} interval of the mean paired difference '
            f'lies above/below 0 (then p < {1 - level:.2g}), else "{NO_DIFF}". No correction for '
            'multiple metrics: decide on the primary one (AP, mIoU, top-1).',
            '- train s/iter: mean of the iteration times the runs logged (on the machine and '
            'load they ran under).']
    out += [f'- {n}' for n in report['notes']]
    return '\n'.join(out) + '\n'


CSV_FIELDS = ['group', 'task', 'arm', 'attention', 'metric', 'n', 'mean', 'std', 'seeds',
              'baseline', 'pairs', 'diff', 'ci_low', 'ci_high', 'p', 'verdict', 'params_M',
              'flops_G', 'time_per_iter_s']


def to_csv(report: Dict, path: str) -> str:
    comps = {(c['arm'], c['metric']): c for c in report['comparisons']}
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path, 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=CSV_FIELDS)
        w.writeheader()
        for a in report['arms'].values():
            for metric, m in a['metrics'].items():
                c = comps.get((a['name'], metric), {})
                w.writerow(dict(group=a['group'], task=a['task'], arm=a['name'],
                                attention=a['attention'], metric=metric, n=m['n'],
                                mean=S.UNDEFINED_TEXT if m['mean'] is None else m['mean'],
                                std=m['std'], seeds=_fmt_seeds(m['values']),
                                baseline=c.get('baseline'), pairs=c.get('n'), diff=c.get('diff'),
                                ci_low=c.get('ci_low'), ci_high=c.get('ci_high'), p=c.get('p'),
                                verdict=c.get('verdict'), params_M=a.get('params_M'),
                                flops_G=a.get('flops_G'), time_per_iter_s=a.get('time_per_iter_s')))
    return path


def to_json(report: Dict) -> Dict:
    arms = {}
    for name, a in report['arms'].items():
        arms[name] = dict(
            task=a['task'], group=a['group'], attention=a['attention'],
            seeds=[r['seed'] for r in a['runs']], work_dirs=[r['work_dir'] for r in a['runs']],
            metrics={m: dict(n=v['n'], mean=v['mean'], std=v['std'],
                             values={str(s): x for s, x in v['values'].items()},
                             **({'undefined_seeds': v['undefined_seeds']}
                                if v.get('undefined_seeds') else {}))
                     for m, v in a['metrics'].items()},
            params_M=a.get('params_M'), flops_G=a.get('flops_G'),
            time_per_iter_s=a.get('time_per_iter_s'), speed_ms=a.get('speed_ms'),
            differs_from_baseline=a.get('differs_from_baseline', []))
    return dict(level=report['level'], interval=report['interval'], test=report['test'],
                groups=report['groups'], arms=arms, comparisons=report['comparisons'],
                notes=report['notes'])


def make_plots(report: Dict, out_dir: str) -> List[str]:
    """Per group: the primary metric per arm (mean ± std, each seed a dot) and the paired
    differences to the baseline with their intervals (every metric)."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    os.makedirs(out_dir, exist_ok=True)
    written = []

    def save(fig, ax, title, name):
        ax.set_title(title, fontsize=9)
        fig.tight_layout()
        fig.savefig(osp.join(out_dir, name), dpi=90)
        plt.close(fig)
        written.append(osp.join(out_dir, name))
    arms = report['arms']
    for g in report['groups']:
        members = [arms[m] for m in g['arms']]
        task = members[0]['task']
        metric = S.PRIMARY[task]
        slug = ''.join(ch if ch.isalnum() or ch in '-_' else '_' for ch in g['group'])
        fig, ax = plt.subplots(figsize=(max(5, 1.8 * len(members) + 2), 4.5))
        for i, a in enumerate(members):
            m = a['metrics'].get(metric)
            if not m or m['n'] == 0:
                continue
            ax.errorbar([i], [m['mean']], yerr=[m['std'] or 0], fmt='o', color='C0', capsize=6,
                        markersize=8)
            ax.scatter([i] * m['n'], list(m['values'].values()), color='C1', s=14, zorder=3)
        ax.set_xticks(range(len(members)))
        ax.set_xticklabels([a['name'] for a in members], rotation=15, ha='right', fontsize=8)
        ax.set_xlim(-0.5, len(members) - 0.5)
        ax.set_ylabel(f'{metric} (%)')
        ax.grid(True, axis='y', alpha=.3)
        save(fig, ax, f'{g["group"]}\n{metric}: mean ± std over seeds (dots: the seeds)',
             f'{slug}_{metric.replace(" ", "_").replace("-", "")}_per_arm.png')
        comps = [c for c in report['comparisons'] if c['group'] == g['group']
                 and c['diff'] is not None]
        if not comps:
            continue
        fig, ax = plt.subplots(figsize=(8, 0.35 * len(comps) + 2))
        for i, c in enumerate(comps):
            lo = c['ci_low'] if c['ci_low'] is not None else c['diff']
            hi = c['ci_high'] if c['ci_high'] is not None else c['diff']
            colour = {'better': 'C2', 'worse': 'C3'}.get(c['verdict'], 'C7')
            ax.errorbar([c['diff']], [i], xerr=[[c['diff'] - lo], [hi - c['diff']]], fmt='o',
                        color=colour, capsize=4)
        ax.axvline(0, color='k', lw=0.8)
        ax.set_yticks(range(len(comps)))
        several = len({c['arm'] for c in comps}) > 1
        ax.set_yticklabels([f'{c["arm"]}: {c["metric"]}' if several else c['metric']
                            for c in comps], fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel(f'arm − baseline (points), mean over paired seeds with its '
                      f'{report["level"] * 100:g}% t interval')
        ax.grid(True, axis='x', alpha=.3)
        arm = '' if several else f'{comps[0]["arm"]} '
        save(fig, ax, f'{g["group"]}: {arm}vs {g["baseline"]}\n(green: better, red: worse, '
             'grey: no difference shown)', f'{slug}_paired_differences.png')
    return written


# ==============================================================================================
# command line
# ==============================================================================================
def build_parser():
    import argparse
    p = argparse.ArgumentParser(
        prog='compare.py', formatter_class=argparse.RawDescriptionHelpFormatter,
        description='Arms over seeds with paired statistics: per arm and metric n/mean/std, per '
                    'arm the paired difference to the baseline with its t interval, p and verdict.',
        epilog=__doc__)
    p.add_argument('sweep_dirs', nargs='*', help='sweep directories (tools/sweep.py)')
    p.add_argument('--arm', action='append', default=[], metavar='NAME=DIR',
                   help='an arm from work dirs made by hand: DIR is a work dir or a folder of '
                        'work dirs; repeat (also with the same NAME) for more')
    p.add_argument('--baseline', nargs='+', default=[], metavar='ARM',
                   help='the baseline arm (one per group); default: the arm without attention')
    p.add_argument('--level', type=float, default=LEVEL, help='confidence level (default 0.95)')
    S.add_report_arguments(p, 'arm')
    p.add_argument('--out-json', help='write the report as JSON here')
    return p


def main(argv=None) -> int:
    import sys
    args = build_parser().parse_args(argv)
    shape = S.shape_argument(args)
    try:
        if not args.sweep_dirs and not args.arm:
            raise CompareError('give sweep directories or --arm NAME=DIR')
        arm_dirs = []
        for d in args.sweep_dirs:
            arm_dirs += arms_from_sweep(d)
        arm_dirs += arms_from_specs(args.arm)
        report = compare(arm_dirs, args.baseline, args.level, args.complexity, shape,
                         args.benchmark)
    except CompareError as e:
        print(f'compare: error: {e}', file=sys.stderr)
        return 2
    for n in report['notes']:
        print(f'compare: note: {n}', file=sys.stderr)
    S.write_markdown(to_markdown(report), args.out_md, 'compare')
    if args.out_csv:
        print(f'compare: CSV -> {to_csv(report, args.out_csv)}')
    if args.out_json:
        os.makedirs(osp.dirname(osp.abspath(args.out_json)), exist_ok=True)
        with open(args.out_json, 'w') as f:
            json.dump(to_json(report), f, indent=1)
        print(f'compare: JSON -> {args.out_json}')
    if args.plots:
        for path in make_plots(report, args.plots):
            print(f'compare: plot -> {path}')
    return 0
