"""CBAM: Convolutional Block Attention Module (Woo, Park, Lee, Kweon; ECCV 2018; arXiv 1807.06521)."""
from typing import Sequence

import torch
from mmengine.registry import MODELS
from torch import nn

from ._base import AttentionModule
from ._utils import as_dtype, fp32, max_over, mean_fp32, pool_hw

CBAM_POOL_TYPES = ('avg', 'max', 'lp', 'lse')


def _pool_descriptor(x: torch.Tensor, kind: str) -> torch.Tensor:
    """(B, C, H, W) → (B, C) global descriptor over H×W, in ``x``'s dtype."""
    if kind in ('avg', 'max'):
        return pool_hw(x, kind).flatten(1)
    with fp32(x):
        xf = x.float().flatten(2)
        if kind == 'lp':      # F.lp_pool2d(x, 2, (H, W)) = sqrt(Σ x²)
            d = xf.pow(2).sum(-1).sqrt()
        else:                 # 'lse': log Σ exp(x) over H×W
            d = torch.logsumexp(xf, dim=-1)
    return d.to(x.dtype)


@MODELS.register_module()
class CBAM(AttentionModule):
    """Convolutional Block Attention Module: channel attention, then spatial attention.

    ``F' = σ(MLP(AvgPool F) + MLP(MaxPool F)) ⊙ F``;
    ``F'' = σ(BN(conv7×7([MaxPool_c F'; AvgPool_c F']))) ⊙ F'``.

    Matches ``Jongchan/attention-module`` (``MODELS/cbam.py``): the shared MLP is
    ``Linear(C, C/r) → ReLU → Linear(C/r, C)`` with biases; the spatial descriptor concatenates the
    channel-wise **max first, then mean**; the spatial conv has no bias and is followed by
    ``BatchNorm2d(1, eps=1e-5, momentum=0.01)``. Parameters per module: 2C²/r + C/r + C + 98 + 2
    (ResNet-50, 16 modules after the last BN of each bottleneck: +2,532,592 → 28,089,624).

    Initialisation reproduces the reference ``ResNet.__init__``: spatial conv kaiming-normal
    (``mode='fan_out'``), spatial BN weight **0** (its state-dict key contains "SpatialGate", so the
    spatial gate starts at σ(0) = 0.5), all biases 0 (MLP biases included), MLP weights PyTorch's
    default.

    Deliberate deviations from the reference code (the function is unchanged):

    - global pooling uses ``x.mean`` and a max over H×W (fp32 accumulation for the mean) instead of
      ``F.avg_pool2d``/``F.max_pool2d(x, (H, W))``, for AMP safety and ONNX export without dynamic
      kernels; the max keeps the reference's arg-max gradient (``_utils.max_over``); the
      ``'lp'`` (``sqrt(Σx²)``) and ``'lse'`` (log-sum-exp) descriptors are computed in fp32;
    - the hidden width is ``max(1, C // r)`` (as in :class:`SE`), where the reference would build a
      zero-width layer for ``C < r``.

    Timm's ``CbamModule`` (no MLP bias, (mean, max) order) and External-Attention's ``CBAMBlock``
    (49×49 kernel, no BN, residual add) are *not* what this module matches.

    Args:
        in_channels: C.
        reduction: r, the MLP reduction ratio.
        pool_types: global descriptors fed to the shared MLP, a non-empty subset of
            ``('avg', 'max', 'lp', 'lse')``; the paper uses ``('avg', 'max')``.
        spatial_kernel: odd kernel size of the spatial conv (paper: 7, padding 3).
        no_spatial: drop the spatial gate (channel attention only, the reference's ``no_spatial``).
        init_cfg: mmengine init config; overrides the reference initialisation when given.
    """

    _abbr_ = 'cbam'
    paper = 'CBAM: Convolutional Block Attention Module'
    venue = 'ECCV 2018'
    arxiv = '1807.06521'
    year = 2018
    placement = ('ResNet: after the last BN of every block (bn3 / bn2), after the downsample, '
                 'before the residual add')
    reference = 'Jongchan/attention-module (MODELS/cbam.py, MODELS/model_resnet.py)'

    def __init__(self, in_channels: int, reduction: int = 16,
                 pool_types: Sequence[str] = ('avg', 'max'), spatial_kernel: int = 7,
                 no_spatial: bool = False, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        if not isinstance(in_channels, int) or in_channels < 1:
            raise ValueError(f'CBAM: in_channels must be a positive integer, got {in_channels!r}')
        if not isinstance(reduction, int) or reduction < 1:
            raise ValueError(f'CBAM: reduction must be a positive integer, got {reduction!r} '
                             f'(the paper uses 16)')
        if isinstance(pool_types, str):
            raise ValueError(f'CBAM: pool_types must be a sequence of names, got the string '
                             f'{pool_types!r}; write ({pool_types!r},)')
        pool_types = tuple(pool_types)
        bad = [p for p in pool_types if p not in CBAM_POOL_TYPES]
        if not pool_types or bad or len(set(pool_types)) != len(pool_types):
            raise ValueError(f'CBAM: pool_types={pool_types!r} must be a non-empty subset of '
                             f'{CBAM_POOL_TYPES} without repeats (paper: (\'avg\', \'max\'))')
        if not isinstance(spatial_kernel, int) or spatial_kernel < 1 or spatial_kernel % 2 == 0:
            hint = (f'use {spatial_kernel - 1} or {spatial_kernel + 1}'
                    if isinstance(spatial_kernel, int) and spatial_kernel > 1 else 'use 7 (paper)')
            raise ValueError(f'CBAM: spatial_kernel must be an odd integer >= 1 so that padding '
                             f'(k-1)/2 keeps H×W, got {spatial_kernel!r}; {hint}')
        self.in_channels = in_channels
        self.reduction = reduction
        self.pool_types = pool_types
        self.no_spatial = no_spatial
        hidden = max(1, in_channels // reduction)
        # channel gate: shared MLP
        self.fc1 = nn.Linear(in_channels, hidden)
        self.act = nn.ReLU(inplace=True)
        self.fc2 = nn.Linear(hidden, in_channels)
        # spatial gate
        if not no_spatial:
            self.spatial_conv = nn.Conv2d(2, 1, spatial_kernel, padding=(spatial_kernel - 1) // 2,
                                          bias=False)
            self.spatial_bn = nn.BatchNorm2d(1, eps=1e-5, momentum=0.01)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        for fc in (self.fc1, self.fc2):
            fc.reset_parameters()
            nn.init.zeros_(fc.bias)
        if not self.no_spatial:
            nn.init.kaiming_normal_(self.spatial_conv.weight, mode='fan_out')
            self.spatial_bn.reset_parameters()
            nn.init.zeros_(self.spatial_bn.weight)
            nn.init.zeros_(self.spatial_bn.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self._check_input(x)
        # channel attention: σ(Σ_p MLP(pool_p(x))). The shared MLP runs once on the P pooled
        # descriptors stacked along the batch, (P·B, C), instead of P times (fewer ops per call,
        # forward and backward; the same function).
        b, c = x.shape[0], x.shape[1]
        d = [_pool_descriptor(x, kind) for kind in self.pool_types]
        o = self.fc2(self.act(self.fc1(torch.cat(d) if len(d) > 1 else d[0])))
        logits = o.reshape(len(d), b, c).sum(0) if len(d) > 1 else o
        x = x * as_dtype(torch.sigmoid(logits), x.dtype).reshape(b, c, 1, 1)
        if self.no_spatial:
            return x
        # spatial attention: σ(BN(conv([max_c x; mean_c x])))
        comp = torch.cat((max_over(x, 1, keepdim=True), mean_fp32(x, 1)), dim=1)
        s = self.spatial_bn(self.spatial_conv(comp))
        return x * as_dtype(torch.sigmoid(s), x.dtype)
