"""Triplet Attention (Misra, Nalamada, Arasanipalai, Hou; WACV 2021; arXiv 2010.03045)."""
import torch
from mmengine.registry import MODELS
from torch import nn
from torch.nn import functional as F

from ._base import AttentionModule
from ._utils import as_dtype, in_channels_arg, init_conv_bn, make_odd, max_over


class _ConvBN(nn.Module):
    """The reference ``BasicConv(2, 1, k, padding=(k-1)//2, relu=False)``: conv (no bias) + BN."""

    def __init__(self, kernel_size: int):
        super().__init__()
        self.conv = nn.Conv2d(2, 1, kernel_size, padding=(kernel_size - 1) // 2, bias=False)
        self.bn = nn.BatchNorm2d(1, eps=1e-5, momentum=0.01)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        z = self.conv(z)
        if self.training and z.shape[0] * z.shape[2] * z.shape[3] == 1:
            # One value per BN channel (batch 1 at 1×1, hw gate): batch statistics are undefined
            # (nn.BatchNorm2d raises), so normalise with the running statistics (not updated).
            return F.batch_norm(z, self.bn.running_mean, self.bn.running_var, self.bn.weight,
                                self.bn.bias, False, 0.0, self.bn.eps)
        return self.bn(z)


class _Gate(nn.Module):
    """The reference ``AttentionGate`` minus the Z-pool: (B, 2, P, Q) → sigmoid scale (B, 1, P, Q)."""

    def __init__(self, kernel_size: int):
        super().__init__()
        self.conv = _ConvBN(kernel_size)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.conv(z))


def _zpool(x: torch.Tensor, dim: int) -> torch.Tensor:
    """Z-pool: ``concat(max, mean)`` over ``dim``, stacked as the channel dim 1 (max first); the max
    with the reference's ``torch.max`` gradient (:func:`max_over`)."""
    mx = max_over(x, dim)
    return torch.stack([mx, x.mean(dim=dim)], dim=1)


