"""SA: Shuffle Attention (Zhang, Yang; ICASSP 2021; arXiv 2102.00240)."""
from typing import Optional

import torch
import torch.nn.functional as F
from mmengine.registry import MODELS
from torch import nn

from ._base import AttentionModule
from ._utils import channel_shuffle, fp32, resolve_groups


@MODELS.register_module()
class SA(AttentionModule):
    """Shuffle Attention.

    Paper: *SA-Net: Shuffle Attention for Deep Convolutional Neural Networks* (Zhang, Yang),
    ICASSP 2021, arXiv 2102.00240.

    Per group, the channels are split into halves ``x₀, x₁`` (C/2G each):
    ``x₀' = x₀ ⊙ σ(c_w·GAP(x₀) + c_b)``, ``x₁' = x₁ ⊙ σ(s_w·GN(x₁) + s_b)``;
    ``out = channel_shuffle(concat(x₀', x₁'), 2)``.

    Matches ``sa_layer(channel, groups=64)`` of wofmanaf/SA-Net (``models/sa_resnet.py``): GN is
    ``GroupNorm(C/2G, C/2G)`` (one channel per group, affine, eps 1e-5), parameters ``cweight``,
    ``cbias``, ``sweight``, ``sbias`` of shape ``(1, C/2G, 1, 1)`` initialised 0, 1, 0, 1 (every gate
    starts at σ(1) ≈ 0.73, not at identity), GN weight 1 / bias 0. State-dict names are the
    reference's. Parameters: 3C/G per module, i.e. **+708** for ResNet-50 (G=64 after the last BN of
    all 16 bottlenecks) — the paper's "300 params" is not reproducible from its own code.

    Deliberate deviations (values identical to the reference):

    - GN's statistics, the pooling and the gates are computed in fp32 even under autocast; the output
      is in the input's dtype. The spatial gate is one ``F.group_norm`` of the spatial half with
      ``self.gn``'s affine and the ``s_w``/``s_b`` scale folded into its weight and bias (the same
      values; forward+backward 0.75–0.83× the reference op sequence at 56×56 and 200×334, where
      a decomposed norm measured 1.09–1.17×).
    - ``group_fallback='largest_divisor'`` (opt-in) uses the largest ``g <= groups`` with
      ``C % 2g == 0`` (e.g. 64 channels → 32 groups); the default raises (SA-Net issues #1, #16).
    - a channels_last input gives a channels_last output.

    Args:
        in_channels: C, must be divisible by ``2·groups`` unless ``group_fallback`` is set.
        groups: G (paper: 64).
        group_fallback: None (raise on indivisible widths) or ``'largest_divisor'``.
        init_cfg: mmengine init config; overrides the reference initialisation when given.
    """

    _abbr_ = 'sa'
    paper = 'SA-Net: Shuffle Attention for Deep Convolutional Neural Networks'
    venue = 'ICASSP 2021'
    arxiv = '2102.00240'
    year = 2021
    placement = ('ResNet Bottleneck: after bn3, before the residual add (G=64); C=64 (ResNet-18) '
                 'needs group_fallback')
    reference = 'wofmanaf/SA-Net (sa_layer, models/sa_resnet.py)'

    def __init__(self, in_channels: int, groups: int = 64, group_fallback: Optional[str] = None,
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.groups = resolve_groups('SA', in_channels, groups, multiple=2, fallback=group_fallback)
        self.in_channels = in_channels
        half = in_channels // (2 * self.groups)
        self.cweight = nn.Parameter(torch.empty(1, half, 1, 1))
        self.cbias = nn.Parameter(torch.empty(1, half, 1, 1))
        self.sweight = nn.Parameter(torch.empty(1, half, 1, 1))
        self.sbias = nn.Parameter(torch.empty(1, half, 1, 1))
        self.gn = nn.GroupNorm(half, half)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        nn.init.zeros_(self.cweight)
        nn.init.ones_(self.cbias)
        nn.init.zeros_(self.sweight)
        nn.init.ones_(self.sbias)
        self.gn.reset_parameters()   # weight 1, bias 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self._check_input(x)
        b, c, h, w = x.shape
        g = self.groups
        half = c // (2 * g)
        # the two halves of every group, (B, G, C/2G, H, W) each: views for any memory format;
        # one unbind (its backward is a single stack, not a zero-filled buffer per slice)
        x0, x1 = x.reshape(b, g, 2, half, h, w).unbind(2)
        with fp32(x):
            # channel branch: σ(c_w·GAP(x₀) + c_b), shape (B, G, C/2G, 1, 1)
            s = x0.mean(dim=(3, 4), keepdim=True, dtype=torch.float32)
            gate0 = torch.sigmoid(torch.addcmul(self.cbias.float(), self.cweight.float(), s))
            # spatial branch: σ(s_w·GN(x₁) + s_b) = σ(GN'(x₁)) with GN's affine maps folded in
            # (weight s_w·γ, bias s_w·β + s_b): one native group_norm, whose fused backward is
            # what keeps forward+backward below the reference's GN → mul → add → σ sequence (a
            # decomposed norm costs ~6 extra passes over x₁ in backward).
            sw = self.sweight.float().view(-1)
            z = F.group_norm(x1.reshape(b * g, half, h, w).float(), half,
                             sw * self.gn.weight.float(),
                             torch.addcmul(self.sbias.float().view(-1), sw, self.gn.bias.float()),
                             self.gn.eps)
            gate1 = torch.sigmoid(z).view(b, g, half, h, w)
        y0 = x0 * gate0.to(x.dtype)
        y1 = x1 * gate1.to(x.dtype)
        if g % 2:  # odd G (group_fallback only): concatenate per group, then the generic shuffle
            out = channel_shuffle(torch.stack([y0, y1], dim=2).reshape(b, c, h, w), 2)
        else:
            # channel_shuffle(concat, 2) written by a single stack: input group j = r·G/2 + q
            # (r ∈ {0, 1}) lands at output channel ((q·2 + k)·C/2G + i)·2 + r for half k,
            # channel i; so split G into (2, G/2) and stack with r innermost.
            # (B, G/2, C/2G, 2, H, W) each
            y0 = y0.reshape(b, 2, g // 2, half, h, w).permute(0, 2, 3, 1, 4, 5)
            y1 = y1.reshape(b, 2, g // 2, half, h, w).permute(0, 2, 3, 1, 4, 5)
            out = torch.stack([y0, y1], dim=2).reshape(b, c, h, w)
        if not x.is_contiguous() and x.is_contiguous(memory_format=torch.channels_last):
            out = out.contiguous(memory_format=torch.channels_last)
        return out
