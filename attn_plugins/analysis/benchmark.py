"""Speed and memory of attention modules and of whole configs, on CPU and CUDA.

Two modes (CLI: ``tools/analysis/benchmark.py``):

* **module mode** — one attention module on the feature map it sees in a backbone, forward
  (eval, ``no_grad``) and forward+backward (train mode, gradient w.r.t. the input and the
  parameters), with warm-up, repeats, median and spread, and peak memory. Each module is compared
  with a peer computing the same function, weights copied, outputs checked, timed interleaved
  (ours, peer, ours, peer, ...): the timm module configured to the same math where timm ships it
  (SE, ECA, CBAM, GC, CoordAtt, SK), else a plain restatement of the official op sequence
  (:mod:`attn_plugins.analysis.official`: BAM, GCT, SGE, SA, Triplet, SimAM, FcaNet, EMA, MCA,
  SRM, GE, EPSA, PAM, CAM); GAM and STEAM have no official code to restate, CrissCross *is*
  mmcv's module.
* **config mode** — a whole classifier / detector / segmentor (or ``--backbone-only``) against the
  same config with its attention stripped (``model.backbone.plugins=None``) or an explicit
  ``--baseline-config``, timed interleaved, with the parameter and FLOP deltas of
  :mod:`attn_plugins.analysis.complexity`.

Measurement conventions (also written into every JSON under ``settings``):

* **Feature maps (module mode).** The module is applied once to the output of ResNet-50 stage
  ``s`` (default ``s = 1``) for an input of H×W: ``C = 256·2^(s-1)`` channels at the exact
  ResNet-50 resolution of that stage (stem conv and max-pool round up: 224 → 56×56,
  512 → 128×128, 800×1333 → 200×334 at stage 1). Stage 1 is the largest map an in-block module
  sees, i.e. where one call costs most; ``--channels`` overrides C. Batch ``--batch`` (default 1).
* **Reference block.** The same measurement for a plain ResNet-50 Bottleneck of that stage
  (C → C/4 → C, no attention) gives ``relative_to_block`` = module time / block time: how much
  the module adds to the block it is inserted into.
* **Time.** CPU: ``time.perf_counter`` around each call. CUDA: ``torch.cuda.synchronize()``
  before, CUDA events around the call, ``event.synchronize()`` after. Warm-up calls are not
  recorded; repeats adapt to ``--time-budget`` (at least ``--min-repeats``). Reported: median,
  quartiles (IQR), min, max, mean, and the raw times (ms).
* **Peak memory.** CUDA: ``torch.cuda.max_memory_allocated()`` minus the allocation before the
  call. CPU: ``tracemalloc`` does not see torch's allocator, and RSS deltas are dominated by the C
  allocator's caching, so the CPU figure is the peak of the running sum of the allocation and free
  events recorded by ``torch.profiler`` (``profile_memory=True``) during one call: bytes
  allocated by torch above the level before the call (outputs and gradients included; inputs,
  weights and the gradient fed to backward excluded).
* **Allocator (CPU).** By default the benchmark keeps freed memory in the process (glibc
  ``mallopt``: no ``mmap`` per large tensor, no trimming), as CUDA's caching allocator and the
  jemalloc/tcmalloc setups recommended for CPU inference do: with glibc's defaults every call
  page-faults fresh pages for each large tensor, which took more than half of a large-map call
  here and depended on what ran before (it biased interleaved comparisons by up to 2×).
  ``--no-malloc-tuning`` keeps the defaults; ``settings.allocator`` records the choice.
* **Ratios against a peer** are medians of interleaved runs (``ours/peer``; order A,B then B,A
  so that neither always runs first), so both see the same machine load: ``ratio`` (wall time,
  the reported figure) and ``cpu_ratio`` (process CPU time, which excludes the time the OS gave
  the core to other jobs), with the median and IQR of the per-pair ratios. An A/A control — ours
  against an identical copy of ours, timed in the same rounds — measures what two identical
  modules differ by on this machine; a ratio above 1 by less than that, or whose paired IQR
  contains 1, is within measurement noise. Each comparison also records the
  ops whose counts differ between the two (``op_count_diff``, torch.profiler) and the fixed
  per-call overhead on a tiny 4×4 map (``call_overhead``, 1000 alternated calls), which
  separate a real difference from load noise; where a ratio is above 1, the top ops by self
  time are stored (``top_ops``).
"""
import argparse
import contextlib
import copy
import datetime
import itertools
import json
import os
import os.path as osp
import platform
import sys
import time
import traceback
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
from torch import nn

SCHEMA = 'attn_plugins.benchmark/1'
DEFAULT_SIZES = ((224, 224), (512, 512), (800, 1333))
# Config mode's default input per scope (as tools/analysis/get_flops.py).
RESNET50_STAGE_CHANNELS = {1: 256, 2: 512, 3: 1024, 4: 2048}
REFERENCE_BLOCK = 'ResNet50Bottleneck'
# Arguments a module needs that have no default (mmcv's ContextBlock requires ``ratio``).
MODULE_DEFAULT_ARGS = {'ContextBlock': dict(ratio=1 / 16)}

TIMING_METHOD = {
    'cpu': 'time.perf_counter around each call; warm-up calls not recorded',
    'cuda': 'torch.cuda.synchronize() before each call, CUDA events around it, '
            'event.synchronize() after; warm-up calls not recorded',
}
MEMORY_METHOD = {
    'cpu': 'peak of the running sum of torch.profiler memory events (profile_memory=True) during '
           'one call: bytes allocated by torch above the level before the call (outputs and '
           'gradients included; inputs, weights and the incoming gradient excluded). tracemalloc '
           'cannot see torch allocations and RSS deltas are hidden by allocator caching.',
    'cuda': 'torch.cuda.max_memory_allocated() after reset_peak_memory_stats(), minus '
            'torch.cuda.memory_allocated() before the call',
}
SCHEME = ('module applied once to the output of ResNet-50 stage {stage} for an input of H×W: '
          'C = {channels} channels at the exact ResNet-50 resolution of that stage (stem conv and '
          'max-pool round up; stage 1: 224 -> 56×56, 512 -> 128×128, 800×1333 -> 200×334), '
          'batch {batch}. Stage 1 is the largest map an in-block module sees, where one call costs '
          'most. Modules that replace the 3×3 conv (SK, EPSA) get that conv\'s input, C/4 '
          'channels. relative_to_block = module time / time of a plain ResNet-50 Bottleneck '
          '(C -> C/4 -> C) on the same map.')


# ------------------------------------------------------------------------------------------------
# environment
# ------------------------------------------------------------------------------------------------
def cpu_model() -> str:
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_average() -> Optional[List[float]]:
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return None


def environment(device: str) -> Dict:
    import mmengine
    env = dict(device=device, cpu_model=cpu_model(), cpu_count=os.cpu_count(),
               torch=torch.__version__, torch_threads=torch.get_num_threads(),
               python=platform.python_version(), platform=platform.platform(),
               mmengine=mmengine.__version__, load_average_start=load_average(),
               cuda_available=torch.cuda.is_available())
    for name in ('mmcv', 'timm'):
        try:
            env[name] = __import__(name).__version__
        except Exception:  # noqa: BLE001
            env[name] = None
    if device == 'cuda':
        env['cuda_device'] = torch.cuda.get_device_name()
        env['cuda_version'] = torch.version.cuda
    env['device_name'] = env.get('cuda_device') if device == 'cuda' else env['cpu_model']
    return env


MALLOC_KEEP = ('glibc malloc told to keep freed memory (mallopt M_MMAP_MAX=0: no mmap per large '
               'tensor; M_TRIM_THRESHOLD=2^31-1: no trimming), so that, like CUDA\'s caching '
               'allocator or jemalloc/tcmalloc, a repeated call reuses memory instead of '
               'page-faulting fresh pages for every large tensor; with glibc defaults page faults '
               'took more than half of a large-map call here and depended on the allocation '
               'history, which biased interleaved comparisons')


def tune_malloc() -> Optional[str]:
    """Apply :data:`MALLOC_KEEP` to this process (glibc only); returns the description or None."""
    import ctypes
    import ctypes.util
    try:
        libc = ctypes.CDLL(ctypes.util.find_library('c') or 'libc.so.6')
        ok = libc.mallopt(-4, 0) == 1 and libc.mallopt(-1, 2 ** 31 - 1) == 1  # MMAP_MAX, TRIM
    except (OSError, AttributeError):
        return None
    return MALLOC_KEEP if ok else None


def wait_for_load(threshold: float, max_wait: float, interval: float = 60.,
                  log: Callable = print) -> Dict:
    """Sleep while the 1-minute load average is above ``threshold``, at most ``max_wait`` s."""
    start = time.time()
    seen = [load_average()]
    while threshold and seen[-1] and seen[-1][0] > threshold and time.time() - start < max_wait:
        log(f'benchmark: 1-min load {seen[-1][0]} > {threshold}; waiting {interval:.0f} s '
            f'({time.time() - start:.0f}/{max_wait:.0f} s)')
        time.sleep(interval)
        seen.append(load_average())
    return dict(threshold=threshold, waited_s=round(time.time() - start, 1), seen=seen,
                below_threshold=bool(seen[-1] and seen[-1][0] <= threshold))


# ------------------------------------------------------------------------------------------------
# measurement primitives
# ------------------------------------------------------------------------------------------------
def resnet50_stage_hw(h: int, w: int, stage: int = 1) -> Tuple[int, int]:
    """Exact output size of ResNet-50 stage ``stage`` (1..4) for an H×W input."""
    for _ in range(2):  # stem conv (stride 2, pad 3, k 7) and max-pool (stride 2, pad 1, k 3)
        h, w = (h + 1) // 2, (w + 1) // 2
    for _ in range(stage - 1):  # stride-2 3×3 conv (pad 1) at the start of stages 2..4
        h, w = (h + 1) // 2, (w + 1) // 2
    return h, w


def summarize_times(times_s: Sequence, cpu_s: Optional[Sequence] = None) -> Dict:
    """Median, quartiles, min, max, mean and the raw values (ms) of wall times ``times_s``;
    with ``cpu_s`` (CPU device) the same for the CPU times, prefixed ``cpu_``."""
    out = {}
    for prefix, values in (('', times_s), ('cpu_', cpu_s)):
        if values is None or any(v is None for v in values):
            continue
        ms = np.asarray(values, dtype=np.float64) * 1e3
        q1, med, q3 = np.percentile(ms, [25, 50, 75])
        out.update({f'{prefix}median_ms': float(med), f'{prefix}q1_ms': float(q1),
                    f'{prefix}q3_ms': float(q3), f'{prefix}iqr_ms': float(q3 - q1),
                    f'{prefix}min_ms': float(ms.min()), f'{prefix}max_ms': float(ms.max()),
                    f'{prefix}mean_ms': float(ms.mean()),
                    f'{prefix}times_ms': [round(float(v), 4) for v in ms]})
        out['n'] = int(ms.size)
    return out


