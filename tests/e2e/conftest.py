"""Fixtures for the end-to-end learning tests: synthetic data generated once per session, and a
runner for ``tools/train.py`` (a subprocess, as users run it) that returns the final metrics.

Every test trains a real OpenMMLab model from scratch on CPU with a CPU-scale config of
``configs/demo/`` and asserts a metric far above chance, so a broken model, plugin, pipeline or
evaluation fails here (not only a crash). No imports between test files (``--import-mode=importlib``).
"""
import glob
import json
import os
import os.path as osp
import subprocess
import sys
import time

import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PYTHON = sys.executable

# Smaller sets than the generator defaults where the test does not need them (the demo's COCO set
# must be the default one: tools/demo.sh checks it).
DATA_KWARGS = {
    'coco': {},
    'voc': dict(num_train=120, num_val=40, num_aug=120),
    'cifar100': {},
}


def test_env() -> dict:
    env = dict(os.environ)
    # as tools/demo.sh: one compute thread, passive OpenMP waiting (fast on shared CI cores)
    env.setdefault('OMP_NUM_THREADS', '1')
    env.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
    env.setdefault('PYTHONUNBUFFERED', '1')
    return env


test_env.__test__ = False  # not a test


@pytest.fixture(scope='session')
def e2e_data(tmp_path_factory):
    """``e2e_data(kind)`` -> the data_root of a synthetic dataset (generated on first use)."""
    root = tmp_path_factory.mktemp('e2e_data')
    made = {}

    def get(kind: str) -> str:
        if kind not in made:
            import importlib.util
            path = osp.join(REPO, 'attn_plugins', 'data', 'synthetic.py')
            spec = importlib.util.spec_from_file_location('_e2e_synthetic', path)
            syn = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(syn)
            if kind == 'coco':
                made[kind] = syn.make_coco(str(root / 'coco'), **DATA_KWARGS['coco'])['data_root']
            elif kind == 'voc':
                made[kind] = syn.make_voc(str(root), **DATA_KWARGS['voc'])['data_root']
            elif kind == 'cifar100':
                syn.make_cifar100(str(root / 'cifar100'), **DATA_KWARGS['cifar100'])
                made[kind] = str(root / 'cifar100')
            else:
                raise KeyError(kind)
        return made[kind]

    return get


def read_metrics(work_dir: str, key: str) -> dict:
    """The last record of ``work_dir/<timestamp>/vis_data/scalars.json`` that holds ``key``."""
    found = None
    for path in sorted(glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))):
        with open(path) as f:
            for line in f:
                rec = json.loads(line)
                if key in rec:
                    found = rec
    assert found is not None, f'no {key!r} in {work_dir}/*/vis_data/scalars.json'
    return found


def check_summary(work_dir: str, metrics: dict) -> None:
    """tools/analysis/summarize.py's row for ``work_dir`` equals the metrics mmengine logged (in
    the table's units: COCO fractions x100), is labelled as measured here and names the plugin."""
    from attn_plugins.analysis.summarize import METRIC_KEYS, summarize, to_markdown
    rows = summarize([work_dir])['rows']
    assert len(rows) == 1, rows
    row = rows[0]
    assert row['source'] == 'measured here' and row['attention'] not in ('', 'none'), row
    checked = 0
    for key, (task, column, scale) in METRIC_KEYS.items():
        if key in metrics:
            assert row['task'] == task, row
            if key.startswith('coco/') and metrics[key] == -1:  # pycocotools: undefined
                assert row['metrics'][column] is None, (key, row)
                continue
            assert row['metrics'][column] == pytest.approx(metrics[key] * scale), (key, row)
            checked += 1
    assert checked, (metrics, row)
    assert row['model'] in to_markdown(rows)


@pytest.fixture
def train():
    """``train(config, work_dir, key, cfg_options, timeout)`` runs tools/train.py and returns
    ``(metrics, seconds)`` with the last evaluation that reported ``key``."""

    def run(config: str, work_dir: str, key: str, cfg_options=(), timeout: int = 1800):
        cmd = [PYTHON, 'tools/train.py', config, '--work-dir', str(work_dir)]
        if cfg_options:
            cmd += ['--cfg-options', *cfg_options]
        t0 = time.time()
        proc = subprocess.run(cmd, cwd=REPO, env=test_env(), capture_output=True, text=True,
                              timeout=timeout)
        seconds = time.time() - t0
        assert proc.returncode == 0, (
            f'{" ".join(cmd)} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n'
            f'{proc.stderr[-3000:]}')
        metrics = read_metrics(str(work_dir), key)
        check_summary(str(work_dir), metrics)
        print(f'\n{osp.basename(config)}: {seconds:.0f} s, '
              + ', '.join(f'{k}={v}' for k, v in metrics.items() if k not in ('step', 'time',
                                                                              'data_time')))
        return metrics, seconds

    return run


def coco_options(data_root: str):
    """--cfg-options that point a configs/demo COCO config at ``data_root``."""
    root = osp.join(data_root, '')
    ann = osp.join(root, 'annotations', 'instances_val2017.json')
    return [f'train_dataloader.dataset.data_root={root}', f'val_dataloader.dataset.data_root={root}',
            f'test_dataloader.dataset.data_root={root}', f'val_evaluator.ann_file={ann}',
            f'test_evaluator.ann_file={ann}']


@pytest.fixture
def coco_opts():
    return coco_options
