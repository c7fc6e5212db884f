#!/usr/bin/env python
"""Speed and memory of attention modules and of whole configs (CPU, or CUDA when present).

    # module mode: one module on the ResNet-50 stage-1 map of each input size, vs timm's peer
    python tools/analysis/benchmark.py --module SE CBAM [--sizes 224 512 800x1333] [--batch 1]
        [--channels C | --stage 1..4] [--channels-last] [--amp] [--compile] --out r.json
    python tools/analysis/benchmark.py --all --threads 1 --out results/benchmark_cpu.json \\
        --table --plot
    # config mode: a whole model (or --backbone-only) vs the same config without plugins
    python tools/analysis/benchmark.py --config CONFIG [--baseline-config BASE]
        [--backbone-only] [--size H W] --out r.json
    # render from a JSON
    python tools/analysis/benchmark.py --table r.json [--table-out r.md]
    python tools/analysis/benchmark.py --plot r.json [--plot-out r.png]

Conventions (timing, memory method, feature-map scheme): attn_plugins/analysis/benchmark.py,
and ``--help``.
"""
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))  # the repo root

from attn_plugins.analysis.benchmark import main  # noqa: E402

if __name__ == '__main__':
    sys.exit(main())
