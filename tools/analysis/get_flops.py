"""Parameters and FLOPs of a classification (mmpretrain), detection (mmdet) or segmentation (mmseg)
config, with synthetic input — no dataset on disk needed.

    python tools/analysis/get_flops.py CONFIG [--shape H [W]] [--cfg-options k=v ...] [--json]
        [--debug]

The convention (MACs, 1e9 / 1e6 / 2^20 units, how attention modules' element-wise work is reported)
is printed with every result; see attn_plugins/analysis/complexity.py.
"""
import argparse
import json
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))  # the repo root


def parse_args(argv=None):
    from mmengine.config import DictAction
    p = argparse.ArgumentParser(
        prog='get_flops.py', description='Parameters and FLOPs of a config (no dataset needed)',
        epilog='errors (a missing config, a model that does not build) are one line and exit code '
               '1; --debug (or ATTN_PLUGINS_DEBUG=1) shows the traceback')
    p.add_argument('config', help='config file path')
    p.add_argument('--shape', type=int, nargs='+', default=None,
                   help='input H W (one value = square); default 224 (cls), 800 1333 (det), '
                        '512 1024 (seg)')
    p.add_argument('--cfg-options', nargs='+', action=DictAction, help='override config keys')
    p.add_argument('--json', action='store_true', help='print JSON instead of a table')
    p.add_argument('--debug', action='store_true', help='show the traceback of errors')
    return p.parse_args(argv)


def _get_flops(argv, ctx) -> None:
    args = parse_args(argv)
    from attn_plugins.analysis.complexity import (DEFAULT_SHAPE, build_model, count_complexity,
                                                  head_num_classes, model_inputs)
    from attn_plugins.runtime import ToolError, load_config

    shape = args.shape
    if shape is not None and len(shape) not in (1, 2):
        raise ToolError(f'--shape takes H or H W, got {len(shape)} values: {shape}')
    cfg = ctx.cfg = load_config(args.config, args.cfg_options)
    model, scope = build_model(cfg)
    shape = shape or DEFAULT_SHAPE.get(scope, (224, 224))
    if len(shape) == 1:
        shape = (shape[0], shape[0])
    traced, inputs = model_inputs(model, scope, shape, head_num_classes(cfg))
    res = count_complexity(traced, inputs)
    res.update(config=args.config, scope=scope, input_shape=[1, 3, *shape])
    if args.json:
        print(json.dumps(res, indent=2))
        return
    a = res['attention']
    line = '=' * 60
    print(f'{line}\nconfig:      {args.config} ({scope})\ninput shape: {res["input_shape"]}')
    print(f'params:      {res["params"]:,} = {res["params_M"]:.2f}M (1e6) = '
          f'{res["params_MiB"]:.2f}MiB (2^20)')
    print(f'FLOPs:       {res["flops_G"]:.3f} G (multiply-accumulates)')
    print(f'attention:   {a["modules"]} modules, {a["params"]:,} params, {a["flops"] / 1e9:.4f} G '
          f'MACs (in FLOPs above), {a["elementwise_ops"] / 1e9:.4f} G element-wise ops (not in '
          f'FLOPs above)')
    print(f'convention:  {res["convention"]}\n{line}')


def main(argv=None) -> int:
    """Errors are one line ``get_flops.py: error: ...`` and exit code 1 (run_tool)."""
    from attn_plugins.runtime import run_tool
    return run_tool(_get_flops, argv, 'get_flops.py')


if __name__ == '__main__':
    sys.exit(main())
