"""EMA: Efficient Multi-Scale Attention with cross-spatial learning (Ouyang et al.; ICASSP 2023;
arXiv 2305.13563)."""
from typing import Optional

import torch
import torch.nn.functional as F
from mmengine.registry import MODELS
from torch import nn

from ._base import AttentionModule
from ._utils import resolve_groups


@MODELS.register_module()
class EMA(AttentionModule):
    """Efficient Multi-scale Attention: grouped 1×1 and 3×3 branches with cross-spatial learning.

    The channels are split into G groups (``factor``) of c = C/G channels; per group ``x_g``:
    1×1 branch ``x₁ = GN(x_g ⊙ σ(a_h) ⊙ σ(a_w))`` with ``[a_h; a_w] = conv1×1([mean_W x_g;
    mean_H x_g])`` (Coordinate-Attention strips, one shared conv); 3×3 branch ``x₂ = conv3×3(x_g)``;
    cross-spatial learning ``w = softmax_c(GAP x₁)ᵀ x₂ + softmax_c(GAP x₂)ᵀ x₁`` (one H×W map per
    group), ``out_g = x_g ⊙ σ(w)``. GN is ``GroupNorm(c, c)`` (one channel per GN group); both
    convs have biases. Parameters ``10c² + 4c`` per module (ResNet-50, factor 32 after bn3:
    +198,368 → 25,755,400).

    Matches ``EMA(channels, factor=32)`` of YOLOonMe/EMA-attention-module (file
    ``EMA_attention_module``), state-dict names ``conv1x1``, ``conv3x3``, ``gn``; PyTorch's default
    initialisation (the reference sets none); the unused YOLO argument ``c2`` is not taken.

    The official module needs ``C % factor == 0`` but only asserts ``C // factor > 0``, so it
    crashes in ``reshape`` on MobileNetV2's 144 channels at factor 32. Here an indivisible width
    raises in ``__init__`` with a value that divides, or, with ``group_fallback='largest_divisor'``
    (opt-in, as SA/SGE), uses the largest ``G <= factor`` that divides C (144 → 24 groups).
    The pooling uses ``mean`` (deterministic backward; fp32 accumulation under autocast via
    GroupNorm/softmax's autocast policy), and a channels_last input gives the same values.

    Args:
        in_channels: C.
        factor: G, the number of groups (paper 32).
        group_fallback: None (raise on indivisible widths) or ``'largest_divisor'``.
        init_cfg: mmengine init config; overrides the reference initialisation when given.
    """

    _abbr_ = 'ema'
    paper = 'Efficient Multi-Scale Attention Module with Cross-Spatial Learning'
    venue = 'ICASSP 2023'
    arxiv = '2305.13563'
    year = 2023
    placement = ('after the last BN of every block, before the residual add (the NAM/CA position '
                 'the author names, EMA#2); MobileNetV2: after the depthwise conv (CA position), '
                 'factor 32')
    reference = 'YOLOonMe/EMA-attention-module (EMA_attention_module)'
    disambiguation = ('"EMA" here is Efficient Multi-scale Attention (Ouyang et al., ICASSP 2023); '
                      "not mmseg's EMAHead (EMANet, Expectation-Maximization Attention) nor a "
                      "model weight EMA (mmengine's ExponentialMovingAverage / EMAHook)")

    def __init__(self, in_channels: int, factor: int = 32, group_fallback: Optional[str] = None,
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.groups = resolve_groups('EMA', in_channels, factor, fallback=group_fallback,
                                     arg='factor')
        self.in_channels = in_channels
        c = in_channels // self.groups
        self.conv1x1 = nn.Conv2d(c, c, 1)
        self.conv3x3 = nn.Conv2d(c, c, 3, padding=1)
        self.gn = nn.GroupNorm(c, c)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.conv1x1.reset_parameters()
        self.conv3x3.reset_parameters()
        self.gn.reset_parameters()

    def spatial_weights(self, x: torch.Tensor) -> torch.Tensor:
        """The (B·G, 1, H, W) logits of the cross-spatial gate (before the sigmoid)."""
        b, c, h, w = x.shape
        g = self.groups
        gx = x.reshape(b * g, c // g, h, w)
        x_h = gx.mean(dim=3, keepdim=True)                                    # (BG, c, H, 1)
        x_w = gx.mean(dim=2, keepdim=True).transpose(2, 3)                    # (BG, c, W, 1)
        a_h, a_w = torch.split(self.conv1x1(torch.cat([x_h, x_w], dim=2)), [h, w], dim=2)
        x1 = gx * torch.sigmoid(a_h) * torch.sigmoid(a_w.transpose(2, 3))
        x1 = F.group_norm(x1, self.gn.num_groups, self.gn.weight, self.gn.bias, self.gn.eps)
        x2 = self.conv3x3(gx)
        s1 = torch.softmax(x1.mean(dim=(2, 3)), dim=-1)                       # (BG, c)
        s2 = torch.softmax(x2.mean(dim=(2, 3)), dim=-1)
        wts = torch.bmm(s1.unsqueeze(1).to(x2.dtype), x2.flatten(2)) + \
            torch.bmm(s2.unsqueeze(1).to(x1.dtype), x1.flatten(2))            # (BG, 1, HW)
        return wts.reshape(b * g, 1, h, w)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self._check_input(x)
        b, c, h, w = x.shape
        g = self.groups
        gate = torch.sigmoid(self.spatial_weights(x))
        out = x.reshape(b * g, c // g, h, w) * gate.to(x.dtype)
        return out.reshape(b, c, h, w)
