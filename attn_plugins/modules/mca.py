"""MCA: Moment Channel Attention (Jiang, Jiang, Han, Huang, Zheng; AAAI 2024; arXiv 2403.01713)."""
import torch
from mmengine.registry import MODELS
from torch import nn

from ._base import AttentionModule
from ._utils import fp32, in_channels_arg, odd_kernel, std_safe

MCA_VARIANTS = ('E', 'S')


def moments(x: torch.Tensor, variant: str) -> torch.Tensor:
    """(B, C, H, W) → (B, 2, C) in fp32: [mean; population std] (``'E'``) or [mean; skewness]
    (``'S'``, ``mean((x − μ)³) / (σ³ + 1e-5)``)."""
    xf = x.float().flatten(2)
    mu = xf.mean(dim=2, keepdim=True)
    centred = xf - mu
    var = centred.pow(2).mean(dim=2, keepdim=True)
    std = std_safe(var)
    if variant == 'E':
        second = std
    else:
        second = centred.pow(3).mean(dim=2, keepdim=True) / (std.pow(3) + 1e-5)
    return torch.cat([mu, second], dim=2).transpose(1, 2)


@MODELS.register_module()
class MCA(AttentionModule):
    """Moment Channel Attention: an ECA-like 1-D conv across channels over two moments.

    ``m = [mean_hw(x); σ_hw(x)]`` (MCA-E) or ``[mean_hw(x); skew_hw(x)]`` (MCA-S) as a (2, C)
    sequence, ``ω = σ(conv1d_{2→1, k}(m) + b)`` (zero padding (k-1)/2), ``out = x ⊙ ω``;
    2k + 1 parameters per module (7 at k = 3; ResNet-50 after bn3: +112).

    Matches ``MomentAttention_v1`` (MCA-E: mean and the population std, ``unbiased=False``) and
    ``MomentAttention_v2`` (MCA-S: mean and skewness ``Σ(x−μ)³/n / (σ³ + 1e-5)``) of CSDLLab/MCA
    (``moment.py``): ``Conv1d(2, 1, k, padding=(k-1)//2)`` with bias, PyTorch's default init,
    k = 3 in both (the released file hard-codes 3; its comment "for Moment_Strong, k = 7" is not
    applied — ``kernel_size=7`` reaches it).

    Paper–code: the paper's figure has a learnable factor α per moment; the code has none (the
    2-channel conv absorbs it) — this module follows the code. The released repository has no
    network, so the placement (after the last BN, as ECA) is an assumption.

    Deviations: the moments are computed in fp32 with autocast off (a cubic moment overflows in
    half precision); the standard deviation has a finite gradient where it is 0 (a constant map,
    a 1×1 map), where ``torch.std``'s is NaN.

    Args:
        in_channels: C (the parameters do not depend on it).
        variant: ``'E'`` (mean + std, MCA-E) or ``'S'`` (mean + skewness, MCA-S).
        kernel_size: odd k of the 1-D conv (released code: 3).
        init_cfg: mmengine init config; overrides the reference initialisation when given.
    """

    _abbr_ = 'mca'
    paper = 'MCA: Moment Channel Attention Networks'
    venue = 'AAAI 2024'
    arxiv = '2403.01713'
    year = 2024
    placement = ('after the last BN of every block, before the residual add (as ECA; the released '
                 'code gives no placement); a STEAM baseline')
    reference = 'CSDLLab/MCA (moment.py MomentAttention_v1 / _v2)'
    disambiguation = ('"MCA" here is Moment Channel Attention (Jiang et al., AAAI 2024); not '
                      'Multidimensional Collaborative Attention (MCANet, Yu et al., EAAI 2023)')

    def __init__(self, in_channels: int, variant: str = 'E', kernel_size: int = 3,
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        in_channels_arg('MCA', in_channels)
        if variant not in MCA_VARIANTS:
            raise ValueError(f"MCA: variant={variant!r} is not one of {MCA_VARIANTS} ('E': mean + "
                             f"std, MCA-E; 'S': mean + skewness, MCA-S)")
        odd_kernel('MCA', 'kernel_size', kernel_size, 'the channel count')
        self.in_channels = in_channels
        self.variant = variant
        self.kernel_size = kernel_size
        self.conv = nn.Conv1d(2, 1, kernel_size, padding=(kernel_size - 1) // 2)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.conv.reset_parameters()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c = x.shape[0], x.shape[1]
        with fp32(x):
            m = moments(x, self.variant)                                    # (B, 2, C)
            gate = torch.sigmoid(self.conv(m.to(self.conv.weight.dtype)))   # (B, 1, C)
        return x * gate.to(x.dtype).reshape(b, c, 1, 1)
