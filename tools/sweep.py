#!/usr/bin/env python
"""Seeded sweeps: a grid of tools/train.py runs (configs x modules x --variant x seeds) under one
sweep directory, here (--jobs N at a time, each pinned to its share of the cores) or on Slurm.

    python tools/sweep.py CONFIG [CONFIG ...] [--modules NAME ...] [--seeds S ...]
        [--variant NAME KEY=VALUE ...] [--cfg-options KEY=VALUE ...] [--work-dir SWEEP_DIR]
        [--jobs N] [--launcher none|slurm --partition P [--gpus G] [--time T] [--wait]]
    python tools/sweep.py --status SWEEP_DIR

Running the same command again skips finished runs and resumes the others. Then compare the arms:
python tools/analysis/compare.py SWEEP_DIR. The logic lives in attn_plugins/runtime/sweep.py.
"""
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))  # the repo root

from attn_plugins.runtime.sweep import sweep_main  # noqa: E402

if __name__ == '__main__':
    sys.exit(sweep_main())
