#!/usr/bin/env python
"""Print a config as mmengine resolves it: ``_base_`` files (``mmdet::``, ``mmseg::``,
``mmpretrain::`` included) merged, variables substituted, ``--cfg-options`` applied.

    python tools/misc/print_config.py CONFIG [--cfg-options k=v ...] [--debug]

As mmdet's / mmseg's / mmpretrain's tools/misc/print_config.py: this is the PLAIN config, before the
preparation tools/train.py applies for a run (work dir, --amp, --resume, --pretrained-backbone,
persistent_workers with num_workers=0, the seed it draws). tools/train.py dumps that prepared config
into WORK_DIR/<config name>.py at the start of every run.

Errors (a missing config, a config that does not parse, unknown custom_imports) are one line
``print_config.py: error: ...`` and exit code 1; --debug (or ATTN_PLUGINS_DEBUG=1) shows the
traceback.
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))  # the repo root

from attn_plugins.runtime import load_config, run_tool  # noqa: E402


def build_parser() -> argparse.ArgumentParser:
    from mmengine.config import DictAction
    p = argparse.ArgumentParser(
        prog='print_config.py', formatter_class=argparse.RawDescriptionHelpFormatter,
        description='Print the whole config (bases merged, --cfg-options applied).',
        epilog=__doc__)
    p.add_argument('config', help='config file path')
    p.add_argument('--cfg-options', nargs='+', action=DictAction,
                   help='override settings of the config, key=value pairs merged into it, e.g. '
                        'train_cfg.max_epochs=12; lists as key="[a,b]"')
    p.add_argument('--debug', action='store_true', help='show the traceback of errors')
    return p


def _print_config(argv, ctx) -> None:
    args = build_parser().parse_args(argv)
    cfg = ctx.cfg = load_config(args.config, args.cfg_options)
    print(f'Config:\n{cfg.pretty_text}')


def main(argv=None) -> int:
    return run_tool(_print_config, argv, 'print_config.py')


if __name__ == '__main__':
    sys.exit(main())
