"""SK: Selective Kernel unit (Li, Wang, Hu, Yang; CVPR 2019; arXiv 1903.06586)."""
from typing import Optional, Sequence

import torch
from mmcv.cnn import build_norm_layer
from mmengine.registry import MODELS
from torch import nn

from ._base import AttentionModule
from ._utils import as_dtype, in_channels_arg, init_conv_bn, pool_hw, positive_int


class _ConvBNReLU(nn.Module):
    """One SK path: 3×3 conv (no bias) → norm → ReLU (names ``conv``, ``bn``, as timm's paths)."""

    def __init__(self, in_channels, out_channels, stride, dilation, groups, norm_cfg):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=dilation,
                              dilation=dilation, groups=groups, bias=False)
        self.bn = build_norm_layer(norm_cfg, out_channels)[1]
        self.act = nn.ReLU(inplace=True)

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class _SelectAttention(nn.Module):
    """Fuse → select: GAP(Σ paths) → 1×1 conv C→d (no bias) → norm → ReLU → 1×1 conv d→M·C (no
    bias) → softmax over the M paths (names ``fc_reduce``, ``bn``, ``fc_select``, as timm)."""

    def __init__(self, channels, hidden, num_paths, norm_cfg):
        super().__init__()
        self.num_paths = num_paths
        self.fc_reduce = nn.Conv2d(channels, hidden, 1, bias=False)
        self.bn = build_norm_layer(norm_cfg, hidden)[1]
        self.act = nn.ReLU(inplace=True)
        self.fc_select = nn.Conv2d(hidden, channels * num_paths, 1, bias=False)

    def forward(self, s: torch.Tensor) -> torch.Tensor:
        """s: (B, C, 1, 1) pooled Σ paths → (B, M, C, 1, 1) path weights (softmax over M)."""
        b, c = s.shape[0], s.shape[1]
        a = self.fc_select(self.act(self.bn(self.fc_reduce(s))))
        return torch.softmax(a.reshape(b, self.num_paths, c, 1, 1), dim=1)


