"""ECA: Efficient Channel Attention (Wang, Wu, Zhu, Li, Zuo, Hu; CVPR 2020; arXiv 1910.03151)."""
import math
from typing import Optional

import torch
from mmengine.registry import MODELS
from torch import nn

from ._base import AttentionModule
from ._utils import as_dtype, make_odd, pool_hw


def eca_kernel_size(channels: int, gamma: float = 2, b: float = 1) -> int:
    """The paper's adaptive kernel size ``k = ψ(C) = |log2(C)/γ + b/γ|_odd``.

    ``t = int(|(log2 C + b) / γ|)``, ``k = t`` if ``t`` is odd else ``t + 1``: C = 64 → 3,
    256/512/1024 → 5, 2048 → 7. No lower bound of 3 (that ``max(k, 3)`` is timm's addition).
    """
    t = int(abs((math.log2(channels) + b) / gamma))
    return make_odd(t)


@MODELS.register_module()
class ECA(AttentionModule):
    """Efficient Channel Attention: a 1-D convolution across channels replaces SE's MLP.

    ``y = GAP(x) ∈ R^C``, ``ω = σ(conv1d_k(y))`` (zero padding (k-1)/2, no bias), ``out = x ⊙ ω``;
    k parameters per module.

    Matches ``BangguWu/ECANet`` (``models/eca_module.py``, ``eca_layer``): ``Conv1d(1, 1, k,
    padding=(k-1)//2, bias=False)`` with PyTorch's default initialisation, placed after the last BN
    of every block, before the residual add.

    Kernel size: ``kernel_size=None`` applies the paper's adaptive rule (:func:`eca_kernel_size`,
    γ = 2, b = 1) to ``in_channels`` — the official code dropped it and uses a fixed k (default 3;
    the released ResNet-50 uses k = 3, 5, 5, 7 per stage, the paper's "80 parameters"; the adaptive
    rule on the block outputs gives 5, 5, 5, 7, i.e. 86). Unlike timm, the rule is not clamped to
    k ≥ 3 (so C ≤ 3 gives k = 1). An explicit ``kernel_size`` must be odd: an even k with padding
    k//2 mis-pads and changes the channel count (ECANet #24).

    Deviation: global pooling uses ``x.mean`` with fp32 accumulation instead of
    ``nn.AdaptiveAvgPool2d(1)`` (AMP overflow, ONNX export).

    Args:
        in_channels: C.
        kernel_size: odd k ≥ 1, or ``None`` for the adaptive rule.
        gamma: γ of the adaptive rule.
        b: b of the adaptive rule.
        init_cfg: mmengine init config; overrides the reference initialisation when given.
    """

    _abbr_ = 'eca'
    paper = 'ECA-Net: Efficient Channel Attention for Deep Convolutional Neural Networks'
    venue = 'CVPR 2020'
    arxiv = '1910.03151'
    year = 2020
    placement = ('ResNet: after the last BN of every block, before the residual add; '
                 'MobileNetV2: after the projection conv + BN')
    reference = 'BangguWu/ECANet (models/eca_module.py, models/eca_resnet.py)'

    def __init__(self, in_channels: int, kernel_size: Optional[int] = None, gamma: float = 2,
                 b: float = 1, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        if not isinstance(in_channels, int) or in_channels < 1:
            raise ValueError(f'ECA: in_channels must be a positive integer, got {in_channels!r}')
        if kernel_size is None:
            if not gamma > 0:
                raise ValueError(f'ECA: gamma must be > 0 for the adaptive kernel size, got {gamma!r} '
                                 f'(the paper uses 2)')
            kernel_size = eca_kernel_size(in_channels, gamma, b)
        elif not isinstance(kernel_size, int) or kernel_size < 1:
            raise ValueError(f'ECA: kernel_size must be an odd integer >= 1 or None (adaptive), '
                             f'got {kernel_size!r}')
        elif kernel_size % 2 == 0:
            alt = (f'{kernel_size - 1} or {kernel_size + 1}' if kernel_size > 1
                   else f'{kernel_size + 1}')
            raise ValueError(f'ECA: kernel_size={kernel_size} is even; padding (k-1)//2 would change '
                             f'the channel count (ECANet #24); use {alt}, or None for the adaptive '
                             f'rule')
        self.in_channels = in_channels
        self.kernel_size = kernel_size
        self.conv = nn.Conv1d(1, 1, kernel_size, padding=(kernel_size - 1) // 2, bias=False)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.conv.reset_parameters()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c = x.shape[0], x.shape[1]
        y = self.conv(pool_hw(x).reshape(b, 1, c))            # (B, 1, C)
        # reshape (a view) instead of squeeze + indexing: fewer ops per call (benchmark vs timm)
        return x * as_dtype(torch.sigmoid(y).reshape(b, c, 1, 1), x.dtype)
