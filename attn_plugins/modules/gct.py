"""GCT: Gated Channel Transformation (Yang, Zhu, Wu, Yang; CVPR 2020; arXiv 1909.11519)."""
import torch
from mmengine.registry import MODELS
from torch import nn

from ._base import AttentionModule
from ._utils import fp32

GCT_MODES = ('l2', 'l1')


@MODELS.register_module()
class GCT(AttentionModule):
    """Gated Channel Transformation: global context embedding, channel normalisation, tanh gate.

    ``s_c = α_c ‖x_c‖₂ = α_c sqrt(Σ_{h,w} x_c² + ε)``, ``ŝ_c = γ_c s_c / sqrt(mean_c s² + ε)``,
    ``out = x ⊙ (1 + tanh(ŝ + β))`` (``mode='l2'``); ``mode='l1'`` uses ``s_c = α_c Σ|x_c|``
    (``Σ x_c`` when ``after_relu``) and ``ŝ_c = γ_c s_c / (mean_c |s| + ε)``. 3C parameters
    (α, γ, β, each (1, C, 1, 1)).

    Matches ``z-x-yang/GCT`` (``PyTorch/GCT.py``), including the initialisation α = 1, γ = 0,
    β = 0, so the module is exactly the identity at initialisation. ``after_relu`` only affects
    ``mode='l1'``. The paper places a GCT before every convolution of the network (stem, conv1-3
    and downsample of each bottleneck: ResNet-50 +67,593); one per block is the lighter option.

    Deviation: the embedding, the normalisation and the gate are computed in fp32 with autocast
    disabled (Σx² over a 56×56 map overflows fp16); the gate is cast back to the input dtype.

    The authors train without weight decay on β; with mmengine::

        optim_wrapper = dict(..., paramwise_cfg=dict(custom_keys={'beta': dict(decay_mult=0.)}))

    Args:
        in_channels: C.
        epsilon: ε, added inside the square roots / to the l1 normaliser.
        mode: ``'l2'`` (default) or ``'l1'``.
        after_relu: for ``mode='l1'``, the input is non-negative, so Σx is used instead of Σ|x|.
        init_cfg: mmengine init config; overrides the reference initialisation when given.
    """

    _abbr_ = 'gct'
    paper = 'Gated Channel Transformation for Visual Recognition'
    venue = 'CVPR 2020'
    arxiv = '1909.11519'
    year = 2020
    placement = 'ResNet: before every convolution (stem, conv1-3, downsample); lighter: one per block'
    reference = 'z-x-yang/GCT (PyTorch/GCT.py, PyTorch/resnet.py)'

    def __init__(self, in_channels: int, epsilon: float = 1e-5, mode: str = 'l2',
                 after_relu: bool = False, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        if not isinstance(in_channels, int) or in_channels < 1:
            raise ValueError(f'GCT: in_channels must be a positive integer, got {in_channels!r}')
        if not epsilon > 0:
            raise ValueError(f'GCT: epsilon must be > 0 (it keeps the normalisation finite for an '
                             f'all-zero input), got {epsilon!r}; the paper uses 1e-5')
        if mode not in GCT_MODES:
            raise ValueError(f"GCT: mode={mode!r} is not one of {GCT_MODES}; the paper uses 'l2'")
        self.in_channels = in_channels
        self.epsilon = float(epsilon)
        self.mode = mode
        self.after_relu = after_relu
        self.alpha = nn.Parameter(torch.empty(1, in_channels, 1, 1))
        self.gamma = nn.Parameter(torch.empty(1, in_channels, 1, 1))
        self.beta = nn.Parameter(torch.empty(1, in_channels, 1, 1))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        nn.init.ones_(self.alpha)
        nn.init.zeros_(self.gamma)
        nn.init.zeros_(self.beta)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self._check_input(x)
        eps = self.epsilon
        with fp32(x):
            xf = x.float()
            alpha, gamma, beta = self.alpha.float(), self.gamma.float(), self.beta.float()
            # Σx² and Σ|x| as norms: one reduction pass, no x², |x| temporaries of x's size
            if self.mode == 'l2':
                sq = torch.linalg.vector_norm(xf, dim=(2, 3), keepdim=True).pow(2)
                emb = (sq + eps).sqrt() * alpha
                norm = gamma / (emb.pow(2).mean(dim=1, keepdim=True) + eps).sqrt()
            else:
                l1 = xf.sum(dim=(2, 3), keepdim=True) if self.after_relu else \
                    torch.linalg.vector_norm(xf, ord=1, dim=(2, 3), keepdim=True)
                emb = l1 * alpha
                norm = gamma / (emb.abs().mean(dim=1, keepdim=True) + eps)
            gate = 1. + torch.tanh(emb * norm + beta)
        return x * gate.to(x.dtype)