@MODELS.register_module()
class SK(AttentionModule):
    """Selective Kernel unit: it **replaces** the 3×3 conv of a bottleneck (position
    ``'replace_conv2'``).

    Split: M paths ``U_m = ReLU(BN(conv3×3_{d_m}(x)))`` (dilation ``d_m``: 3×3, "5×5" = 3×3
    dilated 2, ...); fuse: ``z = ReLU(BN(W_r GAP(Σ_m U_m)))`` with ``d = max(C/r, L)`` hidden
    channels; select: ``a = softmax_m(W_s z)`` per channel, ``out = Σ_m a_m ⊙ U_m``.
    Parameters (two paths, C in = out): ``Σ_m 9C²/g_m + 2C·M + C·d + 2d + M·d·C``.

    Matches the official SKNet-50 unit (implus/SKNet ``sknet50.prototxt``: in a ResNeXt-50 32×4d,
    two 3×3 group-32 paths with dilation 1 and 2, each with BN+ReLU and the stride, r = 16,
    L = 32, fc without bias with a BN between; SKNet-50 **27,479,784**), and with
    ``path_groups=(1, 32), path_dilations=(1, 1), min_channels=0`` the "SK-ResNet-50*" of
    implus/PytorchInsight (``resnet_sk.py``, same first author: a full 3×3 path plus a group-32
    3×3 path in a plain ResNet-50, d = C/16; **26,154,496**). timm's
    ``SelectiveKernel(split_input=False, rd_divisor=32)`` (its ``skresnext50_32x4d``) computes the
    same function. State-dict names follow timm (``paths.{m}.conv/bn``, ``attn.fc_reduce/bn/
    fc_select``); in a block the unit *is* ``conv2`` (``layerS.B.conv2.paths.0.conv.weight``) and
    the block's own ``bn2`` and ReLU are dropped (``includes_norm_act``).

    Initialisation (PytorchInsight's ResNet init): convs kaiming-normal (``fan_out``, ReLU), norm
    weight 1 / bias 0.

    Deviations: the fused descriptor is the sum of the per-path averages ``Σ_m GAP(U_m)`` (equal
    to ``GAP(Σ_m U_m)``, as PytorchInsight computes it, without materialising the sum), with fp32
    accumulation. The attention BN normalises a (B, d, 1, 1) tensor: in training it needs a batch
    of at least 2 (as BAM; eval mode works at batch 1).

    Args:
        in_channels: C_in of the replaced conv.
        out_channels: C_out (default: ``in_channels``).
        stride, dilation: those of the replaced conv (every path has the stride; path m's
            dilation is ``dilation · path_dilations[m]``).
        groups: the replaced conv's groups (32 in a ResNeXt 32×4d block), used by every path
            unless ``path_groups`` is given.
        path_dilations: one entry per path (paper: (1, 2), i.e. 3×3 and "5×5").
        path_groups: groups per path, e.g. (1, 32) for PytorchInsight's SK-ResNet; None = ``groups``.
        reduction: r of the fuse layer.
        min_channels: L, the lower bound of the fuse width d (paper 32; PytorchInsight 0).
        norm_cfg: norm of the paths and of the fuse layer (the backbone passes its own).
        init_cfg: mmengine init config; overrides the reference initialisation when given.
    """

    _abbr_ = 'sk'
    paper = 'Selective Kernel Networks'
    venue = 'CVPR 2019'
    arxiv = '1903.06586'
    year = 2019
    placement = ("replaces the 3×3 conv (+BN+ReLU) of every Bottleneck (position 'replace_conv2'); "
                 'SKNet-50 = ResNeXt-50 32×4d (AttnResNeXt) with SK; SK-ResNet-50 (PytorchInsight) '
                 'in a plain ResNet-50 with path_groups=(1, 32)')
    reference = ('implus/SKNet (sknet50.prototxt), implus/PytorchInsight (resnet_sk.py); '
                 'timm SelectiveKernel(split_input=False)')
    replaces_conv = True
    includes_norm_act = True

    def __init__(self, in_channels: int, out_channels: Optional[int] = None, stride: int = 1,
                 dilation: int = 1, groups: int = 1, path_dilations: Sequence[int] = (1, 2),
                 path_groups: Optional[Sequence[int]] = None, reduction: int = 16,
                 min_channels: int = 32, norm_cfg: dict = dict(type='BN'), init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        in_channels_arg('SK', in_channels)
        out_channels = in_channels if out_channels is None else out_channels
        positive_int('SK', 'out_channels', out_channels)
        for name, v in (('stride', stride), ('dilation', dilation), ('groups', groups),
                        ('reduction', reduction)):
            positive_int('SK', name, v)
        path_dilations = tuple(path_dilations)
        if len(path_dilations) < 2:
            raise ValueError(f'SK: path_dilations={path_dilations!r} needs at least two paths to '
                             f'select from (paper: (1, 2))')
        for d in path_dilations:
            positive_int('SK', 'path_dilations entries', d)
        path_groups = (groups, ) * len(path_dilations) if path_groups is None else \
            tuple(path_groups)
        if len(path_groups) != len(path_dilations):
            raise ValueError(f'SK: path_groups={path_groups!r} needs one entry per path '
                             f'({len(path_dilations)} paths: path_dilations={path_dilations!r})')
        for g in path_groups:
            positive_int('SK', 'path_groups entries', g)
            if in_channels % g or out_channels % g:
                raise ValueError(f'SK: a path with groups={g} needs in_channels ({in_channels}) '
                                 f'and out_channels ({out_channels}) divisible by {g}; use '
                                 f'path_groups (e.g. 1) that divides both')
        if not isinstance(min_channels, int) or isinstance(min_channels, bool) or \
                min_channels < 0:
            raise ValueError(f'SK: min_channels (L) must be an integer >= 0, got '
                             f'{min_channels!r} (paper: 32)')
        hidden = max(out_channels // reduction, min_channels)
        if hidden < 1:
            raise ValueError(f'SK: fuse width max(out_channels // reduction, min_channels) = '
                             f'max({out_channels} // {reduction}, {min_channels}) = 0; use a '
                             f'smaller reduction or min_channels >= 1')
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.hidden_channels = hidden
        self.path_dilations = path_dilations
        self.path_groups = path_groups
        self.paths = nn.ModuleList(
            _ConvBNReLU(in_channels, out_channels, stride, dilation * d, g, norm_cfg)
            for d, g in zip(path_dilations, path_groups))
        self.attn = _SelectAttention(out_channels, hidden, len(path_dilations), norm_cfg)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init_conv_bn(self, lambda w: nn.init.kaiming_normal_(w, mode='fan_out',
                                                             nonlinearity='relu'))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self._check_input(x)
        feats = [p(x) for p in self.paths]
        s = pool_hw(feats[0])
        for f in feats[1:]:
            s = s + pool_hw(f)
        a = as_dtype(self.attn(s), feats[0].dtype)                     # (B, M, C, 1, 1)
        out = feats[0] * a[:, 0]
        for m in range(1, len(feats)):
            out = out + feats[m] * a[:, m]
        return out
