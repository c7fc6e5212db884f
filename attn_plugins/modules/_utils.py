"""Math and argument checks shared by the attention modules (one place for each).

- :func:`resolve_groups`: the divisibility check every grouped module runs in ``__init__``, with an
  explicit, opt-in fallback for widths a paper's grouping does not divide; :func:`positive_int`,
  the check of an integer argument (``in_channels``, a kernel size) with the value and a fix.
- :func:`channel_shuffle`: ShuffleNet's channel permutation (SA, GAM-gc).
- :func:`pool_hw`: global pooling over H×W with the reduction kept in fp32 (autocast-safe);
  :func:`mean_fp32`, the same for any dims; :func:`as_dtype`, a cast that skips no-op calls;
  :func:`max_over`, max pooling with the references' (arg-max) gradient.
- :func:`fp32`: a context that turns autocast off for statistics that overflow in half precision.
"""
from contextlib import nullcontext
from typing import Optional

import torch

GROUP_FALLBACKS = (None, 'largest_divisor')


def _divisors_up_to(channels: int, multiple: int, limit: int):
    return [g for g in range(1, limit + 1) if channels % (multiple * g) == 0]


def resolve_groups(module: str, channels: int, groups: int, multiple: int = 1,
                   fallback: Optional[str] = None, what: str = 'channels',
                   arg: str = 'groups') -> int:
    """Return the number of groups to use for ``channels``.

    The module needs ``channels % (multiple * groups) == 0`` (SA: ``multiple=2``). When that does not
    hold, ``fallback=None`` raises a ``ValueError`` that names the numbers and suggests a value that
    divides; ``fallback='largest_divisor'`` instead uses the largest ``g <= groups`` that divides
    (e.g. SA with groups=64 at 64 channels uses g=32) — the documented rule for backbones whose widths
    the paper's grouping does not fit (ResNet-18 stage 1, MobileNetV2). ``arg``: the module's name
    for the group count in messages (EMA: ``factor``).
    """
    if fallback not in GROUP_FALLBACKS:
        raise ValueError(f'{module}: group_fallback={fallback!r} is not one of {GROUP_FALLBACKS}')
    if not isinstance(groups, int) or groups < 1:
        raise ValueError(f'{module}: {arg} must be a positive integer, got {groups!r}')
    if not isinstance(channels, int) or channels < 1:
        raise ValueError(f'{module}: in_channels must be a positive integer, got {channels!r}')
    if channels % (multiple * groups) == 0:
        return groups
    valid = _divisors_up_to(channels, multiple, groups)
    if fallback == 'largest_divisor' and valid:
        return valid[-1]
    need = f'{multiple}×{arg}={multiple * groups}' if multiple > 1 else f'{arg}={groups}'
    hint = (f'use {arg}={valid[-1]} (the largest value <= {groups} that divides), or '
            f"group_fallback='largest_divisor' to pick it automatically" if valid else
            f'{channels} is not divisible by {multiple}; use a width that is')
    raise ValueError(f'{module}: {what} {channels} not divisible by {need}; {hint}')


