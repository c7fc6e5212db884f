#!/usr/bin/env python
"""Test (and evaluate) a checkpoint of a classifier, detector or segmentor.

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--out FILE] [--show] [--show-dir DIR]
        [--tta] [--cfg-options k=v ...] [--launcher none|pytorch|slurm|mpi] [--debug]

The config's ``default_scope`` (mmpretrain / mmdet / mmseg) decides which library builds the model,
datasets and metrics; the logic lives in :mod:`attn_plugins.runtime`.
"""
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))  # the repo root

import attn_plugins  # noqa: E402,F401  (registers the modules, applies the shims)
from attn_plugins.runtime import test_main  # noqa: E402

if __name__ == '__main__':
    sys.exit(test_main())
