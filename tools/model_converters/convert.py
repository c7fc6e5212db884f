#!/usr/bin/env python
"""Convert a released ImageNet checkpoint of an attention backbone for attn_plugins.

    python tools/model_converters/convert.py SOURCE SRC DST [--overwrite]
    python tools/model_converters/convert.py --list [--json]

The logic lives in :mod:`attn_plugins.converters` (``-h`` documents the output and the checks).
"""
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))  # the repo root

from attn_plugins.converters.cli import main  # noqa: E402

if __name__ == '__main__':
    sys.exit(main())
