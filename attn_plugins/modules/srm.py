"""SRM: Style-based Recalibration Module (Lee, Kim, Nam; ICCV 2019; arXiv 1903.10829)."""
import torch
from mmengine.registry import MODELS
from torch import nn

from ._base import AttentionModule
from ._utils import fp32, in_channels_arg

# The authors' optimiser puts every SRM parameter (cfc, BN weight and bias) in a group without
# weight decay (imagenet.py ``set_optimizer``); with mmengine, in a config:
SRM_PARAMWISE_CFG = dict(custom_keys={'.srm.': dict(decay_mult=0.)})


@MODELS.register_module()
class SRM(AttentionModule):
    """Style-based Recalibration: style pooling, a channel-wise FC, BN and a sigmoid gate.

    ``t_c = [μ_c, σ_c]`` with ``σ_c = sqrt(Var_unbiased(x_c) + 1e-5)`` (style pooling);
    ``z_c = w_{c,1} μ_c + w_{c,2} σ_c`` (channel-wise FC, ``cfc`` (C, 2)); ``g = σ(BN(z))``,
    ``out = x ⊙ g``. 4C parameters (``cfc`` 2C + BN 2C); ResNet-50 after bn3: +60,416 →
    25,617,448.

    Matches ``SRMLayer`` of hyunjaelee410/style-based-recalibration-module
    (``models/recalibration_modules.py``): ``cfc`` initialised to **0** (every gate starts at
    σ(BN(0)) = 0.5), ``BatchNorm2d(C)`` weight 1 / bias 0, state-dict names ``cfc``, ``bn``.

    **Weight decay**: the authors exclude all SRM parameters from weight decay. The generated
    configs do the same with ``optim_wrapper.paramwise_cfg = SRM_PARAMWISE_CFG``
    (``custom_keys={'.srm.': dict(decay_mult=0.)}``, matching ``layerS.B.srm.*``).

    Deviations: the style statistics are computed in fp32 with autocast off; at H·W = 1 the
    unbiased variance (0/0 in the reference) is defined as 0, so σ = sqrt(1e-5). The BN normalises
    a (B, C, 1, 1) tensor, so training needs a batch of at least 2 (as BAM).

    Args:
        in_channels: C.
        init_cfg: mmengine init config; overrides the reference initialisation when given.
    """

    _abbr_ = 'srm'
    paper = 'SRM: A Style-based Recalibration Module for Convolutional Neural Networks'
    venue = 'ICCV 2019'
    arxiv = '1903.10829'
    year = 2019
    placement = ('ResNet: after the last BN of every block (after the downsample), before the '
                 'residual add; its parameters without weight decay')
    reference = 'hyunjaelee410/style-based-recalibration-module (models/recalibration_modules.py)'

    eps = 1e-5

    def __init__(self, in_channels: int, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        in_channels_arg('SRM', in_channels)
        self.in_channels = in_channels
        self.cfc = nn.Parameter(torch.empty(in_channels, 2))
        self.bn = nn.BatchNorm2d(in_channels)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        nn.init.zeros_(self.cfc)
        self.bn.reset_parameters()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self._check_input(x)
        b, c, h, w = x.shape
        n = h * w
        with fp32(x):
            xf = x.float().flatten(2)
            mu = xf.mean(dim=2)
            var = (xf - mu[:, :, None]).pow(2).sum(dim=2) / (n - 1 + (n == 1))
            std = (var + self.eps).sqrt()
            cfc = self.cfc.float()
            z = mu * cfc[:, 0] + std * cfc[:, 1]
            gate = torch.sigmoid(self.bn(z.reshape(b, c, 1, 1).to(self.bn.weight.dtype)))
        return x * gate.to(x.dtype)