def time_call(fn: Callable, device: str) -> Tuple[float, Optional[float]]:
    """``(wall seconds, CPU seconds)`` of ``fn()``.

    CUDA: synchronised, wall time from CUDA events, no CPU time (``None``). CPU: wall time from
    ``time.perf_counter`` and the process's CPU time from ``time.process_time`` (all threads;
    with one intra-op thread it is the time the call actually ran, excluding the time the OS
    gave the core to other jobs — the load-robust figure on a shared machine).
    """
    if device == 'cuda':
        torch.cuda.synchronize()
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        return start.elapsed_time(end) / 1e3, None
    c, t = time.process_time(), time.perf_counter()
    fn()
    return time.perf_counter() - t, time.process_time() - c


def measure_interleaved(fns: Sequence[Callable], device: str, warmup: int = 2, repeats: int = 10,
                        min_repeats: int = 3, time_budget: float = 10.) -> List[Dict]:
    """Time ``fns`` in turns (A, B, then B, A, ...; every order in turn), so that they share the
    machine's load and none of them always runs first.

    ``warmup`` rounds are run first and not recorded (the first one also estimates the cost of a
    round); then ``repeats`` rounds, reduced so that the rounds fit in ``time_budget`` seconds, but
    never below ``min_repeats``. Returns :func:`summarize_times` of each function.
    """
    round_s = 0.
    for i in range(max(1, warmup)):
        t = sum(time_call(f, device)[0] for f in fns)
        round_s = t if i == 0 else min(round_s, t)
    n = repeats
    if time_budget and round_s > 0:
        n = max(min_repeats, min(repeats, int(time_budget / round_s)))
    wall, cpu = [[] for _ in fns], [[] for _ in fns]
    # every order in turn (A,B / B,A; with three: all six): no function always runs first
    orders = list(itertools.permutations(range(len(fns))))
    for i in range(n):
        for k in orders[i % len(orders)]:
            w, c = time_call(fns[k], device)
            wall[k].append(w)
            cpu[k].append(c)
    return [summarize_times(w, c) for w, c in zip(wall, cpu)]


def peak_memory(fn: Callable, device: str) -> int:
    """Peak bytes allocated by torch during ``fn()`` above the level before it (see module doc).

    A forward+backward callable's gradients of the previous call are released first (``fn.reset``)
    so that the gradients it allocates count in full, whatever ran before: otherwise the release
    inside the call offsets them, and whether the CPU profiler sees that release depends on
    whether the old gradients were allocated while a profiler was recording.
    """
    reset = getattr(fn, 'reset', None)
    if reset is not None:
        reset()
    if device == 'cuda':
        torch.cuda.synchronize()
        base = torch.cuda.memory_allocated()
        torch.cuda.reset_peak_memory_stats()
        fn()
        torch.cuda.synchronize()
        return int(torch.cuda.max_memory_allocated() - base)
    from torch.profiler import ProfilerActivity, profile
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        fn()
    events = [(e.start_ns(), e.nbytes()) for e in prof.profiler.kineto_results.events()
              if e.name() == '[memory]' and e.device_type() == torch.autograd.DeviceType.CPU]
    peak = cur = 0
    for _, nbytes in sorted(events):
        cur += nbytes
        peak = max(peak, cur)
    return int(peak)


def profile_top_ops(fn: Callable, device: str, n: int = 8, calls: int = 3) -> List[Dict]:
    """The ``n`` ops with the largest self time over ``calls`` calls of ``fn`` (torch.profiler)."""
    from torch.profiler import ProfilerActivity, profile
    acts = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if device == 'cuda' else [])
    fn()
    with profile(activities=acts) as prof:
        for _ in range(calls):
            fn()
    key = 'self_device_time_total' if device == 'cuda' else 'self_cpu_time_total'
    rows = sorted(prof.key_averages(), key=lambda e: getattr(e, key, 0), reverse=True)[:n]
    return [dict(op=e.key, self_ms_per_call=round(getattr(e, key, 0) / 1e3 / calls, 4),
                 count_per_call=e.count / calls) for e in rows]


def op_counts(fn: Callable) -> Dict[str, int]:
    """How many times each op runs in one call of ``fn`` (torch.profiler; deterministic)."""
    from torch.profiler import ProfilerActivity, profile
    fn()
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        fn()
    return {e.key: int(e.count) for e in prof.key_averages()}


def op_count_diff(ours: Dict[str, int], peer: Dict[str, int]) -> Dict[str, List[int]]:
    """``{op: [count in ours, count in peer]}`` for the ops whose counts differ."""
    return {k: [ours.get(k, 0), peer.get(k, 0)] for k in sorted(set(ours) | set(peer))
            if ours.get(k, 0) != peer.get(k, 0)}


def call_overhead(fns: Sequence[Callable], device: str, calls: int = 1000) -> Dict:
    """Per-call cost on a tiny map, where compute is negligible: median of the paired
    differences of ``fns[0]`` and ``fns[1]`` over ``calls`` alternated (ABBA) calls, in µs."""
    for f in fns:
        for _ in range(20):
            f()
    t = [[], []]
    for i in range(calls):
        for k in ((0, 1) if i % 2 == 0 else (1, 0)):
            t[k].append(time_call(fns[k], device)[0])
    a, b = np.asarray(t[0]) * 1e6, np.asarray(t[1]) * 1e6
    return dict(ours_us=float(np.median(a)), peer_us=float(np.median(b)),
                diff_us=float(np.median(a - b)), calls=calls)


def autocast_ctx(device: str, amp: bool):
    if not amp:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device, dtype=torch.float16 if device == 'cuda'
                          else torch.bfloat16)