@MODELS.register_module()
class TripletAttention(AttentionModule):
    """Triplet Attention.

    Paper: *Rotate to Attend: Convolutional Triplet Attention Module* (Misra, Nalamada, Arasanipalai,
    Hou), WACV 2021, arXiv 2010.03045.

    Three gates ``G(y) = y ⊙ σ(BN(conv_k(Zpool(y))))``, ``Zpool = [max_1, mean_1]``, applied to x
    rotated so that H (branch cw), W (branch hc) or C (branch hw) is the pooled axis:
    ``out = (G_hw(x) + G_cw(x)_{perm(0,2,1,3)} + G_hc(x)_{perm(0,3,2,1)}) / 3`` (``/2`` without hw).

    Matches ``TripletAttention`` of landskape-ai/triplet-attention (``triplet_attention.py``):
    conv ``2→1`` k×k without bias, ``BatchNorm2d(1, eps=1e-5, momentum=0.01)``, no ReLU, branch
    layouts cw = ``permute(0, 2, 1, 3)`` and hc = ``permute(0, 3, 2, 1)``, state-dict names
    ``cw/hc/hw.conv.conv.weight``, ``.conv.bn.*``. 3·(2k² + 2) parameters (300 at k=7; ResNet-50
    after the last BN of all 16 bottlenecks: +4,800). Initialisation as the official ImageNet
    training code's key-based init (``MODELS/resnet.py``): conv ``kaiming_normal_(mode='fan_out')``,
    BN bias 0, BN weight 1 in the cw and hc branches and **0 in the hw (spatial) branch** (the
    reference zeroes every BN weight whose state-dict key contains "SpatialGate", the hw branch's
    name there), so the hw gate starts at σ(0) = 0.5; its MobileNetV2 code keeps weight 1
    (``hw_bn_weight=1.``).

    Deliberate deviations (same values up to rounding):

    - the rotations are not materialised: each Z-pool is taken over x's own axis (H, W or C) and the
      three scales are broadcast back, ``out = x ⊙ (s_hw + s_cw + s_hc) / 3`` — no permuted copies
      of x. The Z-pool over H or W still reads all of x, so this module's FLOPs scale with C·H·W.
    - ``kernel_size`` is an argument (the reference fixes 7; its README also has k=3 models) and
      must be odd, so that ``padding=(k-1)//2`` keeps the size.
    - ``in_channels`` is accepted for the plugin contract and not used by the math.
    - in training, a gate map with a single value per BN channel (batch 1 at 1×1, the hw gate) is
      normalised with the BN's running statistics (not updated) where the reference raises.

    Args:
        in_channels: C (unused; the module has no channel-dependent parameters).
        kernel_size: k of the three gate convs (odd).
        no_spatial: drop the hw (spatial) branch and average the two others.
        hw_bn_weight: initial weight of the hw branch's BN (0: the official ResNet code; 1: its
            MobileNetV2 code).
        init_cfg: mmengine init config; overrides the reference initialisation when given.
    """

    _abbr_ = 'triplet'
    paper = 'Rotate to Attend: Convolutional Triplet Attention Module'
    venue = 'WACV 2021'
    arxiv = '2010.03045'
    year = 2021
    placement = ('ResNet: after the last BN of every block (and the downsample), before the '
                 'residual add; MobileNetV2: after the projection conv+BN')
    reference = 'landskape-ai/triplet-attention (triplet_attention.py)'

    def __init__(self, in_channels: int, kernel_size: int = 7, no_spatial: bool = False,
                 hw_bn_weight: float = 0., init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        in_channels_arg('TripletAttention', in_channels)
        if isinstance(kernel_size, bool) or not isinstance(kernel_size, int) or kernel_size < 1:
            raise ValueError(f'TripletAttention: kernel_size must be a positive odd integer, '
                             f'got {kernel_size!r}; use 7 (the paper default) or 3')
        if kernel_size % 2 == 0:
            raise ValueError(f'TripletAttention: kernel_size {kernel_size} is even, so '
                             f'padding=(k-1)//2 would shrink the map; use kernel_size='
                             f'{make_odd(kernel_size)} (or {kernel_size - 1})')
        self.in_channels = in_channels
        self.kernel_size = kernel_size
        self.no_spatial = no_spatial
        self.hw_bn_weight = float(hw_bn_weight)
        self.cw = _Gate(kernel_size)
        self.hc = _Gate(kernel_size)
        if not no_spatial:
            self.hw = _Gate(kernel_size)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init_conv_bn(self, lambda w: nn.init.kaiming_normal_(w, mode='fan_out'))
        if not self.no_spatial:
            nn.init.constant_(self.hw.conv.bn.weight, self.hw_bn_weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # cw: reference permutes to (B, H, C, W) and pools over H → conv on the (C, W) plane.
        s_cw = self.cw(_zpool(x, 2)).permute(0, 2, 1, 3)                   # (B, C, 1, W)
        # hc: reference permutes to (B, W, H, C) and pools over W → conv on the (H, C) plane.
        s_hc = self.hc(_zpool(x, 3).transpose(2, 3)).permute(0, 3, 2, 1)   # (B, C, H, 1)
        # The average of the branch gates is formed from the small gate maps: the 1/n factor is
        # applied to them (not to a full-size sum) and the third gate is added in place, so one
        # (B, C, H, W) scale tensor is written instead of three.
        if self.no_spatial:
            scale = as_dtype(s_cw * 0.5, x.dtype) + as_dtype(s_hc * 0.5, x.dtype)
            return x * scale
        s_hw = self.hw(_zpool(x, 1))                                        # (B, 1, H, W)
        third = 1.0 / 3.0
        scale = as_dtype(s_cw * third, x.dtype) + as_dtype(s_hc * third, x.dtype)
        scale = scale.add_(as_dtype(s_hw * third, x.dtype))
        return x * scale
