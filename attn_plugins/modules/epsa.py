"""EPSA: EPSANet's Pyramid Split Attention (Zhang, Zu, Lu, Zou, Meng; arXiv 2105.14447)."""
import math
from typing import Optional, Sequence

import torch
from mmengine.registry import MODELS
from torch import nn

from ._base import AttentionModule
from ._utils import in_channels_arg, odd_kernel, pool_hw, positive_int


class _SEWeight(nn.Module):
    """EPSANet's ``SEWeightModule``: GAP → 1×1 conv C→C/r (bias) → ReLU → 1×1 conv (bias) → σ;
    returns the weight only (names ``fc1``, ``fc2`` as the reference)."""

    def __init__(self, channels: int, reduction: int):
        super().__init__()
        hidden = max(1, channels // reduction)
        self.fc1 = nn.Conv2d(channels, hidden, 1)
        self.relu = nn.ReLU(inplace=True)
        self.fc2 = nn.Conv2d(hidden, channels, 1)

    def forward(self, pooled: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.fc2(self.relu(self.fc1(pooled))))


@MODELS.register_module()
class EPSA(AttentionModule):
    """EPSANet's PSA module ("pyramid split attention"): it **replaces** the 3×3 conv of a
    bottleneck (position ``'replace_conv2'``; the block's ``bn2`` + ReLU follow it as in EPSANet).

    S branches ``x_i = conv_{k_i, g_i}(x)`` (C_in → C_out/S, kernels 3/5/7/9, groups 1/4/8/16,
    no bias, the stride on every branch), one shared SE weight ``w_i = σ(W₂ δ(W₁ GAP(x_i)))``
    (C/S → C/(16·S) → C/S, with biases), a softmax over the S branches per channel,
    ``a_i = softmax_i(w_i)``, and ``out = concat(a_S ⊙ x_S, …, a_1 ⊙ x_1)`` (the reference
    concatenates in *reversed* branch order). Parameters: ``Σ_i C_in·C_out·k_i² / (S·g_i)`` plus the
    SE's ``2·(C/S)·h + h + C/S``.

    Matches ``PSAModule`` of murufeng/EPSANet (``models/epsanet.py``, ``SE_weight_module.py``),
    whose names it keeps (``conv_1..conv_4``, ``se.fc1``, ``se.fc2``): in a block the module *is*
    ``conv2`` (``layerS.B.conv2.conv_1.weight``), so EPSANet-50 (small) is **22,561,715** and
    EPSANet-101 **38,900,279** parameters. Initialisation as EPSANet's: conv weights
    ``normal(0, sqrt(2 / (k·k·out_channels)))`` (the SE's 1×1 convs included), conv biases
    PyTorch's default.

    Paper–code: the paper's SPC module *splits* the input channels into S groups before the convs;
    the official code (followed here) feeds the whole input to every branch, shares one SE across
    the branches and takes the softmax of the sigmoid outputs.

    Deviations: the dilation of the replaced conv is honoured (``padding = dilation·(k−1)/2``; the
    reference has no dilation, the backbones here need it for D8 segmentation); the SE width is
    ``max(1, C/S // r)`` where the reference would build an empty layer; the SE runs once on the S
    pooled descriptors stacked along the batch (the same function).

    Args:
        in_channels, out_channels, stride, dilation: those of the replaced conv.
        groups: the replaced conv's groups; must be 1 (EPSANet sets its own ``conv_groups``).
        conv_kernels: odd kernel size per branch (paper: 3, 5, 7, 9).
        conv_groups: groups per branch (paper: 1, 4, 8, 16).
        reduction: r of the shared SE (16).
        init_cfg: mmengine init config; overrides the reference initialisation when given.
    """

    _abbr_ = 'epsa'
    paper = 'EPSANet: An Efficient Pyramid Squeeze Attention Block on Convolutional Neural Network'
    venue = 'ACCV 2022'
    arxiv = '2105.14447'
    year = 2021
    placement = ("replaces the 3×3 conv of every Bottleneck (position 'replace_conv2'), the "
                 "block's bn2 + ReLU kept (EPSANet-50 small: 22,561,715)")
    reference = 'murufeng/EPSANet (models/epsanet.py PSAModule, models/SE_weight_module.py)'
    disambiguation = ('"PSA" also names Polarized Self-Attention (Liu et al. 2021, not in this '
                      "toolkit) and mmseg's PSAHead (PSANet, point-wise spatial attention); "
                      'this type is EPSANet\'s pyramid split attention')
    replaces_conv = True
    includes_norm_act = False

    def __init__(self, in_channels: int, out_channels: Optional[int] = None, stride: int = 1,
                 dilation: int = 1, groups: int = 1, conv_kernels: Sequence[int] = (3, 5, 7, 9),
                 conv_groups: Sequence[int] = (1, 4, 8, 16), reduction: int = 16,
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        in_channels_arg('EPSA', in_channels)
        out_channels = in_channels if out_channels is None else out_channels
        positive_int('EPSA', 'out_channels', out_channels)
        for name, v in (('stride', stride), ('dilation', dilation), ('reduction', reduction)):
            positive_int('EPSA', name, v)
        if groups != 1:
            raise ValueError(f'EPSA: the replaced conv has groups={groups!r}; EPSANet defines its '
                             f'own per-branch groups (conv_groups), so use it in a ResNet '
                             f'(groups=1), not a ResNeXt block')
        conv_kernels, conv_groups = tuple(conv_kernels), tuple(conv_groups)
        s = len(conv_kernels)
        if s < 2 or len(conv_groups) != s:
            raise ValueError(f'EPSA: conv_kernels={conv_kernels!r} and conv_groups='
                             f'{conv_groups!r} need the same length >= 2 (paper: (3, 5, 7, 9) and '
                             f'(1, 4, 8, 16))')
        for k in conv_kernels:
            odd_kernel('EPSA', 'a conv_kernels entry', k)
        if out_channels % s:
            raise ValueError(f'EPSA: out_channels={out_channels} is not divisible by the '
                             f'{s} branches; use a multiple of {s}')
        branch = out_channels // s
        for g in conv_groups:
            positive_int('EPSA', 'conv_groups entries', g)
            if in_channels % g or branch % g:
                raise ValueError(f'EPSA: a branch with groups={g} needs in_channels '
                                 f'({in_channels}) and out_channels/{s} ({branch}) divisible by '
                                 f'{g}; with conv_groups={conv_groups} use widths that are '
                                 f'multiples of {s * max(conv_groups)} (ResNet: planes 64..512), '
                                 f'or smaller conv_groups')
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.split_channels = branch
        self.conv_kernels = conv_kernels
        for i, (k, g) in enumerate(zip(conv_kernels, conv_groups)):
            self.add_module(f'conv_{i + 1}', nn.Conv2d(
                in_channels, branch, k, stride=stride, padding=dilation * (k // 2),
                dilation=dilation, groups=g, bias=False))
        self.se = _SEWeight(branch, reduction)
        self.reset_parameters()

    def branches(self):
        return [getattr(self, f'conv_{i + 1}') for i in range(len(self.conv_kernels))]

    def reset_parameters(self) -> None:
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                m.reset_parameters()  # PyTorch's default bias init, as the reference
                n = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
                nn.init.normal_(m.weight, 0, math.sqrt(2. / n))

    def branch_weights(self, feats) -> torch.Tensor:
        """(B, S, C/S, 1, 1): softmax over the branches of the shared SE's sigmoid outputs."""
        b, c = feats[0].shape[0], feats[0].shape[1]
        s = len(feats)
        pooled = torch.cat([pool_hw(f) for f in feats])                # (S·B, C/S, 1, 1)
        w = self.se(pooled).reshape(s, b, c, 1, 1).transpose(0, 1)
        return torch.softmax(w, dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self._check_input(x)
        feats = [conv(x) for conv in self.branches()]
        a = self.branch_weights(feats).to(feats[0].dtype)
        return torch.cat([feats[i] * a[:, i] for i in reversed(range(len(feats)))], dim=1)
