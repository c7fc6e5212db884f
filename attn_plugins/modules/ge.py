"""GE: Gather-Excite (Hu, Shen, Albanie, Sun, Vedaldi; NeurIPS 2018; arXiv 1810.12348)."""
import torch
import torch.nn.functional as F
from mmengine.registry import MODELS
from torch import nn

from ._base import AttentionModule
from ._utils import in_channels_arg, init_conv_bn, pool_hw, positive_int

GE_VARIANTS = ('theta-', 'theta', 'theta+')


@MODELS.register_module()
class GE(AttentionModule):
    """Gather-Excite with a global extent: ``out = x ⊙ σ(excite(gather(x)))``.

    - ``'theta-'`` (GE-θ⁻, parameter-free): gather = global average pooling; ``x ⊙ σ(GAP x)``.
    - ``'theta'`` (GE-θ): gather = a depthwise conv whose kernel covers the whole map (k×k on a
      k×k map, no bias) → BN; ``x ⊙ σ(BN(dwconv_k x))``; C·k² + 2C parameters.
    - ``'theta+'`` (GE-θ⁺): GE-θ's gather → ReLU → 1×1 conv C→C/16 (bias) → ReLU → 1×1 conv
      (bias) → σ; C·k² + 2C + 2C²/16 + C/16 + C parameters.

    ResNet-50 after bn3 with k = 56/28/14/7 in stages 1–4: GE-θ⁻ 25,557,032, GE-θ 31,106,600,
    GE-θ⁺ 33,637,592.

    Matches the official Caffe models of hujie-frank/GENet (``RN50-GEPF.prototxt`` θ⁻,
    ``RN50-GEP.prototxt`` θ, ``RN50-GEPP.prototxt`` θ⁺): global extent, placed after bn3 of every
    block; the excite is the broadcast multiply (Caffe's Axpy layer fuses it with the residual
    add). Initialisation: the depthwise conv kaiming-normal (``fan_out``), BN weight 1 / bias 0,
    the 1×1 convs kaiming-normal with zero biases (Caffe's msra filler / constant biases).

    **Any input size**: the official global depthwise kernels are fixed to the 224-input feature
    sizes (56/28/14/7), so those models run only at 224. Here ``global_size`` = k is the kernel
    (the training feature size); a map of another size is first average-pooled to k×k
    (``adaptive_avg_pool2d``: a bin average, the detection path FcaNet's authors use for the same
    problem), then the k×k kernel gathers it; at H = W = k this is exactly the official operator.
    GE-θ⁻ needs no size.

    The paper's local extents (E2/E4/E8) are not in the official files and are not implemented.
    The gather BN normalises a (B, C, 1, 1) tensor: training needs a batch of at least 2 (as BAM).

    Args:
        in_channels: C.
        variant: ``'theta-'``, ``'theta'`` or ``'theta+'``.
        global_size: k, the feature size the global kernel was trained at (θ, θ⁺).
        reduction: r of GE-θ⁺'s excite MLP (16).
        init_cfg: mmengine init config; overrides the reference initialisation when given.
    """

    _abbr_ = 'ge'
    paper = 'Gather-Excite: Exploiting Feature Context in Convolutional Neural Networks'
    venue = 'NeurIPS 2018'
    arxiv = '1810.12348'
    year = 2018
    placement = ('ResNet: after the last BN of every block (bn3), before the residual add; global '
                 'extent, kernel 56/28/14/7 in stages 1-4 (any input size: pooled to it)')
    reference = 'hujie-frank/GENet (RN50-GEPF/GEP/GEPP.prototxt, Caffe)'

    def __init__(self, in_channels: int, variant: str = 'theta+', global_size: int = 7,
                 reduction: int = 16, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        in_channels_arg('GE', in_channels)
        if variant not in GE_VARIANTS:
            raise ValueError(f"GE: variant={variant!r} is not one of {GE_VARIANTS} (GE-θ⁻: "
                             f"parameter-free, GE-θ: depthwise gather, GE-θ⁺: + excite MLP)")
        positive_int('GE', 'global_size', global_size,
                     'the feature size the gather kernel covers (7 for the last ResNet stage at '
                     '224 input)')
        positive_int('GE', 'reduction', reduction, 'the paper uses 16')
        self.in_channels = in_channels
        self.variant = variant
        self.global_size = global_size
        if variant != 'theta-':
            self.gather_conv = nn.Conv2d(in_channels, in_channels, global_size,
                                         groups=in_channels, bias=False)
            self.gather_bn = nn.BatchNorm2d(in_channels)
        if variant == 'theta+':
            hidden = max(1, in_channels // reduction)
            self.excite_fc1 = nn.Conv2d(in_channels, hidden, 1)
            self.excite_fc2 = nn.Conv2d(hidden, in_channels, 1)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init_conv_bn(self, lambda w: nn.init.kaiming_normal_(w, mode='fan_out'))

    def gather(self, x: torch.Tensor) -> torch.Tensor:
        """(B, C, H, W) → (B, C, 1, 1) gathered context (before the excite)."""
        if self.variant == 'theta-':
            return pool_hw(x)
        k = self.global_size
        if x.shape[2] != k or x.shape[3] != k:
            x = F.adaptive_avg_pool2d(x, k)
        return self.gather_bn(self.gather_conv(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self._check_input(x)
        g = self.gather(x)
        if self.variant == 'theta+':
            g = self.excite_fc2(torch.relu(self.excite_fc1(torch.relu(g))))
        return x * torch.sigmoid(g).to(x.dtype)
