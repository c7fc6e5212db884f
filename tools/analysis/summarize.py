#!/usr/bin/env python
"""Papers' tables from mmengine work dirs: COCO AP/AP50/AP75/APs/APm/APl, mIoU, top-1/top-5,
with params/FLOPs, measured speed and published numbers (labelled).

    python tools/analysis/summarize.py WORK_DIR [WORK_DIR ...] [--out-md T.md] [--out-csv T.csv]
        [--plots DIR] [--published] [--complexity [--shape H W]] [--benchmark B.json ...]
        [--select last|best]

Reads <work_dir>/<ts>/vis_data/<ts>.json (or scalars.json) and the test dumps
<work_dir>/<ts>/<ts>.json; details in attn_plugins/analysis/summarize.py and --help.
"""
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))  # the repo root

from attn_plugins.analysis.summarize import main  # noqa: E402

if __name__ == '__main__':
    sys.exit(main())