def _tensors(obj):
    if isinstance(obj, torch.Tensor):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _tensors(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _tensors(v)
    elif hasattr(obj, 'keys') and hasattr(obj, 'get'):  # mmengine data elements
        for k in obj.keys():
            yield from _tensors(obj.get(k))


def make_forward(model: nn.Module, inputs, device: str, amp: bool) -> Callable:
    """Inference call: ``model.eval()`` is the caller's job; no autograd."""
    def forward():
        with torch.no_grad(), autocast_ctx(device, amp):
            model(inputs)
    return forward


def make_forward_backward(model: nn.Module, x: torch.Tensor, device: str, amp: bool,
                          scalar_loss: bool = False) -> Callable:
    """Training-step call without the optimiser: forward with autograd, then backward.

    The input requires a gradient (as inside a backbone). Module mode back-propagates a cached
    all-ones gradient of the output's shape (no extra reduction in the timed call); config mode
    (``scalar_loss=True``) back-propagates the sum of the means of every output tensor.
    Parameter gradients are reset to ``None`` at the start of each call (no accumulation).
    """
    params = [p for p in model.parameters() if p.requires_grad]
    xg = x.detach().clone().requires_grad_(True)
    grads = {}

    def reset():
        for p in params:
            p.grad = None
        xg.grad = None

    def forward_backward():
        reset()
        with autocast_ctx(device, amp):
            y = model(xg)
        if scalar_loss:
            loss = sum(t.float().mean() for t in _tensors(y) if t.requires_grad)
            loss.backward()
            return
        key = (tuple(y.shape), y.dtype)
        if key not in grads:
            grads[key] = torch.ones_like(y)
        y.backward(grads[key])
    forward_backward.reset = reset
    return forward_backward


# ------------------------------------------------------------------------------------------------
# module building
# ------------------------------------------------------------------------------------------------
def build_module(name: str, channels: int, **kwargs) -> nn.Module:
    import attn_plugins  # noqa: F401  (registers the modules)
    if name == REFERENCE_BLOCK:
        from attn_plugins.backbones.resnet import AttnBottleneck
        if channels % 4:
            raise ValueError(f'{REFERENCE_BLOCK}: channels {channels} not divisible by 4')
        return AttnBottleneck(channels, channels // 4, **kwargs)
    from mmengine.registry import MODELS

    from ..catalog import check_known
    check_known(name)
    args = dict(MODULE_DEFAULT_ARGS.get(name, {}), **kwargs)
    return MODELS.build(dict(type=name, in_channels=channels, **args))


REPLACE_CONV_NOTE = ('replaces the Bottleneck\'s 3×3 conv (+ its BN/ReLU): measured at that conv\'s '
                     'width, C = stage channels / 4, in = out channels, stride 1')


def module_channels(name: str, stage: int) -> int:
    """C a module sees at ResNet-50 stage ``stage``: the block output width, or for a module that
    replaces the 3×3 conv (SK, EPSA) the conv's width (a quarter of it)."""
    import attn_plugins  # noqa: F401
    from mmengine.registry import MODELS
    cls = MODELS.get(name) if name != REFERENCE_BLOCK else None
    c = RESNET50_STAGE_CHANNELS[stage]
    return c // 4 if getattr(cls, 'replaces_conv', False) else c


def module_names_all() -> List[str]:
    from ..catalog import module_names
    return module_names()


def estimate_bytes(name: str, feature_shape: Sequence[int]) -> int:
    """A lower bound of the memory a call needs where it is super-linear in H·W (NonLocal2d and
    PAM: the (HW)² attention matrix, its softmax and their gradients); 0 = nothing to guard."""
    b, _, h, w = feature_shape
    if name in ('NonLocal2d', 'PAM'):
        return 4 * 4 * b * (h * w) ** 2
    return 0


def available_memory_bytes() -> Optional[int]:
    try:
        with open('/proc/meminfo') as f:
            for line in f:
                if line.startswith('MemAvailable:'):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


# ------------------------------------------------------------------------------------------------
# timm peers: same math as ours, weights copied
# ------------------------------------------------------------------------------------------------
def _copy(dst: torch.Tensor, src: torch.Tensor) -> None:
    with torch.no_grad():
        dst.copy_(src.reshape(dst.shape))


def _copy_bn(dst: nn.Module, src: nn.Module) -> None:
    for n in ('weight', 'bias', 'running_mean', 'running_var'):
        _copy(getattr(dst, n), getattr(src, n))
    dst.eps, dst.momentum = src.eps, src.momentum


def _peer_se(ours):
    from timm.layers.squeeze_excite import SEModule
    c, hidden = ours.fc1.in_channels, ours.fc1.out_channels
    bias = ours.fc1.bias is not None
    peer = SEModule(c, rd_ratio=1 / 16, rd_channels=hidden, rd_divisor=1, bias=bias)
    for a in ('fc1', 'fc2'):
        _copy(getattr(peer, a).weight, getattr(ours, a).weight)
        if bias:
            _copy(getattr(peer, a).bias, getattr(ours, a).bias)
    return peer, (f'timm.layers.SEModule({c}, rd_ratio=1/16, rd_channels={hidden}, '
                  f'rd_divisor=1, bias={bias})')


def _peer_eca(ours):
    from timm.layers.eca import EcaModule
    k = ours.kernel_size
    # channels=None: timm applies its own adaptive rule (clamped to k >= 3) only when given C.
    peer = EcaModule(channels=None, kernel_size=k)
    _copy(peer.conv.weight, ours.conv.weight)
    return peer, f'timm.layers.EcaModule(channels=None, kernel_size={k})'


def _peer_cbam(ours):
    from timm.layers.cbam import CbamModule
    if ours.no_spatial or tuple(ours.pool_types) != ('avg', 'max'):
        raise ValueError('timm CbamModule only has the (avg, max) channel gate with a spatial gate')
    c, hidden = ours.fc1.in_features, ours.fc1.out_features
    k = ours.spatial_conv.kernel_size[0]
    peer = CbamModule(c, rd_channels=hidden, spatial_kernel_size=k, mlp_bias=True)
    for a in ('fc1', 'fc2'):
        _copy(getattr(peer.channel, a).weight, getattr(ours, a).weight)
        _copy(getattr(peer.channel, a).bias, getattr(ours, a).bias)
    # timm concatenates (mean, max), the official code (max, mean): swap the conv's inputs.
    _copy(peer.spatial.conv.conv.weight, ours.spatial_conv.weight[:, [1, 0]])
    _copy_bn(peer.spatial.conv.bn, ours.spatial_bn)
    return peer, (f'timm.layers.CbamModule({c}, rd_channels={hidden}, spatial_kernel_size={k}, '
                  f'mlp_bias=True); spatial conv input channels swapped (timm pools (mean, max), '
                  f'official (max, mean)); BN momentum set to the official 0.01')


def _peer_gc(ours):
    from timm.layers.global_context import GlobalContext
    if ours.pooling_type != 'att' or ours.channel_mul_conv is not None \
            or ours.channel_add_conv is None:
        raise ValueError("timm GlobalContext(fuse_add=True) matches ContextBlock(pooling_type="
                         "'att', fusion_types=('channel_add',)) only")
    c, planes = ours.in_channels, ours.planes
    peer = GlobalContext(c, fuse_add=True, fuse_scale=False, rd_channels=planes)
    _copy(peer.conv_attn.weight, ours.conv_mask.weight)
    _copy(peer.conv_attn.bias, ours.conv_mask.bias)
    add = ours.channel_add_conv
    for dst, src in ((peer.mlp_add.fc1, add[0]), (peer.mlp_add.fc2, add[3])):
        _copy(dst.weight, src.weight)
        _copy(dst.bias, src.bias)
    _copy(peer.mlp_add.norm.weight, add[1].weight)
    _copy(peer.mlp_add.norm.bias, add[1].bias)
    peer.mlp_add.norm.eps = add[1].eps  # mmcv LayerNorm 1e-5, timm LayerNorm2d 1e-6
    return peer, (f'timm.layers.GlobalContext({c}, fuse_add=True, fuse_scale=False, '
                  f'rd_channels={planes}); LayerNorm eps set to mmcv\'s 1e-5')


def _peer_coord(ours):
    from timm.layers.coord_attn import CoordAttn
    c, mip = ours.in_channels, ours.mid_channels
    peer = CoordAttn(c, rd_channels=mip, bias=True, act_layer=nn.Hardswish,
                     norm_layer=nn.BatchNorm2d)
    for a in ('conv1', 'conv_h', 'conv_w'):
        _copy(getattr(peer, a).weight, getattr(ours, a).weight)
        _copy(getattr(peer, a).bias, getattr(ours, a).bias)
    _copy_bn(peer.bn1, ours.bn1)
    return peer, (f'timm.layers.CoordAttn({c}, rd_channels={mip}, bias=True, '
                  f'act_layer=nn.Hardswish, norm_layer=nn.BatchNorm2d)')


def _peer_sk(ours):
    from timm.layers.selective_kernel import SelectiveKernel
    if any(g != ours.path_groups[0] for g in ours.path_groups):
        raise ValueError('timm SelectiveKernel has one group count for every path')
    c, dils = ours.out_channels, ours.path_dilations
    kernels = [2 * d + 1 for d in dils]   # keep_3x3: kernel k -> 3×3 with dilation (k-1)//2
    stride = ours.paths[0].conv.stride[0]
    dilation = ours.paths[0].conv.dilation[0] // dils[0]
    peer = SelectiveKernel(ours.in_channels, c, kernel_size=kernels, stride=stride,
                           dilation=dilation, groups=ours.path_groups[0],
                           rd_channels=ours.hidden_channels, keep_3x3=True, split_input=False)
    peer.load_state_dict(ours.state_dict())   # the same names: paths.m.conv/bn, attn.*
    return peer, (f'timm.layers.SelectiveKernel({ours.in_channels}, {c}, kernel_size={kernels}, '
                  f'groups={ours.path_groups[0]}, rd_channels={ours.hidden_channels}, '
                  f'keep_3x3=True, split_input=False)')


def _peer_official(name):
    def build(ours):
        from .official import official_peer
        return official_peer(name, ours)
    return build


def _official_names():
    from .official import OFFICIAL
    return list(OFFICIAL)


PEERS = {'SE': _peer_se, 'ECA': _peer_eca, 'CBAM': _peer_cbam, 'ContextBlock': _peer_gc,
         'CoordAtt': _peer_coord, 'SK': _peer_sk,
         **{n: _peer_official(n) for n in _official_names()}}
TIMM_PEERS = ('SE', 'ECA', 'CBAM', 'ContextBlock', 'CoordAtt', 'SK')

# What differs between ours and the peer once the peer is configured to our math, and why a
# remaining speed difference is (or is not) inherent. Written into the JSON and the table.
PEER_NOTES = {
    'SE': 'Same math: GAP, 1×1 conv C→C/16 with bias, ReLU, 1×1 conv with bias, sigmoid, scale '
          '(official Caffe SE keeps the FC biases; timm allows bias=True). Ours takes the mean '
          'with fp32 accumulation (a no-op for fp32 inputs; it keeps fp16/bf16 sums from '
          'overflowing under AMP) — the only code difference.',
    'ECA': 'Same math: GAP, Conv1d(1,1,k) without bias, sigmoid, scale. The peer is built with '
           'channels=None and our k (timm applies its own adaptive rule, clamped to k>=3, only '
           'when given C). Ours accumulates the mean in fp32 (no-op in fp32).',
    'CBAM': 'Same math once configured: timm CbamModule(mlp_bias=True) has the official MLP '
            'biases; timm pools (mean, max) for the spatial map where the official code pools '
            '(max, mean) — the 7×7 conv\'s two input channels are swapped when copying; the BN '
            'momentum is set to the official 0.01 (running statistics only). Ours runs the shared '
            'MLP as nn.Linear on (B, C) vectors (timm: 1×1 convs on (B, C, 1, 1)) and accumulates '
            'the channel mean of the spatial descriptor in fp32. Backward: ours keeps the official '
            'max pools\' gradient (F.max_pool2d / torch.max: to one arg-max element, scattered '
            'into zeros); timm\'s amax spreads it over ties with five full-size passes per pool, '
            'which is most of the forward+backward gap (the values and, without ties, the '
            'gradients are equal).',
    'ContextBlock': 'Not attn_plugins code: this is mmcv\'s ContextBlock (GCNet, ratio 1/16, att '
                    'pooling, channel_add), listed as a baseline. timm GlobalContext(fuse_add='
                    'True, fuse_scale=False) is the same math; mmcv\'s LayerNorm eps 1e-5 is set '
                    'on the peer (timm 1e-6). mmcv softmaxes through an nn.Softmax module and '
                    'applies the LayerNorm over (C/16, 1, 1) where timm permutes for a '
                    'channels-last LayerNorm2d; any speed difference is mmcv\'s, not ours.',
    'CoordAtt': 'Same math once configured: timm CoordAttn(rd_channels=mip, bias=True, '
                'Hardswish, BatchNorm2d) equals the official coordatt.py (timm\'s defaults differ: '
                'rd = C/16·2/3 rounded to 8, no bias). Ours accumulates the directional means in '
                'fp32 (no-op in fp32).',
    'SK': 'Same math: timm SelectiveKernel(split_input=False, keep_3x3=True) with our fuse width '
          '(its skresnext50_32x4d is SKNet-50); same parameter names, so the state dict loads. '
          'timm stacks the paths into one (B, M, C, H, W) tensor and sums it; ours pools each '
          'path and adds the weighted paths.',
    'BAM': 'Official op sequence restated (MODELS/bam.py): expand_as of both branch maps to '
           'B×C×H×W before the fusion, 1 + σ(·), multiply. Ours fuses the broadcast (B,C,1,1) + '
           '(B,1,H,W) maps directly.',
    'SGE': 'Official op sequence restated (PytorchInsight): x·avg_pool(x) summed over the '
           'group\'s channels, centred, divided by the unbiased std, affine, σ, multiply.',
    'SA': 'Official op sequence restated (SA-Net sa_layer): chunk, GN module, cat, '
          'reshape-permute-reshape shuffle.',
    'GCT': 'Official op sequence restated (GCT.py, l2): pow(2).sum, pow(0.5), mean, tanh gate.',
    'TripletAttention': 'Official op sequence restated (triplet_attention.py): three permuted '
                        '.contiguous() copies of x, gated and permuted back, averaged.',
}


def randomize_(module: nn.Module, seed: int = 0) -> None:
    """Random parameters and BN statistics, so that zero-initialised layers (CBAM's spatial BN,
    GC's last conv) cannot hide a difference between two modules."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.rand(p.shape, generator=g) - 0.5)
        for m in module.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm) and m.track_running_stats:
                m.running_mean.copy_(torch.rand(m.running_mean.shape, generator=g) - 0.5)
                m.running_var.copy_(torch.rand(m.running_var.shape, generator=g) + 0.5)


def compare_outputs(ours: nn.Module, peer: nn.Module, x: torch.Tensor) -> Dict:
    """Max |ours - peer| in eval mode and in train mode (batch statistics); whether they match."""
    res = {}
    for mode in ('eval', 'train'):
        train = mode == 'train'
        a, b = copy.deepcopy(ours).train(train), copy.deepcopy(peer).train(train)
        with torch.no_grad():
            ya, yb = a(x.clone()), b(x.clone())
        res[f'max_abs_diff_{mode}'] = float((ya - yb).abs().max())
        res[f'max_abs_{mode}'] = float(ya.abs().max())
        res[f'match_{mode}'] = bool(torch.allclose(ya, yb, rtol=1e-4, atol=1e-5))
    res['outputs_match'] = res['match_eval'] and res['match_train']
    return res


def build_peer(name: str, ours: nn.Module, x: torch.Tensor) -> Tuple[nn.Module, Dict]:
    """The peer for ``name`` (a timm module, or the official op sequence restated) with
    ``ours``'s weights, and the output check."""
    ours_r = copy.deepcopy(ours)
    randomize_(ours_r)
    peer_r, desc = PEERS[name](ours_r)
    # two samples, so that train mode's batch statistics exist also where a BN sees (B, C, 1, 1)
    xc = (x[:2] if x.shape[0] >= 2 else torch.cat([x, 0.5 * x + 0.1])).float()
    check = compare_outputs(ours_r, peer_r, xc)
    peer, _ = PEERS[name](ours)  # the peer actually timed: our (reference-initialised) weights
    return peer, dict(peer=desc, weights_copied=True, notes=PEER_NOTES.get(name, ''), **check)


# ------------------------------------------------------------------------------------------------
# module mode
# ------------------------------------------------------------------------------------------------
def _prepare(module: nn.Module, x: torch.Tensor, device: str, channels_last: bool,
             compile_: bool):
    module = module.to(device)
    x = x.to(device)
    if channels_last:
        module = module.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    if compile_:
        module = torch.compile(module)
    return module, x


def _measure_pair(fns: Sequence[Callable], device: str, timing: Dict) -> List[Dict]:
    return measure_interleaved(fns, device, **timing)


def _ratio(ours: Dict, peer: Dict) -> Dict:
    """``ratio`` = ours/peer median wall time; ``cpu_ratio`` the same for CPU time; the median
    and quartiles of the per-pair ratios (pairs ran back to back, so they shared the load)."""
    out = {}
    for prefix in ('', 'cpu_'):
        if f'{prefix}times_ms' not in ours or f'{prefix}times_ms' not in peer:
            continue
        a, b = np.asarray(ours[f'{prefix}times_ms']), np.asarray(peer[f'{prefix}times_ms'])
        paired = a / np.maximum(b, 1e-9)
        q1, med, q3 = np.percentile(paired, [25, 50, 75])
        out.update({f'{prefix}ratio': float(ours[f'{prefix}median_ms'] /
                                            max(peer[f'{prefix}median_ms'], 1e-9)),
                    f'{prefix}paired_ratio_median': float(med),
                    f'{prefix}paired_ratio_q1': float(q1), f'{prefix}paired_ratio_q3': float(q3)})
    return out


def _structure(diff: Optional[Dict], overhead: Optional[Dict], median_ms: float) -> str:
    parts = []
    if diff is not None:
        parts.append('identical op counts' if not diff else 'op counts differ: ' + ', '.join(
            f'{k.replace("aten::", "")} {a} vs {b}' for k, (a, b) in diff.items()))
    if overhead is not None and median_ms:
        share = overhead['diff_us'] / (median_ms * 1e3) * 100.
        parts.append(f'fixed per-call overhead {overhead["diff_us"]:+.1f} µs on a tiny map '
                     f'({share:+.2f}% of this call)')
    return '; '.join(parts)


AA_UNRELIABLE = 0.10  # an A/A control further than this from 1 invalidates a ratio above 1


def _verdict(r: Dict, structure: str = '', control: Optional[Dict] = None) -> str:
    """Judged on the wall-time ratio (the reported ``ratio``). A ratio above 1 is put in context
    by the A/A control (ours against an identical copy of ours, timed in the same rounds: what
    two identical modules differ by here, from memory placement and load) and by the IQR of the
    per-pair ratios (wall and CPU time)."""
    ratio, q1, q3 = r['ratio'], r['paired_ratio_q1'], r['paired_ratio_q3']
    cpu = f', CPU time {r["cpu_ratio"]:.3f}' if 'cpu_ratio' in r else ''
    tail = f'; {structure}' if structure else ''
    if ratio <= 1.0:
        return f'ours <= peer (wall {ratio:.3f}{cpu})'
    if control and abs(control['ratio'] - 1.) > AA_UNRELIABLE:
        return (f'unreliable: ours/peer wall {ratio:.3f}{cpu}, but the A/A control is '
                f'{control["ratio"]:.3f} (identical modules differ by more than '
                f'{AA_UNRELIABLE:.0%}: the machine was disturbed); re-run this case{tail}')
    if control and ratio - 1. <= abs(control['ratio'] - 1.):
        return (f'ours/peer wall {ratio:.3f}{cpu}: within the A/A spread (ours against an '
                f'identical copy of ours in the same rounds: {control["ratio"]:.3f}){tail}')
    if q1 <= 1.0:
        return (f'ours/peer wall {ratio:.3f}{cpu}: within measurement noise (the IQR of the '
                f'paired wall-time ratios, {q1:.3f}-{q3:.3f}, contains 1.00){tail}')
    if r.get('cpu_paired_ratio_q1', 2.) <= 1.0:
        return (f'ours/peer wall {ratio:.3f}{cpu}: within measurement noise (the IQR of the '
                f'paired CPU-time ratios, {r["cpu_paired_ratio_q1"]:.3f}-'
                f'{r["cpu_paired_ratio_q3"]:.3f}, contains 1.00){tail}')
    return f'ours/peer wall {ratio:.3f}{cpu} > 1: see top_ops and notes{tail}'


def run_module_case(name: str, size: Sequence[int], channels: Optional[int] = None,
                    stage: int = 1, batch: int = 1, device: str = 'cpu', warmup: int = 2,
                    repeats: int = 10, min_repeats: int = 3, time_budget: float = 10.,
                    backward: bool = True, memory: bool = True, peers: bool = True,
                    peer_repeats: Optional[int] = None, channels_last: bool = False,
                    amp: bool = False, compile_: bool = False, module_args: Optional[Dict] = None,
                    mem_limit_bytes: Optional[int] = None, seed: int = 0) -> Dict:
    """Measure one module at one input size (see the module docstring for the conventions)."""
    h, w = (int(size[0]), int(size[-1]))
    fh, fw = resnet50_stage_hw(h, w, stage)
    c = channels or module_channels(name, stage)
    shape = [batch, c, fh, fw]
    case = dict(module=name, input_size=[h, w], stage=stage, feature_shape=shape,
                module_args=module_args or {}, status='ok')
    if not channels and c != RESNET50_STAGE_CHANNELS[stage]:
        case['channels_note'] = REPLACE_CONV_NOTE
    need = estimate_bytes(name, shape)
    if mem_limit_bytes and need > mem_limit_bytes:
        case.update(status='skipped', reason=f'skipped: needs > {need / 2 ** 30:.1f} GiB '
                                             f'(limit {mem_limit_bytes / 2 ** 30:.1f} GiB)')
        return case
    torch.manual_seed(seed)
    try:
        module = build_module(name, c, **(module_args or {}))
    except Exception as e:  # noqa: BLE001
        case.update(status='error', reason=f'build: {type(e).__name__}: {e}')
        return case
    case['params'] = sum(p.numel() for p in module.parameters())
    x = torch.randn(*shape)
    timing = dict(warmup=warmup, repeats=repeats, min_repeats=min_repeats,
                  time_budget=time_budget)
    m, xd = _prepare(module, x, device, channels_last, compile_)

    # forward
    try:
        m.eval()
        fwd = make_forward(m, xd, device, amp)
        case['forward'] = _measure_pair([fwd], device, timing)[0]
        if memory:
            case.setdefault('memory', {})['forward_peak_bytes'] = peak_memory(fwd, device)
    except Exception as e:  # noqa: BLE001
        case['forward'] = dict(status='error', reason=f'{type(e).__name__}: {e}')
        case['status'] = 'error'
    # forward + backward (train mode; BN with one value per channel falls back to eval mode)
    if backward:
        case['backward_mode'] = 'train'
        try:
            m.train()
            fb = make_forward_backward(m, xd, device, amp)
            try:
                fb()
            except ValueError as e:
                if 'Expected more than 1 value per channel' not in str(e):
                    raise
                m.eval()
                case['backward_mode'] = ('eval (train-mode BatchNorm has one value per channel '
                                         f'at batch {batch}: {e})')
                fb = make_forward_backward(m, xd, device, amp)
            case['forward_backward'] = _measure_pair([fb], device, timing)[0]
            if memory:
                case.setdefault('memory', {})['forward_backward_peak_bytes'] = \
                    peak_memory(fb, device)
        except Exception as e:  # noqa: BLE001
            case['forward_backward'] = dict(status='error', reason=f'{type(e).__name__}: {e}')
            case['status'] = 'error'
    # timm peer, interleaved
    if peers and name in PEERS and case['status'] == 'ok':
        case['peer'] = run_peer(name, module, x, device, dict(timing, **(
            dict(repeats=peer_repeats) if peer_repeats else {})), backward, channels_last, amp,
            compile_)
    return case


def run_peer(name, module, x, device, timing, backward, channels_last, amp, compile_) -> Dict:
    if name in TIMM_PEERS:
        try:
            import timm  # noqa: F401
        except ImportError:
            return dict(status='skipped', reason='timm is not installed')
    try:
        peer, res = build_peer(name, module.cpu(), x)
    except Exception as e:  # noqa: BLE001
        return dict(status='error', reason=f'{type(e).__name__}: {e}')
    ours, xd = _prepare(copy.deepcopy(module), x, device, channels_last, compile_)
    peer, _ = _prepare(peer, x, device, channels_last, compile_)
    control, _ = _prepare(copy.deepcopy(module), x, device, channels_last, compile_)
    res['status'] = 'ok'
    modes = [('forward', make_forward, False)] + ([('forward_backward', make_forward_backward,
                                                    True)] if backward else [])
    # fixed per-call cost, where compute is negligible (separates op overhead from load noise)
    tiny = x[:1, :, :4, :4].contiguous().to(device)
    res['call_overhead'] = dict(input_shape=list(tiny.shape))
    for key, maker, train in modes:
        try:
            fns = []
            for m in (ours, peer):
                m.train(train)
                fns.append(maker(m, tiny, device, amp))
            res['call_overhead'][key] = call_overhead(fns, device, 1000 if not train else 500)
        except Exception as e:  # noqa: BLE001
            res['call_overhead'][key] = dict(status='error', reason=f'{type(e).__name__}: {e}')
    for key, maker, train in modes:
        fns = []
        for m in (ours, peer, control):
            m.train(train)
            fns.append(maker(m, xd, device, amp))
        if train:
            try:
                fns[0]()
            except ValueError as e:
                if 'Expected more than 1 value per channel' not in str(e):
                    raise
                # as the module case: train-mode BN without batch statistics → eval-mode BN
                fns = []
                for m in (ours, peer, control):
                    m.eval()
                    fns.append(maker(m, xd, device, amp))
                res[f'{key}_mode'] = f'eval (train-mode BatchNorm: {e})'
        try:
            a, b, cc = _measure_pair(fns, device, timing)
        except Exception as e:  # noqa: BLE001
            res[key] = dict(status='error', reason=f'{type(e).__name__}: {e}')
            continue
        r = _ratio(a, b)
        ctrl = _ratio(a, cc)
        ctrl = dict(ctrl, copy=cc, what='ours / an identical copy of ours, timed in the same '
                                         'rounds (A/A control)')
        try:
            diff = op_count_diff(op_counts(fns[0]), op_counts(fns[1]))
        except Exception:  # noqa: BLE001
            diff = None
        overhead = res['call_overhead'].get(key)
        overhead = overhead if overhead and 'diff_us' in overhead else None
        res[key] = dict(ours=a, peer=b, **r, control=ctrl, op_count_diff=diff,
                        verdict=_verdict(r, _structure(diff, overhead, a['median_ms']), ctrl))
        if r['ratio'] > 1.0 or r.get('cpu_ratio', 0) > 1.0:
            try:
                res[key]['top_ops'] = dict(ours=profile_top_ops(fns[0], device),
                                           peer=profile_top_ops(fns[1], device))
            except Exception as e:  # noqa: BLE001
                res[key]['top_ops'] = dict(status='error', reason=str(e))
    return res


# ------------------------------------------------------------------------------------------------
# running cases, optionally in a worker process with a time limit per case
# ------------------------------------------------------------------------------------------------
def _worker_loop(conn, threads: int, malloc_keep: bool = False) -> None:
    torch.set_num_threads(threads)
    if malloc_keep:
        tune_malloc()
    import attn_plugins  # noqa: F401
    conn.send('ready')
    while True:
        kwargs = conn.recv()
        if kwargs is None:
            return
        try:
            conn.send(run_module_case(**kwargs))
        except Exception as e:  # noqa: BLE001
            conn.send(dict(module=kwargs.get('name'), status='error',
                           reason=f'{type(e).__name__}: {e}', traceback=traceback.format_exc()))


class CaseRunner:
    """Runs cases in-process (``timeout=0``) or in a spawned worker killed after ``timeout`` s."""

    def __init__(self, timeout: float = 0., threads: Optional[int] = None,
                 malloc_keep: bool = False):
        self.timeout = timeout
        self.threads = threads or torch.get_num_threads()
        self.malloc_keep = malloc_keep
        self.proc = self.conn = None

    def _start(self):
        import multiprocessing as mp
        ctx = mp.get_context('spawn')
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_loop, args=(child, self.threads, self.malloc_keep),
                                daemon=True)
        self.proc.start()
        if not self.conn.poll(300) or self.conn.recv() != 'ready':
            raise RuntimeError('benchmark worker did not start')

    def _stop(self):
        if self.proc is not None:
            self.proc.kill()
            self.proc.join()
        self.proc = self.conn = None

    def run(self, **kwargs) -> Dict:
        if not self.timeout:
            return run_module_case(**kwargs)
        if self.proc is None or not self.proc.is_alive():
            self._start()
        self.conn.send(kwargs)
        if self.conn.poll(self.timeout):
            try:
                return self.conn.recv()
            except EOFError:
                self._stop()
                reason = 'error: the worker died (killed, e.g. out of memory)'
        else:
            self._stop()
            reason = f'skipped: >{self.timeout:.0f} s'
        h, w = int(kwargs['size'][0]), int(kwargs['size'][-1])
        return dict(module=kwargs['name'], input_size=[h, w], stage=kwargs.get('stage', 1),
                    status='skipped' if reason.startswith('skipped') else 'error', reason=reason)

    def close(self):
        if self.proc is not None and self.proc.is_alive():
            try:
                self.conn.send(None)
                self.proc.join(10)
            finally:
                self._stop()


def add_relative_to_block(cases: List[Dict]) -> None:
    ref = {(tuple(c['input_size']), c.get('stage')): c for c in cases
           if c['module'] == REFERENCE_BLOCK and c['status'] == 'ok'}
    for c in cases:
        r = ref.get((tuple(c['input_size']), c.get('stage')))
        if r is None or c['module'] == REFERENCE_BLOCK:
            continue
        rel = {}
        for key in ('forward', 'forward_backward'):
            for p in ('', 'cpu_'):
                if f'{p}median_ms' in c.get(key, {}) and f'{p}median_ms' in r.get(key, {}):
                    rel[p + key] = c[key][f'{p}median_ms'] / r[key][f'{p}median_ms']
        c['relative_to_block'] = rel


def run_modules(names: Sequence[str], sizes: Sequence[Sequence[int]], reference: bool = True,
                case_timeout: float = 0., threads: Optional[int] = None, log: Callable = print,
                malloc_keep: bool = False, **kwargs) -> List[Dict]:
    """Every module (plus the reference block) at every size; returns the cases."""
    runner = CaseRunner(case_timeout, threads, malloc_keep)
    cases = []
    todo = ([REFERENCE_BLOCK] if reference else []) + list(names)
    try:
        for size in sizes:
            for name in todo:
                t = time.time()
                kw = dict(kwargs)
                if name == REFERENCE_BLOCK:
                    kw.update(peers=False, module_args=None)
                case = runner.run(name=name, size=list(size), **kw)
                case['wall_s'] = round(time.time() - t, 2)
                cases.append(case)
                log(f'benchmark: {name} @ {size[0]}x{size[-1]}: {_case_line(case)} '
                    f'({case["wall_s"]:.1f} s, load {load_average()})')
    finally:
        runner.close()
    add_relative_to_block(cases)
    return cases


def _case_line(case: Dict) -> str:
    if case['status'] != 'ok':
        return case.get('reason', case['status'])
    parts = [f'{k} {case[k]["median_ms"]:.3f} ms' for k in ('forward', 'forward_backward')
             if 'median_ms' in case.get(k, {})]
    peer = case.get('peer', {})
    for k in ('forward', 'forward_backward'):
        if 'ratio' in peer.get(k, {}):
            parts.append(f'{k} ours/peer {peer[k]["ratio"]:.3f}')
    return ', '.join(parts)


# ------------------------------------------------------------------------------------------------
# config mode
# ------------------------------------------------------------------------------------------------
def strip_plugins(cfg):
    """A copy of ``cfg`` whose backbone has no attention plugins (``plugins=None``)."""
    from mmengine.config import Config
    base = Config(copy.deepcopy(cfg._cfg_dict.to_dict()), filename=cfg.filename)
    model = base.model
    if model.get('type') == 'ABNClassifier':
        raise ValueError('ABNClassifier is not a backbone plugin; give the plain classifier with '
                         '--baseline-config')
    if 'backbone' not in model:
        raise ValueError('the config has no model.backbone to strip plugins from; give '
                         '--baseline-config')
    had = bool(model.backbone.get('plugins'))
    model.backbone.plugins = None
    return base, had


def _config_side(cfg, size, batch, backbone_only, device, complexity_on, log):
    from .complexity import build_model, count_complexity, head_num_classes, model_inputs
    torch.manual_seed(0)
    model, scope = build_model(cfg)
    side = dict(scope=scope, model_params=sum(p.numel() for p in model.parameters()))
    from .complexity import attention_module_names
    side['attention_modules'] = len(attention_module_names(model))
    if backbone_only:
        target, x = model.backbone, torch.rand(batch, 3, *size)
    else:
        target, x = model_inputs(model, scope, size, head_num_classes(cfg))
        if scope != 'mmdet' and batch > 1:
            x = x.expand(batch, *x.shape[1:]).contiguous()
        elif scope == 'mmdet' and batch > 1:
            side['note'] = 'detectors are measured at batch 1 (one data sample per image)'
    side['params'] = sum(p.numel() for p in target.parameters())  # of the measured part
    if complexity_on:
        try:
            cx = count_complexity(target, x[:1] if backbone_only else x)
            side['complexity'] = dict(params=cx['params'], flops=cx['flops'],
                                      flops_G=cx['flops_G'], attention=cx['attention'])
        except Exception as e:  # noqa: BLE001
            side['complexity'] = dict(status='error', reason=f'{type(e).__name__}: {e}')
    side['input_shape'] = list(x.shape)
    return side, target.to(device), x.to(device)


def run_config(config: str, baseline_config: Optional[str] = None, backbone_only: bool = False,
               size: Optional[Sequence[int]] = None, batch: int = 1, device: str = 'cpu',
               warmup: int = 2, repeats: int = 10, min_repeats: int = 3, time_budget: float = 20.,
               backward: bool = True, memory: bool = True, amp: bool = False,
               channels_last: bool = False, cfg_options: Optional[Dict] = None,
               complexity_on: bool = True, log: Callable = print) -> Dict:
    """A whole config against its plugin-free baseline; both timed interleaved."""
    from mmengine.config import Config

    import attn_plugins  # noqa: F401
    from .complexity import DEFAULT_SHAPE
    cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    if baseline_config:
        base = Config.fromfile(baseline_config)
        if cfg_options:
            base.merge_from_dict(cfg_options)
        baseline_desc, had = baseline_config, True
    else:
        base, had = strip_plugins(cfg)
        baseline_desc = f'{config} with model.backbone.plugins=None'
    scope = cfg.get('default_scope')
    size = list(size) if size else list(DEFAULT_SHAPE.get(scope, (224, 224)))
    if len(size) == 1:
        size = size * 2
    case = dict(config=config, baseline=baseline_desc, scope=scope, input_size=size,
                part='backbone' if backbone_only else 'model', batch=batch, status='ok')
    if not had:
        case['warning'] = 'the config has no backbone plugins: baseline == config'
    ours, m_ours, x_ours = _config_side(cfg, size, batch, backbone_only, device, complexity_on,
                                        log)
    basel, m_base, x_base = _config_side(base, size, batch, backbone_only, device,
                                         complexity_on, log)
    if channels_last:
        m_ours = m_ours.to(memory_format=torch.channels_last)
        m_base = m_base.to(memory_format=torch.channels_last)
        x_ours = x_ours.contiguous(memory_format=torch.channels_last)
        x_base = x_base.contiguous(memory_format=torch.channels_last)
    timing = dict(warmup=warmup, repeats=repeats, min_repeats=min_repeats,
                  time_budget=time_budget)
    modes = [('forward', False)] + ([('forward_backward', True)] if backward else [])
    for key, train in modes:
        fns = []
        for m, x in ((m_ours, x_ours), (m_base, x_base)):
            m.train(train)
            fns.append(make_forward_backward(m, x, device, amp, scalar_loss=True) if train
                       else make_forward(m, x, device, amp))
        if train:
            case['backward_mode'] = 'train'
            try:
                for f in fns:
                    f()
            except ValueError as e:
                if 'Expected more than 1 value per channel' not in str(e):
                    raise
                # a 1×1 map at batch 1 (tiny inputs): BN has no batch statistics; eval-mode BN
                for m in (m_ours, m_base):
                    m.eval()
                case['backward_mode'] = f'eval (train-mode BatchNorm: {e})'
        try:
            a, b = _measure_pair(fns, device, timing)
            ours[key], basel[key] = a, b
            if memory:
                ours.setdefault('memory', {})[f'{key}_peak_bytes'] = peak_memory(fns[0], device)
                basel.setdefault('memory', {})[f'{key}_peak_bytes'] = peak_memory(fns[1], device)
        except Exception as e:  # noqa: BLE001
            ours[key] = basel[key] = dict(status='error', reason=f'{type(e).__name__}: {e}')
            case['status'] = 'error'
    case['ours'], case['baseline_result'] = ours, basel
    case['overhead'] = config_overhead(ours, basel)
    return case


def config_overhead(ours: Dict, base: Dict) -> Dict:
    out = {}
    for key in ('forward', 'forward_backward'):
        a, b = ours.get(key, {}), base.get(key, {})
        if 'median_ms' in a and 'median_ms' in b:
            r = _ratio(a, b)
            out[f'{key}_time_ratio'] = r['ratio']
            out[f'{key}_time_pct'] = 100. * (r['ratio'] - 1.)
            out[f'{key}_paired_ratio_iqr'] = [r['paired_ratio_q1'], r['paired_ratio_q3']]
            if 'cpu_ratio' in r:
                out[f'{key}_cpu_time_ratio'] = r['cpu_ratio']
                out[f'{key}_cpu_time_pct'] = 100. * (r['cpu_ratio'] - 1.)
        ma, mb = ours.get('memory', {}), base.get('memory', {})
        k = f'{key}_peak_bytes'
        if k in ma and k in mb:
            out[f'{key}_memory_delta_bytes'] = ma[k] - mb[k]
            out[f'{key}_memory_pct'] = 100. * (ma[k] / mb[k] - 1.) if mb[k] else None
    out['params_delta'] = ours['params'] - base['params']
    out['params_pct'] = 100. * out['params_delta'] / base['params']
    ca, cb = ours.get('complexity', {}), base.get('complexity', {})
    if 'flops' in ca and 'flops' in cb:
        out['flops_delta'] = ca['flops'] - cb['flops']
        out['flops_pct'] = 100. * out['flops_delta'] / cb['flops'] if cb['flops'] else None
        out['attention_elementwise_ops'] = ca['attention']['elementwise_ops']
    return out


# ------------------------------------------------------------------------------------------------
# report: JSON, Markdown table, plot (the table and plot are made from the JSON only)
# ------------------------------------------------------------------------------------------------
def _mib(nbytes) -> str:
    return '—' if nbytes is None else f'{nbytes / 2 ** 20:.1f}'


def _ms(stats: Optional[Dict]) -> str:
    if not stats:
        return '—'
    if 'median_ms' not in stats:
        return stats.get('status', '—')
    med, iqr = stats['median_ms'], stats['iqr_ms']
    fmt = (lambda v: f'{v:.3f}') if med < 10 else (lambda v: f'{v:.1f}') if med < 1000 else \
        (lambda v: f'{v:.0f}')
    return f'{fmt(med)} ± {fmt(iqr / 2)}'


def _size_label(size: Sequence[int]) -> str:
    return f'{size[0]}' if size[0] == size[1] else f'{size[0]}×{size[1]}'


def render_table(report: Dict) -> str:
    env, st = report['environment'], report['settings']
    load = f'{env.get("load_average_start")} → {env.get("load_average_end")}'
    lines = [f'Device: {env.get("device_name")} ({env["device"]}), torch {env["torch"]}, '
             f'{env["torch_threads"]} thread(s); load average (1, 5, 15 min) at start → end: '
             f'{load}.', '',
             f'Timing: {st["timing_method"]}; median ± IQR/2 in ms over the repeats. '
             f'Memory: {st["memory_method"]}', '']
    if report['kind'] == 'config':
        return '\n'.join(lines + _config_table(report))
    lines += [f'Feature maps: {st["scheme"]}', '']
    for r in report.get('reruns', []):
        lines += [f'Re-run on {r["created"]} (load {r["load_average"][0]} → '
                  f'{r["load_average"][1]}) and merged: {", ".join(r["cases"])}.', '']
    amp = ' (autocast {})'.format('fp16' if env['device'] == 'cuda' else 'bf16') \
        if st.get('amp') else ''
    lines += [f'| module | input | feature B×C×h×w | params | forward ms{amp} | fwd+bwd ms | '
              'fwd peak MiB | fwd+bwd peak MiB | × block fwd | × block fwd+bwd | '
              'ours/peer fwd | ours/peer fwd+bwd |',
              '|' + '---|' * 12]
    for c in report['cases']:
        size = _size_label(c['input_size'])
        feat = '×'.join(str(v) for v in c.get('feature_shape', [])) or '—'
        if c['status'] == 'skipped' or ('forward' not in c and c['status'] != 'ok'):
            lines.append(f'| {c["module"]} | {size} | {feat} | — | {c.get("reason", "")} |'
                         + ' — |' * 7)
            continue
        mem = c.get('memory', {})
        rel = c.get('relative_to_block', {})
        peer = c.get('peer', {})
        ratios = [f'{peer[k]["ratio"]:.3f}' if 'ratio' in peer.get(k, {}) else '—'
                  for k in ('forward', 'forward_backward')]
        rels = [f'{rel[k]:.3f}' if k in rel else '—' for k in ('forward', 'forward_backward')]
        name = c['module'] + (' (reference)' if c['module'] == REFERENCE_BLOCK else '')
        fb = _ms(c.get('forward_backward'))
        if str(c.get('backward_mode', 'train')).startswith('eval'):
            fb += ' (eval-mode BN)'
        lines.append(f'| {name} | {size} | {feat} | {c.get("params", 0):,} | '
                     f'{_ms(c.get("forward"))} | {fb} | '
                     f'{_mib(mem.get("forward_peak_bytes"))} | '
                     f'{_mib(mem.get("forward_backward_peak_bytes"))} | {rels[0]} | {rels[1]} | '
                     f'{ratios[0]} | {ratios[1]} |')
    peers = [c for c in report['cases'] if c.get('peer')]
    if peers:
        lines += ['', '### Peers: timm modules or the official op sequence restated (same math, '
                      'weights copied, timed interleaved, with an A/A '
                      'control)', '',
                  'ratio = ours/peer median (wall time; CPU time after the slash); paired IQR = '
                  'quartiles of the per-pair ratios; [A/A] = ours / an identical copy of ours '
                  'timed in the same rounds (what identical modules differ by here). Verdict: '
                  '"≤1"; "A/A" (ratio − 1 within the A/A difference); "noise" (the paired IQR '
                  'contains 1); "unreliable" (the A/A control is more than 10 % from 1: '
                  'the machine was disturbed, re-run); or ">1". Per-call overhead: ours − peer, median '
                  'of 1000 (forward) / 500 (forward+backward) alternated calls on a 1×C×4×4 map, '
                  'where compute is negligible (negative = ours cheaper).', '',
                  '| module | input | outputs match (max abs diff eval / train) | '
                  'fwd ours/peer (paired IQR) | fwd+bwd ours/peer (paired IQR) | '
                  'per-call overhead µs fwd / fwd+bwd | verdict fwd / fwd+bwd |',
                  '|' + '---|' * 7]
        for c in peers:
            p = c['peer']
            if p.get('status') != 'ok':
                lines.append(f'| {c["module"]} | {_size_label(c["input_size"])} | '
                             f'{p.get("reason", "")} | — | — | — | — |')
                continue
            cells, verdicts = [], []
            for k in ('forward', 'forward_backward'):
                r = p.get(k, {})
                if 'ratio' not in r:
                    cells.append('—')
                    verdicts.append('—')
                    continue
                cpu = f' / {r["cpu_ratio"]:.3f}' if 'cpu_ratio' in r else ''
                cells.append(f'{r["ratio"]:.3f}{cpu} ({r["paired_ratio_q1"]:.3f}–'
                             f'{r["paired_ratio_q3"]:.3f})')
                v = r.get('verdict', '')
                verdicts.append('≤1' if v.startswith('ours <=') else
                                'unreliable' if v.startswith('unreliable') else
                                'A/A' if 'A/A spread' in v else
                                'noise' if 'within measurement noise' in v else '>1')
                if 'control' in r:
                    cells[-1] += f' [A/A {r["control"]["ratio"]:.3f}]'

            match = (f'{"yes" if p["outputs_match"] else "NO"} ({p["max_abs_diff_eval"]:.1e} / '
                     f'{p["max_abs_diff_train"]:.1e})')
            ov = p.get('call_overhead', {})
            ov = ' / '.join(f'{ov[k]["diff_us"]:+.1f}' if 'diff_us' in ov.get(k, {}) else '—'
                            for k in ('forward', 'forward_backward'))
            lines.append(f'| {c["module"]} | {_size_label(c["input_size"])} | {match} | '
                         f'{cells[0]} | {cells[1]} | {ov} | {" / ".join(verdicts)} |')
        notes = report.get('peer_notes') or {}
        lines += ['', 'Peer configuration, structural differences and explanation:', '']
        for n in dict.fromkeys(c['module'] for c in peers):
            c = next(c for c in peers if c['module'] == n and c['peer'].get('status') == 'ok')
            p = c['peer']
            diffs = []
            for k in ('forward', 'forward_backward'):
                d = p.get(k, {}).get('op_count_diff')
                if d is not None:
                    diffs.append(f'{k.replace("_", "+")}: ' + (', '.join(
                        f'{op.replace("aten::", "")} {a} vs {b}' for op, (a, b) in d.items())
                        or 'identical op counts'))
            lines.append(f'- **{n}** — peer `{p["peer"]}`. {notes.get(n, "")} Op counts (ours vs '
                         f'peer, {_size_label(c["input_size"])}): {"; ".join(diffs)}.')
    return '\n'.join(lines)


def _config_table(report: Dict) -> List[str]:
    lines = ['| config | part | input | params (Δ) | FLOPs G (Δ) | forward ms ours / base | '
             'forward overhead | fwd+bwd ms ours / base | fwd+bwd overhead | '
             'fwd+bwd peak MiB ours / base |', '|' + '---|' * 10]
    for c in report['cases']:
        o, b, ov = c.get('ours', {}), c.get('baseline_result', {}), c.get('overhead', {})
        flops = '—'
        if 'flops' in o.get('complexity', {}) and 'flops_delta' in ov:
            flops = f'{o["complexity"]["flops"] / 1e9:.3f} ({ov["flops_delta"] / 1e9:+.3f})'
        params = f'{o.get("params", 0):,} ({ov.get("params_delta", 0):+,})'
        cells = []
        for k in ('forward', 'forward_backward'):
            cells.append(f'{_ms(o.get(k))} / {_ms(b.get(k))}')
            pct = ov.get(f'{k}_time_pct')
            cells.append('—' if pct is None else f'{pct:+.1f}%')
        mem = (f'{_mib(o.get("memory", {}).get("forward_backward_peak_bytes"))} / '
               f'{_mib(b.get("memory", {}).get("forward_backward_peak_bytes"))}')
        lines.append(f'| {c["config"]} | {c["part"]} | {_size_label(c["input_size"])} | {params} '
                     f'| {flops} | {cells[0]} | {cells[1]} | {cells[2]} | {cells[3]} | {mem} |')
    lines += ['', 'Baseline: ' + '; '.join(sorted({c['baseline'] for c in report['cases']}))]
    return lines


def render_plot(report: Dict, out: str) -> str:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    if report['kind'] == 'config':
        return _config_plot(report, out, plt)
    cases = [c for c in report['cases'] if c['status'] == 'ok' or 'forward' in c]
    sizes = sorted({tuple(c['input_size']) for c in report['cases']}, key=lambda s: s[0] * s[1])
    names = list(dict.fromkeys(c['module'] for c in report['cases']))
    xs = {s: s[0] * s[1] / 1e6 for s in sizes}
    fig, axes = plt.subplots(2, 3, figsize=(18, 10))
    cmap = plt.get_cmap('tab20')
    panels = [('forward', 'median_ms', 'forward time (ms)'),
              ('forward_backward', 'median_ms', 'forward+backward time (ms)'),
              ('memory', 'forward_backward_peak_bytes', 'forward+backward peak memory (MiB)')]
    for ax, (key, field, title) in zip(axes[0], panels):
        for i, n in enumerate(names):
            pts = []
            for c in cases:
                if c['module'] != n:
                    continue
                v = c.get(key, {}).get(field)
                if v is not None:
                    pts.append((xs[tuple(c['input_size'])], v / 2 ** 20 if key == 'memory' else v))
            if pts:
                pts.sort()
                style = dict(color='k', linestyle='--', linewidth=2) if n == REFERENCE_BLOCK \
                    else dict(color=cmap(i % 20))
                ax.plot(*zip(*pts), marker='o', label=n, **style)
        ax.set_xscale('log')
        ax.set_yscale('log')
        ax.set_xticks([xs[s] for s in sizes])
        ax.set_xticklabels([_size_label(s) for s in sizes])
        ax.set_xlabel('input size (module on the ResNet-50 stage map)')
        ax.set_title(title)
        ax.grid(True, which='both', alpha=.3)
    axes[0][0].legend(fontsize=7, ncol=2)
    mods = [n for n in names if n != REFERENCE_BLOCK]
    width = .8 / max(1, len(sizes))
    for ax, key in zip(axes[1][:2], ('forward', 'forward_backward')):
        for j, s in enumerate(sizes):
            vals = []
            for n in mods:
                c = next((c for c in cases if c['module'] == n and tuple(c['input_size']) == s),
                         None)
                vals.append(100. * (c.get('relative_to_block', {}).get(key, np.nan))
                            if c else np.nan)
            ax.bar(np.arange(len(mods)) + (j - (len(sizes) - 1) / 2) * width, vals, width,
                   label=_size_label(s))
        ax.set_xticks(np.arange(len(mods)))
        ax.set_xticklabels(mods, rotation=45, ha='right', fontsize=8)
        ax.set_yscale('log')
        ax.set_ylabel('% of a ResNet-50 Bottleneck on the same map')
        ax.set_title(f'{key.replace("_", "+")} overhead vs the block it sits in')
        ax.grid(True, axis='y', which='both', alpha=.3)
        ax.legend(fontsize=8)
    ax = axes[1][2]
    peer_cases = [c for c in cases if c.get('peer', {}).get('status') == 'ok']
    peer_cases.sort(key=lambda c: (c['module'], c['input_size'][0] * c['input_size'][1]))
    labels = [f'{c["module"]} {_size_label(c["input_size"])}' for c in peer_cases]
    if labels:
        idx = np.arange(len(labels))
        lo, hi = 0.9, 1.1
        for off, key, label in ((-.2, 'forward', 'forward'),
                                (.2, 'forward_backward', 'forward+backward')):
            rs = [c['peer'].get(key, {}) for c in peer_cases]
            val = np.array([r.get('ratio', np.nan) for r in rs])
            q1 = np.array([r.get('paired_ratio_q1', np.nan) for r in rs])
            q3 = np.array([r.get('paired_ratio_q3', np.nan) for r in rs])
            ax.bar(idx + off, val - 1., .4, bottom=1., label=label)
            ax.errorbar(idx + off, val, yerr=[np.clip(val - q1, 0, None), np.clip(q3 - val, 0, None)],
                        fmt='none', ecolor='k', elinewidth=.8, capsize=2)
            lo, hi = np.nanmin([lo, *q1]), np.nanmax([hi, *q3])
        ax.axhline(1.0, color='k', linewidth=1)
        ax.set_ylim(lo - .02, hi + .02)
        ax.set_xticks(idx)
        ax.set_xticklabels(labels, rotation=60, ha='right', fontsize=7)
        ax.legend(fontsize=8)
        ax.grid(True, axis='y', alpha=.3)
    ax.set_title('ours / peer median wall time (interleaved; bars: IQR of paired ratios)',
                 fontsize=10)
    env = report['environment']
    fig.suptitle(f'attn_plugins modules on {env.get("device_name")} ({env["device"]}, '
                 f'{env["torch_threads"]} thread(s), load {env.get("load_average_start")} → '
                 f'{env.get("load_average_end")})', fontsize=11)
    fig.tight_layout()
    fig.savefig(out, dpi=90)
    plt.close(fig)
    return out


def _config_plot(report: Dict, out: str, plt) -> str:
    cases = report['cases']
    keys = [('forward_time_pct', 'forward time'), ('forward_backward_time_pct', 'fwd+bwd time'),
            ('forward_backward_memory_pct', 'fwd+bwd memory'), ('params_pct', 'params'),
            ('flops_pct', 'FLOPs')]
    fig, ax = plt.subplots(figsize=(max(6, 2 + 2 * len(cases)), 5))
    idx = np.arange(len(cases))
    width = .8 / len(keys)
    for j, (k, label) in enumerate(keys):
        vals = [c.get('overhead', {}).get(k) for c in cases]
        vals = [np.nan if v is None else v for v in vals]
        ax.bar(idx + (j - (len(keys) - 1) / 2) * width, vals, width, label=label)
    ax.axhline(0, color='k', linewidth=1)
    ax.set_xticks(idx)
    ax.set_xticklabels([f'{osp.basename(c["config"])}\n{c["part"]} {_size_label(c["input_size"])}'
                        for c in cases], fontsize=8)
    ax.set_ylabel('overhead vs baseline (%)')
    ax.set_title('attention overhead relative to the plugin-free baseline')
    ax.legend(fontsize=8)
    ax.grid(True, axis='y', alpha=.3)
    fig.tight_layout()
    fig.savefig(out, dpi=90)
    plt.close(fig)
    return out


def make_report(kind: str, cases: List[Dict], env: Dict, settings: Dict,
                argv: Optional[Sequence[str]] = None) -> Dict:
    env = dict(env, load_average_end=load_average())
    report = dict(schema=SCHEMA, kind=kind,
                  created=datetime.datetime.now().astimezone().isoformat(timespec='seconds'),
                  command=list(argv) if argv is not None else sys.argv, environment=env,
                  settings=settings, cases=cases)
    if kind == 'modules':
        report['peer_notes'] = {n: PEER_NOTES[n] for n in PEER_NOTES
                                if any(c['module'] == n for c in cases)}
    return report


def merge_reports(base: Dict, update: Dict) -> Dict:
    """``base`` with the module cases of ``update`` replacing those of the same module and input
    size (a re-run of noisy cases); the re-run's command, load and time are kept in
    ``base['reruns']``, so every number says which run it comes from. A re-run case keeps its
    ``relative_to_block`` from its own run's reference block (measured in the same session); the
    base's reference block stays the reference row of the sizes the base has."""
    if base.get('kind') != 'modules' or update.get('kind') != 'modules':
        raise ValueError('--merge-into merges module-mode reports only')
    key = lambda c: (c['module'], tuple(c['input_size']))  # noqa: E731
    have = {key(c) for c in base['cases']}
    new = {key(c): dict(c, rerun=update['created']) for c in update['cases']
           if c['module'] != REFERENCE_BLOCK or key(c) not in have}
    merged = dict(base)
    merged['cases'] = [new.pop(key(c), c) for c in base['cases']] + list(new.values())
    merged['reruns'] = list(base.get('reruns', [])) + list(update.get('reruns', [])) + [dict(
        created=update['created'], command=update['command'],
        load_average=[update['environment'].get('load_average_start'),
                      update['environment'].get('load_average_end')],
        cases=[f'{m} @ {s[0]}x{s[1]}' for m, s in map(key, update['cases'])
               if m != REFERENCE_BLOCK or (m, s) not in have])]
    merged['peer_notes'] = dict(base.get('peer_notes', {}), **update.get('peer_notes', {}))
    return merged


def _json_default(o):
    if isinstance(o, (np.floating, np.integer)):
        return o.item()
    if isinstance(o, (set, tuple)):
        return list(o)
    return str(o)


def write_json(report: Dict, path: str) -> str:
    d = osp.dirname(osp.abspath(path))
    os.makedirs(d, exist_ok=True)
    with open(path, 'w') as f:
        json.dump(report, f, indent=1, default=_json_default)
    return path


# ------------------------------------------------------------------------------------------------
# CLI
# ------------------------------------------------------------------------------------------------
def parse_size(text: str) -> Tuple[int, int]:
    parts = text.lower().replace('×', 'x').split('x')
    if len(parts) == 1:
        return int(parts[0]), int(parts[0])
    if len(parts) == 2:
        return int(parts[0]), int(parts[1])
    raise argparse.ArgumentTypeError(f'size {text!r}: use S or HxW (e.g. 224, 800x1333)')


def build_parser() -> argparse.ArgumentParser:
    from mmengine.config import DictAction
    p = argparse.ArgumentParser(
        prog='benchmark.py', formatter_class=argparse.RawDescriptionHelpFormatter,
        description='Speed and memory of attention modules (module mode) and of whole configs '
                    'against their plugin-free baseline (config mode), CPU or CUDA.',
        epilog='Measurement conventions' + __doc__.split('Measurement conventions', 1)[1])
    what = p.add_argument_group('what to measure (one of)')
    what.add_argument('--module', nargs='+', metavar='NAME',
                      help='attention module type(s) (python -m attn_plugins list)')
    what.add_argument('--all', action='store_true',
                      help='every module of the catalogue, at 224, 512 and 800x1333 by default')
    what.add_argument('--config', nargs='+', metavar='CONFIG',
                      help='classification / detection / segmentation config(s), each against '
                           'its plugin-free baseline (one report, one row per config)')
    m = p.add_argument_group('module mode')
    m.add_argument('--channels', type=int, help='C (default: the ResNet-50 width of --stage)')
    m.add_argument('--stage', type=int, default=1, choices=(1, 2, 3, 4),
                   help='ResNet-50 stage whose output map the module gets (default 1: C=256 at '
                        'the input size / 4)')
    m.add_argument('--size', type=int, nargs='+', metavar=('H', 'W'),
                   help='one input size H [W] (the module sees the stage map of it)')
    m.add_argument('--sizes', type=parse_size, nargs='+', metavar='HxW',
                   help='input sizes, e.g. 224 512 800x1333 (default for --all and --module)')
    m.add_argument('--module-args', nargs='+', action=DictAction, default={},
                   help='extra module arguments, e.g. groups=8')
    m.add_argument('--no-reference', action='store_true',
                   help='do not measure the reference ResNet-50 Bottleneck')
    m.add_argument('--no-peers', action='store_true',
                   help='skip the peer comparison (timm / official op sequence)')
    m.add_argument('--peer-repeats', type=int, help='repeats of the interleaved peer timing')
    m.add_argument('--case-timeout', type=float, default=None,
                   help='seconds per module×size case, run in a worker process that is killed '
                        "after it ('skipped: >N s'); 0 = in-process, no limit (default: 120 with "
                        '--all, else 0)')
    m.add_argument('--mem-limit-gb', type=float, default=None,
                   help='skip cases whose estimated super-linear memory (NonLocal2d: (HW)^2) '
                        'exceeds this (default: half of MemAvailable)')
    c = p.add_argument_group('config mode')
    c.add_argument('--baseline-config', help='the baseline (default: --config with '
                                             'model.backbone.plugins=None)')
    c.add_argument('--backbone-only', action='store_true', help='measure model.backbone only')
    c.add_argument('--cfg-options', nargs='+', action=DictAction, help='override config keys')
    c.add_argument('--no-complexity', action='store_true', help='skip params/FLOPs')
    r = p.add_argument_group('run settings')
    r.add_argument('--batch', type=int, default=1)
    r.add_argument('--device', default='auto', choices=('auto', 'cpu', 'cuda'))
    r.add_argument('--threads', type=int, help='torch intra-op threads (CPU)')
    r.add_argument('--warmup', type=int, default=2)
    r.add_argument('--repeats', type=int, default=10)
    r.add_argument('--min-repeats', type=int, default=3)
    r.add_argument('--time-budget', type=float, default=10.,
                   help='seconds per timing loop; repeats are reduced to fit (>= --min-repeats)')
    r.add_argument('--no-backward', action='store_true', help='forward only')
    r.add_argument('--no-memory', action='store_true', help='skip the peak-memory pass')
    r.add_argument('--channels-last', action='store_true')
    r.add_argument('--amp', action='store_true', help='autocast: bf16 on CPU, fp16 on CUDA')
    r.add_argument('--compile', action='store_true', help='torch.compile the modules')
    r.add_argument('--no-malloc-tuning', action='store_true',
                   help='CPU: keep glibc malloc defaults (by default freed memory is kept, '
                        'mallopt M_MMAP_MAX=0 / M_TRIM_THRESHOLD, so that large tensors do not '
                        'page-fault on every call; see settings.allocator in the JSON)')
    r.add_argument('--wait-load', type=float, default=0.,
                   help='before measuring, wait while the 1-min load average is above this')
    r.add_argument('--wait-max', type=float, default=900., help='longest wait (s)')
    o = p.add_argument_group('output')
    o.add_argument('--out', help='write the JSON report here')
    o.add_argument('--merge-into', metavar='JSON',
                   help='module mode: replace the cases of this earlier report with the ones just '
                        'measured (same module and size; re-run noisy cases) and write the '
                        'result to --out; the re-runs are listed under "reruns"')
    o.add_argument('--table', nargs='?', const='', metavar='JSON',
                   help='Markdown table from JSON (no value: from the report just written)')
    o.add_argument('--table-out', help='write the table here (default: print; with --out: '
                                       '<out>.md)')
    o.add_argument('--plot', nargs='?', const='', metavar='JSON',
                   help='PNG plot from JSON (no value: from the report just written)')
    o.add_argument('--plot-out', help='PNG path (default: the JSON path with .png)')
    return p


def _stem(path: str) -> str:
    return osp.splitext(path)[0]


def render_outputs(args, report: Optional[Dict], json_path: Optional[str]) -> int:
    for flag in ('table', 'plot'):
        src = getattr(args, flag)
        if src is None:
            continue
        path = src or json_path
        if src:
            with open(src) as f:
                rep = json.load(f)
        elif report is not None:
            rep = report
        else:
            print(f'benchmark: --{flag} needs a JSON file (or a measurement with --out)',
                  file=sys.stderr)
            return 2
        if flag == 'table':
            text = render_table(rep)
            out = args.table_out or (_stem(path) + '.md' if path and not src else None)
            if out:
                with open(out, 'w') as f:
                    f.write(text + '\n')
                print(f'benchmark: table -> {out}')
            else:
                print(text)
        else:
            out = args.plot_out or (_stem(path) + '.png' if path else 'benchmark.png')
            render_plot(rep, out)
            print(f'benchmark: plot -> {out}')
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    measuring = bool(args.module or args.all or args.config)
    if not measuring:
        if args.table is None and args.plot is None:
            parser.print_usage(sys.stderr)
            print('benchmark: give --module, --all or --config (or --table/--plot JSON)',
                  file=sys.stderr)
            return 2
        return render_outputs(args, None, None)
    if sum(bool(v) for v in (args.module, args.all, args.config)) > 1:
        print('benchmark: --module, --all and --config are exclusive', file=sys.stderr)
        return 2
    device = ('cuda' if torch.cuda.is_available() else 'cpu') if args.device == 'auto' \
        else args.device
    if device == 'cuda' and not torch.cuda.is_available():
        print('benchmark: --device cuda but CUDA is not available', file=sys.stderr)
        return 2
    if args.threads:
        torch.set_num_threads(args.threads)
    import attn_plugins  # noqa: F401
    malloc_keep = device == 'cpu' and not args.no_malloc_tuning
    allocator = (tune_malloc() or 'glibc defaults (mallopt unavailable)') if malloc_keep else \
        ('CUDA caching allocator' if device == 'cuda' else 'glibc defaults (--no-malloc-tuning)')
    load_wait = wait_for_load(args.wait_load, args.wait_max) if args.wait_load else None
    env = environment(device)
    common = dict(device=device, warmup=args.warmup, repeats=args.repeats,
                  min_repeats=args.min_repeats, time_budget=args.time_budget,
                  backward=not args.no_backward, memory=not args.no_memory, amp=args.amp,
                  channels_last=args.channels_last)
    settings = dict(common, batch=args.batch, compile=args.compile, threads=torch.get_num_threads(),
                    timing_method=TIMING_METHOD[device], memory_method=MEMORY_METHOD[device],
                    spread='IQR (q1, q3) and min/max of the repeats', load_wait=load_wait,
                    allocator=allocator)
    if args.config:
        if args.baseline_config and len(args.config) > 1:
            print('benchmark: --baseline-config goes with one --config (several configs are '
                  'each compared with their own plugin-free version)', file=sys.stderr)
            return 2
        size = args.size or (list(args.sizes[0]) if args.sizes else None)
        cases = []
        for config in args.config:
            print(f'benchmark: {config}', file=sys.stderr, flush=True)
            cases.append(run_config(config, args.baseline_config, args.backbone_only, size,
                                    args.batch, cfg_options=args.cfg_options,
                                    complexity_on=not args.no_complexity, **common))
        settings.update(time_budget=args.time_budget,
                        backward_loss='sum of the means of every output tensor (mode="tensor")',
                        baseline='--baseline-config, else the config with '
                                 'model.backbone.plugins=None')
        report = make_report('config', cases, env, settings, argv)
    else:
        names = module_names_all() if args.all else args.module
        from ..catalog import check_known
        try:
            for n in names:
                check_known(n)
        except KeyError as e:
            print(f'benchmark: {e.args[0]}', file=sys.stderr)
            return 2
        if args.size:
            sizes = [(args.size[0], args.size[-1])]
        else:
            sizes = args.sizes or list(DEFAULT_SIZES)
        timeout = args.case_timeout if args.case_timeout is not None else \
            (120. if args.all else 0.)
        avail = available_memory_bytes()
        mem_limit = int(args.mem_limit_gb * 2 ** 30) if args.mem_limit_gb else \
            (avail // 2 if avail else None)
        channels = args.channels or RESNET50_STAGE_CHANNELS[args.stage]
        settings.update(scheme=SCHEME.format(stage=args.stage, channels=channels,
                                             batch=args.batch),
                        stage=args.stage, channels=channels, sizes=[list(s) for s in sizes],
                        case_timeout_s=timeout, mem_limit_bytes=mem_limit,
                        backward_grad='all-ones gradient of the output; input requires grad; '
                                      'train mode',
                        peers='timm modules configured to the same math, or the official op '
                              'sequence restated (analysis/official.py), weights copied, '
                              'outputs checked, timed interleaved; ratio = ours/peer median')
        cases = run_modules(names, sizes, reference=not args.no_reference, case_timeout=timeout,
                            threads=torch.get_num_threads(), channels=args.channels,
                            stage=args.stage, batch=args.batch, peers=not args.no_peers,
                            peer_repeats=args.peer_repeats, compile_=args.compile,
                            module_args=dict(args.module_args or {}) or None,
                            mem_limit_bytes=mem_limit, malloc_keep=malloc_keep, **common)
        report = make_report('modules', cases, env, settings, argv)
    if args.merge_into:
        with open(args.merge_into) as f:
            report = merge_reports(json.load(f), report)
        print(f'benchmark: {len(report["cases"])} cases after merging into {args.merge_into}')
    if args.out:
        write_json(report, args.out)
        print(f'benchmark: JSON -> {args.out}')
    elif args.table is None and args.plot is None:
        print(json.dumps(report, indent=1, default=_json_default))
    rc = render_outputs(args, report, args.out)
    for c in report['cases']:
        reasons = [c.get('reason')] + [v.get('reason') for v in
                                       (c.get('forward'), c.get('forward_backward'),
                                        c.get('ours', {}).get('forward'),
                                        c.get('ours', {}).get('forward_backward'))
                                       if isinstance(v, dict)]
        reasons = [r for r in reasons if r]
        if c['status'] == 'error':
            print(f'benchmark: error in {c.get("module") or c.get("config")}: '
                  f'{"; ".join(reasons)}', file=sys.stderr)
    return rc
