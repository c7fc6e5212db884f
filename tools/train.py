#!/usr/bin/env python
"""Train a classifier, detector or segmentor with attn_plugins modules.

    python tools/train.py CONFIG [--work-dir DIR] [--amp] [--auto-scale-lr] [--resume [CKPT]]
        [--overwrite] [--no-validate] [--pretrained-backbone CKPT] [--cfg-options k=v ...]
        [--launcher none|pytorch|slurm|mpi] [--debug]

The config's ``default_scope`` (mmpretrain / mmdet / mmseg) decides which library builds the model,
datasets and metrics. ``python tools/train.py -h`` documents the work-dir safety rules, the error
reporting and distributed/AMP behaviour; the logic lives in :mod:`attn_plugins.runtime`.
"""
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))  # the repo root

import attn_plugins  # noqa: E402,F401  (registers the modules, applies the shims)
from attn_plugins.runtime import train_main  # noqa: E402

if __name__ == '__main__':
    sys.exit(train_main())