def positive_int(module: str, name: str, value, hint: str = '') -> int:
    """``value`` if it is an integer >= 1, else a ``ValueError`` naming the module, the argument,
    the value and (``hint``) what to use instead."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        tail = f'; {hint}' if hint else ''
        raise ValueError(f'{module}: {name} must be a positive integer, got {value!r}{tail}')
    return value


def odd_kernel(module: str, name: str, value, what: str = 'the size') -> int:
    """``value`` if it is an odd integer >= 1 (so that padding (k-1)/2 keeps ``what``), else a
    ``ValueError`` with the two odd neighbours."""
    positive_int(module, name, value)
    if value % 2 == 0:
        raise ValueError(f'{module}: {name}={value} is even, so padding (k-1)//2 would change '
                         f'{what}; use {value - 1} or {value + 1}')
    return value


def init_conv_bn(module, conv_init, bias: float = 0.) -> None:
    """The reference ResNets' init loop: every ``nn.Conv2d`` weight ``conv_init(weight)`` and its
    bias ``bias``; every BatchNorm weight 1, bias 0, running statistics reset."""
    from torch import nn
    for m in module.modules():
        if isinstance(m, nn.Conv2d):
            conv_init(m.weight)
            if m.bias is not None:
                nn.init.constant_(m.bias, bias)
        elif isinstance(m, nn.modules.batchnorm._BatchNorm):
            m.reset_running_stats()
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)


def in_channels_arg(module: str, value) -> int:
    """The ``in_channels`` check every module runs first."""
    return positive_int(module, 'in_channels', value,
                        'pass the channel count of the feature map the module receives')


def std_safe(var: torch.Tensor) -> torch.Tensor:
    """``sqrt(var)`` whose value and gradient are finite where ``var == 0`` (value 0, gradient 0
    there, instead of ``torch.sqrt``'s infinite derivative); no Python branch (trace/compile
    safe)."""
    pos = var > 0
    return torch.where(pos, torch.where(pos, var, torch.ones_like(var)).sqrt(),
                       torch.zeros_like(var))


def channel_shuffle(x: torch.Tensor, groups: int) -> torch.Tensor:
    """ShuffleNet channel shuffle: (B, g·n, H, W) → view (B, g, n) → transpose → (B, n·g, H, W)."""
    b, c, h, w = x.shape
    return x.reshape(b, groups, c // groups, h, w).transpose(1, 2).reshape(b, c, h, w)


def as_dtype(t: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """``t.to(dtype)``, skipping the (no-op) dispatcher call when ``t`` already has ``dtype``.

    Hot paths of the channel-gate modules call this instead of ``.to`` so that in fp32 they run
    exactly the ops of the reference implementations (see tools/analysis/benchmark.py's timm
    comparison); under autocast the cast happens as before.
    """
    return t if t.dtype == dtype else t.to(dtype)


def mean_fp32(x: torch.Tensor, dim) -> torch.Tensor:
    """``x.mean(dim, keepdim=True)`` accumulated in at least fp32, returned in ``x``'s dtype.

    fp32/fp64 inputs already accumulate at full precision (no ``dtype`` argument, no cast);
    fp16/bf16 inputs are summed in fp32 (a 56×56 fp16 sum overflows, mmdet PR #9670).
    """
    if x.dtype in (torch.float32, torch.float64):
        return x.mean(dim=dim, keepdim=True)
    return x.mean(dim=dim, keepdim=True, dtype=torch.float32).to(x.dtype)


def max_over(x: torch.Tensor, dim, keepdim: bool = False) -> torch.Tensor:
    """Max over ``dim`` (one dim, or ``(2, 3)`` = H×W) as the references' max pools compute it.

    With autograd recording, ``torch.max`` (over H×W on the flattened map, as ``F.max_pool2d``):
    the gradient goes to one arg-max element, scattered into zeros — the references'
    (``torch.max(x, 1)[0]``, ``F.max_pool2d``) gradient, ties included, and one full-size pass,
    where ``amax`` spreads it over ties with five (compare, cast, count, divide, multiply).
    Without autograd, ``amax`` (the same values, no indices; ONNX/trace-friendly).
    """
    if not (x.requires_grad and torch.is_grad_enabled()):
        return x.amax(dim=dim, keepdim=keepdim)
    if isinstance(dim, (tuple, list)):
        if tuple(dim) != (2, 3) or x.dim() != 4:
            raise ValueError(f'max_over: dims {dim} of a {x.dim()}-d tensor (one dim or (2, 3))')
        b, c = x.shape[0], x.shape[1]
        v = x.reshape(b, c, -1).max(dim=2)[0]
        return v.reshape(b, c, 1, 1) if keepdim else v
    return x.max(dim=dim, keepdim=keepdim)[0]


def pool_hw(x: torch.Tensor, kind: str = 'avg') -> torch.Tensor:
    """Global pooling over H×W → (B, C, 1, 1) in ``x``'s dtype, with the sum accumulated in fp32
    (or fp64 for fp64 inputs).

    Summing a 56×56 map in fp16 overflows easily (mmdet PR #9670); the mean itself is bounded by
    max|x| and fits. ``x.mean``/``x.amax`` rather than adaptive pooling keeps ONNX export free of
    dynamic kernels (pytorch #34743).
    """
    if kind == 'avg':
        return mean_fp32(x, (2, 3))
    if kind == 'max':
        return max_over(x, (2, 3), keepdim=True)
    raise ValueError(f"pool kind must be 'avg' or 'max', got {kind!r}")


_NO_CONTEXT = nullcontext()


def fp32(x: torch.Tensor):
    """A context that disables autocast on ``x``'s device type (statistics such as Σx² overflow in
    fp16); a shared no-op context when autocast is not on there (the plain fp32 path pays no
    autocast state change and no generator)."""
    dev = x.device.type if x.device.type in ('cuda', 'cpu', 'xpu', 'mps') else 'cpu'
    if not torch.is_autocast_enabled(dev):
        return _NO_CONTEXT
    return torch.autocast(device_type=dev, enabled=False)


def make_odd(k: int) -> int:
    return k if k % 2 else k + 1
