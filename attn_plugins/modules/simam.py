"""SimAM: a Simple, Parameter-Free Attention Module (Yang, Zhang, Li, Xie; ICML 2021, PMLR 139)."""
import torch
from mmengine.registry import MODELS

from ._base import AttentionModule
from ._utils import as_dtype, fp32, in_channels_arg


@MODELS.register_module()
class SimAM(AttentionModule):
    """SimAM: a full 3-D (C×H×W) gate from each neuron's energy, without parameters.

    Per channel, with ``n = H·W − 1``, ``d = (x − μ_c)²`` and ``v_c = Σ_hw d / n`` (the unbiased
    variance): ``E⁻¹ = d / (4 (v_c + λ)) + 0.5``, ``out = x ⊙ σ(E⁻¹)``.

    Matches ``simam_module(channels, e_lambda)`` of ZjjConan/SimAM
    (``networks/attentions/simam_module.py``, also in its mmdet backbone ``resnet_simam.py``).
    Its official position is *inside* the 3×3 conv, before the BN: the block's conv2 is wrapped as
    ``Sequential(conv2, simam)`` (Bottleneck and BasicBlock, position ``'before_norm2'``) and
    MobileNetV2's depthwise ConvBNReLU as ``(dw conv, simam, BN, ReLU6)`` (position
    ``'before_dw_norm'``); after the BN+ReLU (mmdet's ``after_conv2``) is *not* the official spot.

    λ (``e_lambda``): the module's default argument is **1e-4** (``simam_module``'s default, also
    the released CIFAR-100 ResNet-20 run ``...-simam-param0.0001``); the official ImageNet runs
    (``ckpts/imagenet-*-simam-param0.1``, the README's training commands) and the official mmdet
    Faster/Mask R-CNN configs pass **0.1**. The paper's own value is not verified here.

    Deviations (the same values where the reference is defined):

    - the statistics are computed in fp32 even under autocast (squared deviations overflow
      fp16); the gate is cast back to the input's dtype.
    - at H·W = 1 the reference divides 0 by 0 (NaN); here the variance is defined as 0 there, so
      the gate is σ(0.5).

    Args:
        in_channels: C (unused by the math: SimAM has no parameters).
        e_lambda: λ > 0, the regulariser of the energy function.
        init_cfg: accepted for the plugin contract (nothing to initialise).
    """

    _abbr_ = 'simam'
    paper = 'SimAM: A Simple, Parameter-Free Attention Module for Convolutional Neural Networks'
    venue = 'ICML 2021'
    arxiv = 'none (PMLR 139:11863-11874)'
    year = 2021
    placement = ('ResNet: inside conv2, after the 3×3 conv and before its BN (Bottleneck and '
                 "BasicBlock: position 'before_norm2'); MobileNetV2: between the depthwise conv "
                 "and its BN ('before_dw_norm'); λ=0.1 in the official ImageNet/COCO runs")
    reference = 'ZjjConan/SimAM (networks/attentions/simam_module.py, resnet_simam.py)'

    def __init__(self, in_channels: int, e_lambda: float = 1e-4, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        in_channels_arg('SimAM', in_channels)
        if isinstance(e_lambda, bool) or not isinstance(e_lambda, (int, float)) or \
                not e_lambda > 0:
            raise ValueError(f'SimAM: e_lambda must be a number > 0 (it keeps the energy finite '
                             f'on flat maps), got {e_lambda!r}; the module default is 1e-4, the '
                             f'official ImageNet/COCO runs use 0.1')
        self.in_channels = in_channels
        self.e_lambda = float(e_lambda)

    def reset_parameters(self) -> None:
        pass  # no parameters

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n = x.shape[2] * x.shape[3] - 1
        with fp32(x):
            xf = as_dtype(x, torch.float32) if x.dtype != torch.float64 else x
            d = (xf - xf.mean(dim=(2, 3), keepdim=True)).pow(2)
            # unbiased variance Σd / n; at n = 0, d ≡ 0 and the divisor is 1 (no Python branch on
            # the shape, which torch.jit.trace would freeze)
            v = d.sum(dim=(2, 3), keepdim=True) / (n + (n == 0))
            gate = torch.sigmoid(d / (4 * (v + self.e_lambda)) + 0.5)
        return x * as_dtype(gate, x.dtype)
