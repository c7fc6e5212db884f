"""SGE: Spatial Group-wise Enhance (Li, Hu, Yang; arXiv 1905.09646)."""
from typing import Optional

import torch
from mmengine.registry import MODELS
from torch import nn

from ._base import AttentionModule
from ._utils import fp32, resolve_groups, std_safe


@MODELS.register_module()
class SGE(AttentionModule):
    """Spatial Group-wise Enhance.

    Paper: *Spatial Group-wise Enhance: Improving Semantic Feature Learning in Convolutional
    Networks* (Li, Hu, Yang), arXiv 1905.09646 (2019).

    Per group ``x_g ∈ R^{C/G×H×W}``: ``a = Σ_c x_g ⊙ GAP(x_g)``,
    ``â = (a − μ_{HW}(a)) / (σ_{HW}(a) + 1e-5)``, ``out_g = x_g ⊙ sigmoid(w_g·â + b_g)``.

    Matches ``SpatialGroupEnhance`` of implus/PytorchInsight (``classification/models/imagenet/
    resnet_sge.py``): statistics per sample and group over H·W (no running statistics), the
    *unbiased* standard deviation, ``weight`` ``(1, G, 1, 1)`` initialised to 0 and ``bias`` to 1 (so
    every gate starts at σ(1)), 2G parameters (ResNet-50, G=64 after the last BN of all 16 blocks:
    +2,048). State-dict names (``weight``, ``bias``) are the reference's.

    Deliberate deviations:

    - at H·W = 1 the reference divides by an unbiased std of a single value (NaN); here the std is
      defined as 0 there, so ``â = 0`` and the gate is ``sigmoid(b_g)``. The standard deviation is
      also computed so that its gradient is finite where it is 0 (the reference's ``torch.std``
      gives NaN gradients for a constant map); the forward values are otherwise identical.
    - the statistics (pooling, similarity, normalisation, gate) are computed in fp32 even under
      autocast; the output is in the input's dtype.
    - ``group_fallback='largest_divisor'`` (opt-in) uses the largest ``g <= groups`` dividing C for
      widths G=64 does not divide (e.g. MobileNetV2's 24 → 24 groups); the default raises.

    Args:
        in_channels: C, must be divisible by ``groups`` unless ``group_fallback`` is set.
        groups: G (paper: 64 for every stage).
        group_fallback: None (raise on indivisible widths) or ``'largest_divisor'``.
        init_cfg: mmengine init config; overrides the reference initialisation when given.
    """

    _abbr_ = 'sge'
    paper = ('Spatial Group-wise Enhance: Improving Semantic Feature Learning in '
             'Convolutional Networks')
    venue = 'arXiv 2019'
    arxiv = '1905.09646'
    year = 2019
    placement = ('ResNet: after the last BN of every block, before the residual add (G=64 in all '
                 'stages)')
    reference = 'implus/PytorchInsight (SpatialGroupEnhance, resnet_sge.py)'

    eps = 1e-5

    def __init__(self, in_channels: int, groups: int = 64, group_fallback: Optional[str] = None,
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.groups = resolve_groups('SGE', in_channels, groups, fallback=group_fallback)
        self.in_channels = in_channels
        self.weight = nn.Parameter(torch.empty(1, self.groups, 1, 1))
        self.bias = nn.Parameter(torch.empty(1, self.groups, 1, 1))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        nn.init.zeros_(self.weight)
        nn.init.ones_(self.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self._check_input(x)
        b, c, h, w = x.shape
        g = self.groups
        xg = x.reshape(b, g, c // g, h, w)   # splits C only: a view for any memory format
        with fp32(x):
            xf = xg.float()
            pooled = xf.mean(dim=(3, 4))                               # (B, G, C/G)
            sim = torch.einsum('bgchw,bgc->bghw', xf, pooled)          # (B, G, H, W)
            t = sim.flatten(2)
            t = t - t.mean(dim=2, keepdim=True)
            n = h * w
            # unbiased: Σt² / (n − 1); at n = 1, t ≡ 0 and the divisor is 1, so var = 0 (no Python
            # branch on n, which torch.jit.trace would freeze).
            var = t.pow(2).sum(dim=2, keepdim=True) / (n - 1 + (n == 1))
            # sqrt only where var > 0, so neither the value nor its gradient is NaN/inf at 0.
            std = std_safe(var)
            t = (t / (std + self.eps)).view(b, g, h, w)
            gate = torch.sigmoid(t * self.weight.float() + self.bias.float())
        out = xg * gate.unsqueeze(2).to(x.dtype)
        return out.reshape(b, c, h, w)
