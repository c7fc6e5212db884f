#!/usr/bin/env python
"""Attention gates of every attention module (overlays on the image) and a Grad-CAM of the last
backbone stage, for a classifier, detector or segmentor config and checkpoint.

    python tools/analysis/vis_attention.py CONFIG CHECKPOINT IMAGE [--out-dir DIR]
        [--layers layer3 layer4 ...] [--size H W] [--no-cam] [--cfg-options k=v ...]

Writes <module>_<map>.png overlays (the image's size), <module>_channel_gate.png bar charts for
channel-only modules, gradcam_backbone_last_stage.png and index.json (methods, raw ranges, the
Grad-CAM target). How each gate is obtained: attn_plugins/analysis/vis.py and --help.
"""
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))  # the repo root

from attn_plugins.analysis.vis import main  # noqa: E402

if __name__ == '__main__':
    sys.exit(main())
