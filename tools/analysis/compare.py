#!/usr/bin/env python
"""Does module X help? Arms of a sweep (or work dirs grouped with --arm) compared over seeds: per
arm and metric n / mean / std, per arm the paired difference to the baseline with its 95% t
interval, the paired t-test's p and a verdict ("better", "worse", "no difference shown").

    python tools/analysis/compare.py SWEEP_DIR [SWEEP_DIR ...] [--arm NAME=DIR ...]
        [--baseline ARM] [--level 0.95] [--out-md T.md] [--out-csv T.csv] [--out-json T.json]
        [--plots DIR] [--complexity [--shape H W]] [--benchmark B.json ...]

Details in attn_plugins/analysis/compare.py and --help.
"""
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))  # the repo root

from attn_plugins.analysis.compare import main  # noqa: E402

if __name__ == '__main__':
    sys.exit(main())
