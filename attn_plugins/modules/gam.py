"""GAM: Global Attention Mechanism (Liu, Shao, Hoffmann; arXiv 2112.05561, 2021)."""
import math
from typing import Optional

import torch
from mmengine.registry import MODELS
from torch import nn

from ._base import AttentionModule
from ._utils import channel_shuffle, resolve_groups


@MODELS.register_module()
class GAM(AttentionModule):
    """Global Attention Mechanism: a per-pixel channel MLP gate, then a full-resolution 7×7 gate.

    ``F₂ = σ(P⁻¹ W₂ δ(W₁ P F₁ + b₁) + b₂) ⊙ F₁`` (P: permute to channels-last; MLP per pixel);
    ``F₃ = σ(Conv₇(δ(BN(Conv₇(F₂))))) ⊙ F₂``, 7×7 convs C→C/r→C, no pooling anywhere.

    No official code exists. This follows the paper's description: sequential CBAM-style channel
    then spatial gate, 3-D permutation + 2-layer MLP with reduction r "same as BAM" (= 16),
    max-pooling removed, two 7×7 convs, group convolution + channel shuffle in ResNet-50. The
    defaults reproduce the paper's CIFAR-100 complexity table exactly when inserted after bn3
    (before the residual add) of all 16 bottlenecks of the CIFAR ResNet-50 (base 23,705,252):
    +125,765,136 → 149.47M with ``groups=1`` and +33,340,944 → 57.05M with ``groups=4``. Those
    totals require a BN after the first 7×7 conv only and exactly one of {MLP biases, conv biases}
    (here: MLP biases). The paper's "GAM (gc)" row is ``GAM(groups=4)``.

    Deviations and options:

    - ``channel_sigmoid=False`` reproduces the popular snippet (northBeggar/Plug-and-Play and its
      copies), which omits the channel sigmoid (an unbounded multiplicative gate); the paper has it.
    - ``mlp_bias=conv_bias=second_bn=True`` is the snippet's layer layout (+125,811,392 /
      +33,387,200 in the setting above: 149.52M / 57.09M). Paraphrases of the paper's figure show
      a BN after the second conv too; the paper's parameter counts exclude it, so it is off by
      default. The snippet's ``rate=4`` is *not* the paper's r (528.6M on ImageNet ResNet-50).
    - The group count of "GAM (gc)" is stated in no retrievable source; 4 reproduces 57.05M (and is
      the grouped snippet's ``groups=rate=4``). With ``groups > 1`` both 7×7 convs are grouped and
      the spatial gate is channel-shuffled with ``groups`` before the multiplication, as in the
      grouped snippet. ``groups`` must divide both C and C/r; ``group_fallback='largest_divisor'``
      uses the largest ``g <= groups`` dividing both instead of raising.
    - The hidden width is ``max(1, C // r)`` (the paper does not cover C < r).
    - Initialisation (no reference code): kaiming-normal (fan_out, ReLU) for the 7×7 convs, conv
      biases 0, BN weight 1 / bias 0, PyTorch's default for the MLP's ``nn.Linear`` layers.

    Cost: the per-pixel MLP and full-resolution 7×7 convs are expensive (≈6.25·C²·HW MACs per
    module, ≈+20.6 GMACs on ImageNet ResNet-50 with ``groups=1``). All ops are ONNX-exportable.
    Like any BN layer, ``spatial_bn1`` in training mode needs more than one value per channel
    (B·H·W > 1); a batch of one 1×1 map works in eval mode.

    Args:
        in_channels: C.
        reduction: r; hidden width ``max(1, C // r)`` of the MLP and between the two 7×7 convs.
        groups: groups of both 7×7 convs (and of the gate's channel shuffle); 4 = the paper's "gc".
        channel_sigmoid: the paper's sigmoid on the channel gate (False: the popular snippet).
        mlp_bias: biases of the two MLP layers.
        conv_bias: biases of the two 7×7 convs.
        second_bn: BN after the second 7×7 conv (the snippet; not in the paper's counts).
        group_fallback: ``None`` (raise when ``groups`` does not divide C and C/r) or
            ``'largest_divisor'``.
        init_cfg: mmengine init config; overrides the reference initialisation when given.
    """

    _abbr_ = 'gam'
    paper = 'Global Attention Mechanism: Retain Information to Enhance Channel-Spatial Interactions'
    venue = 'arXiv 2021'
    arxiv = '2112.05561'
    year = 2021
    placement = ('ResNet: after the last BN of every block, before the residual add '
                 "(reproduces the paper's CIFAR-100 ResNet-50 parameter counts)")
    reference = ('no official code; paper description and parameter table '
                 '(snippet northBeggar/Plug-and-Play available via options)')

    def __init__(self, in_channels: int, reduction: int = 16, groups: int = 1,
                 channel_sigmoid: bool = True, mlp_bias: bool = True, conv_bias: bool = False,
                 second_bn: bool = False, group_fallback: Optional[str] = None, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        if not isinstance(in_channels, int) or in_channels < 1:
            raise ValueError(f'GAM: in_channels must be a positive integer, got {in_channels!r}')
        if not isinstance(reduction, int) or reduction < 1:
            raise ValueError(f'GAM: reduction must be a positive integer (the paper uses 16), '
                             f'got {reduction!r}')
        hidden = max(1, in_channels // reduction)
        name = f'GAM(in_channels={in_channels}, reduction={reduction})'
        # One group count must divide both C and C//r: resolve it against their gcd, so that the
        # fallback (and the suggestion in the error) is valid for both convs.
        groups = resolve_groups(name, math.gcd(in_channels, hidden), groups,
                                fallback=group_fallback,
                                what=f'groups must divide C={in_channels} and C//r={hidden}; '
                                     f'their gcd')
        self.in_channels = in_channels
        self.hidden = hidden
        self.groups = groups
        self.channel_sigmoid = channel_sigmoid

        # Channel submodule: the per-pixel MLP on the permuted (B, H, W, C) tensor.
        self.channel_fc1 = nn.Linear(in_channels, hidden, bias=mlp_bias)
        self.channel_act = nn.ReLU(inplace=True)
        self.channel_fc2 = nn.Linear(hidden, in_channels, bias=mlp_bias)
        # Spatial submodule: 7×7 conv → BN → ReLU → 7×7 conv (→ BN).
        self.spatial_conv1 = nn.Conv2d(in_channels, hidden, 7, padding=3, groups=groups,
                                       bias=conv_bias)
        self.spatial_bn1 = nn.BatchNorm2d(hidden)
        self.spatial_act = nn.ReLU(inplace=True)
        self.spatial_conv2 = nn.Conv2d(hidden, in_channels, 7, padding=3, groups=groups,
                                       bias=conv_bias)
        self.spatial_bn2 = nn.BatchNorm2d(in_channels) if second_bn else nn.Identity()
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.channel_fc1.reset_parameters()
        self.channel_fc2.reset_parameters()
        for conv in (self.spatial_conv1, self.spatial_conv2):
            nn.init.kaiming_normal_(conv.weight, mode='fan_out', nonlinearity='relu')
            if conv.bias is not None:
                nn.init.zeros_(conv.bias)
        for bn in (self.spatial_bn1, self.spatial_bn2):
            if isinstance(bn, nn.BatchNorm2d):
                bn.reset_running_stats()
                nn.init.ones_(bn.weight)
                nn.init.zeros_(bn.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self._check_input(x)
        # Channel gate: (B, C, H, W) → (B, H, W, C) → MLP → (B, C, H, W).
        a = self.channel_fc2(self.channel_act(self.channel_fc1(x.permute(0, 2, 3, 1))))
        a = a.permute(0, 3, 1, 2)
        if self.channel_sigmoid:
            a = torch.sigmoid(a)
        x = x * a.to(x.dtype)
        # Spatial gate.
        s = self.spatial_act(self.spatial_bn1(self.spatial_conv1(x)))
        s = torch.sigmoid(self.spatial_bn2(self.spatial_conv2(s)))
        if self.groups > 1:
            s = channel_shuffle(s, self.groups)
        return x * s.to(x.dtype)
