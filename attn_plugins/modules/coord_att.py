"""Coordinate Attention (Hou, Zhou, Feng; CVPR 2021; arXiv 2103.02907)."""
import math

import torch
from mmengine.registry import MODELS
from torch import nn

from ._base import AttentionModule


@MODELS.register_module()
class CoordAtt(AttentionModule):
    """Coordinate Attention.

    Paper: *Coordinate Attention for Efficient Mobile Network Design* (Hou, Zhou, Feng), CVPR 2021,
    arXiv 2103.02907.

    ``z^h = mean_W(x)``, ``z^w = mean_H(x)``; ``f = h_swish(BN(F₁[z^h, z^w]))`` split into
    ``f^h, f^w``; ``out = x ⊙ σ(F_h f^h) ⊙ σ(F_w f^w)`` with 1×1 convs ``F₁: C→mip``,
    ``F_h, F_w: mip→C`` (all with bias) and ``mip = max(min_mid_channels, C // reduction)``.

    Matches ``CoordAtt(inp, oup, reduction=32)`` of houqb/CoordAttention (``coordatt.py``) with
    ``oup = inp``: ``mip = max(8, C // 32)``, h_swish ``x·ReLU6(x+3)/6`` (``nn.Hardswish``), BN over
    the concatenated (H+W) positions, state-dict names ``conv1``, ``bn1``, ``conv_h``, ``conv_w``.
    Parameters ``C·mip + mip + 2·mip + 2·(mip·C + C)`` per module (MobileNetV2 with CA after the
    depthwise conv of all 17 blocks: +446,632). Initialisation as the official ``mbv2_ca.py``: conv
    weights ``normal(0, sqrt(2 / (k·k·out_channels)))``, conv biases 0, BN weight 1 / bias 0.

    Deliberate deviations (values identical to the reference):

    - the directional pooling is ``x.mean(3)`` / ``x.mean(2)`` accumulated in fp32 instead of
      ``AdaptiveAvgPool2d((None, 1))`` / ``((1, None))`` (ONNX-friendly, autocast-safe).
    - the output width equals ``in_channels`` (plugin contract; the reference allows ``oup != inp``).
    - the floor of the hidden width (8 in the reference) is the argument ``min_mid_channels``.

    Args:
        in_channels: C.
        reduction: r; the hidden width is ``max(min_mid_channels, C // r)``.
        min_mid_channels: lower bound of the hidden width (reference: 8).
        init_cfg: mmengine init config; overrides the reference initialisation when given.
    """

    _abbr_ = 'coord_att'
    paper = 'Coordinate Attention for Efficient Mobile Network Design'
    venue = 'CVPR 2021'
    arxiv = '2103.02907'
    year = 2021
    placement = ('MobileNetV2: inside the inverted residual after the 3×3 depthwise conv (+BN+ReLU6), '
                 'before the 1×1 projection, on the expanded width (official mbv2_ca skips the t=1 '
                 'block); ResNet: no official placement')
    reference = 'houqb/CoordAttention (coordatt.py, mbv2_ca.py)'

    def __init__(self, in_channels: int, reduction: int = 32, min_mid_channels: int = 8,
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        if not isinstance(in_channels, int) or in_channels < 1:
            raise ValueError(f'CoordAtt: in_channels must be a positive integer, '
                             f'got {in_channels!r}')
        if not isinstance(reduction, int) or reduction < 1:
            raise ValueError(f'CoordAtt: reduction must be a positive integer, got {reduction!r}; '
                             f'use 32 (the paper default)')
        if not isinstance(min_mid_channels, int) or min_mid_channels < 1:
            raise ValueError(f'CoordAtt: min_mid_channels must be a positive integer, got '
                             f'{min_mid_channels!r}; use 8 (the reference value)')
        self.in_channels = in_channels
        self.mid_channels = mip = max(min_mid_channels, in_channels // reduction)
        self.conv1 = nn.Conv2d(in_channels, mip, 1)
        self.bn1 = nn.BatchNorm2d(mip)
        self.act = nn.Hardswish()
        self.conv_h = nn.Conv2d(mip, in_channels, 1)
        self.conv_w = nn.Conv2d(mip, in_channels, 1)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                n = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
                nn.init.normal_(m.weight, 0, math.sqrt(2.0 / n))
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.BatchNorm2d):
                m.reset_running_stats()
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self._check_input(x)
        h = x.shape[2]
        w = x.shape[3]
        dtype = x.dtype
        x_h = x.mean(dim=3, keepdim=True, dtype=torch.float32)                       # (B, C, H, 1)
        x_w = x.mean(dim=2, keepdim=True, dtype=torch.float32)                       # (B, C, 1, W)
        # One cast of the concatenated (H+W) strip instead of one per direction, and casts only
        # where the dtype differs (same values; fewer ops per call — benchmark vs timm).
        y = torch.cat([x_h, x_w.transpose(2, 3)], dim=2)                             # (B, C, H+W, 1)
        if y.dtype != dtype:
            y = y.to(dtype)
        y = self.act(self.bn1(self.conv1(y)))
        y_h, y_w = torch.split(y, [h, w], dim=2)
        a_h = torch.sigmoid(self.conv_h(y_h))                                        # (B, C, H, 1)
        a_w = torch.sigmoid(self.conv_w(y_w.transpose(2, 3)))                        # (B, C, 1, W)
        if a_h.dtype != dtype:
            a_h, a_w = a_h.to(dtype), a_w.to(dtype)
        return x * a_w * a_h
