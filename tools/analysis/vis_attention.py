#!/usr/bin/env python
"""Attention gates of every attention module (overlays on the image) and a Grad-CAM of the last
backbone stage, for a classifier, detector or segmentor config and checkpoint.

    python tools/analysis/vis_attention.py CONFIG CHECKPOINT IMAGE [--out-dir DIR]
        [--layers layer3 layer4 ...] [--size H W] [--no-cam] [--cfg-options k=v ...]

Writes <module>_<map>.png overlays (the image's size), <module>_channel_gate.png bar charts for
channel-only modules, gradcam_backbone_last_stage.png and index.json (methods, raw ranges, the
Grad-CAM target). How each gate is obtained: attn_plugins/analysis/vis.py and --help.

Errors (a missing config, checkpoint or image, an output directory that cannot be written) are one
line ``vis_attention.py: error: ...`` and exit code 1; ATTN_PLUGINS_DEBUG=1 shows the traceback.
"""
import os
import os.path as osp
import sys
import tempfile

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))  # the repo root

from attn_plugins.runtime import REMOTE_CKPT_PREFIXES, ToolError, run_tool  # noqa: E402


def writable_dir(path: str, option: str) -> None:
    """Create ``path`` if needed and check that a file can be written into it."""
    try:
        os.makedirs(path, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as e:
        raise ToolError(f'cannot write {option} {path!r}: {e.strerror or e}; choose a writable '
                        f'directory with {option}') from e


def _vis_attention(argv, ctx) -> int:
    from attn_plugins.analysis import vis
    args = vis.build_parser().parse_args(argv)
    if not osp.isfile(args.config):
        raise ToolError(f'config file {args.config!r} not found')
    ckpt = args.checkpoint
    if ckpt.lower() != 'none' and not ckpt.startswith(REMOTE_CKPT_PREFIXES) \
            and not osp.isfile(ckpt):
        raise ToolError(f"checkpoint {ckpt!r} not found (pass 'none' for the model's initial "
                        'weights)')
    if not osp.isfile(args.image):
        raise ToolError(f'image {args.image!r} not found')
    writable_dir(args.out_dir, '--out-dir')
    return vis.main(argv)


def main(argv=None) -> int:
    result = {}

    def run(argv, ctx):
        result['rc'] = _vis_attention(argv, ctx)

    return run_tool(run, argv, 'vis_attention.py') or result.get('rc', 0)


if __name__ == '__main__':
    sys.exit(main())
