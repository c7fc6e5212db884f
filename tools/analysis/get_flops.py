"""Parameters and FLOPs of a classification (mmpretrain), detection (mmdet) or segmentation (mmseg)
config, with synthetic input — no dataset on disk needed.

    python tools/analysis/get_flops.py CONFIG [--shape H [W]] [--cfg-options k=v ...] [--json]

The convention (MACs, 1e9 / 1e6 / 2^20 units, how attention modules' element-wise work is reported)
is printed with every result; see attn_plugins/analysis/complexity.py.
"""
import argparse
import json
import sys


def parse_args(argv=None):
    from mmengine.config import DictAction
    p = argparse.ArgumentParser(description='Parameters and FLOPs of a config (no dataset needed)')
    p.add_argument('config', help='config file path')
    p.add_argument('--shape', type=int, nargs='+', default=None,
                   help='input H W (one value = square); default 224 (cls), 800 1333 (det), '
                        '512 1024 (seg)')
    p.add_argument('--cfg-options', nargs='+', action=DictAction, help='override config keys')
    p.add_argument('--json', action='store_true', help='print JSON instead of a table')
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    import attn_plugins  # noqa: F401
    from attn_plugins.analysis.complexity import (DEFAULT_SHAPE, build_model, count_complexity,
                                                  head_num_classes, model_inputs)
    from mmengine.config import Config

    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    model, scope = build_model(cfg)
    shape = args.shape or DEFAULT_SHAPE.get(scope, (224, 224))
    if len(shape) == 1:
        shape = (shape[0], shape[0])
    if len(shape) != 2:
        print(f'get_flops: --shape takes H or H W, got {shape}', file=sys.stderr)
        return 2
    traced, inputs = model_inputs(model, scope, shape, head_num_classes(cfg))
    res = count_complexity(traced, inputs)
    res.update(config=args.config, scope=scope, input_shape=[1, 3, *shape])
    if args.json:
        print(json.dumps(res, indent=2))
        return 0
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
    return 0


if __name__ == '__main__':
    sys.exit(main())
