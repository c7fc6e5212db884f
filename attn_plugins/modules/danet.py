"""DANet's position and channel attention modules (Fu, Liu, Tian, Li, Bao, Fang, Lu; CVPR 2019;
arXiv 1809.02983)."""
import torch
from mmengine.registry import MODELS
from torch import nn

from ._base import AttentionModule
from ._utils import fp32, in_channels_arg, max_over


class _DANetModule(AttentionModule):
    """The catalogue attributes PAM and CAM share (not registered itself)."""

    paper = 'Dual Attention Network for Scene Segmentation'
    venue = 'CVPR 2019'
    arxiv = '1809.02983'
    year = 2019
    reference = 'junfu1115/DANet (encoding/nn/da_att.py)'
    placement = ('a head on the dilated ResNet\'s last stage in the paper (DANetHead); as a '
                 'backbone plugin: after res4 and res5 (after_stage of layer3 and layer4); '
                 'identity at init (γ = 0)')


@MODELS.register_module()
class PAM(_DANetModule):
    """DANet's Position Attention Module: non-local self-attention over positions, γ-scaled.

    ``q, k = W_{q,k} x`` (1×1 conv C → C/8, bias), ``v = W_v x`` (1×1 conv C → C, bias);
    ``A = softmax_j(q_iᵀ k_j)`` over all H·W positions; ``out = γ · (v Aᵀ) + x`` with a scalar γ
    initialised to **0** (identity at initialisation). Parameters ``1.25C² + 1.25C + 1`` for C
    divisible by 8. Memory O((H·W)²) per image, as the paper's head at output stride 8.

    Matches ``PAM_Module`` of junfu1115/DANet (names ``query_conv``, ``key_conv``,
    ``value_conv``, ``gamma``; PyTorch's default conv init). Under autocast the energy and the
    softmax follow torch's policy (matmul in half precision, softmax in fp32).

    Args:
        in_channels: C (at least 8: the query/key width is C // 8).
        init_cfg: mmengine init config; overrides the reference initialisation when given.
    """

    _abbr_ = 'pam'

    def __init__(self, in_channels: int, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        in_channels_arg('PAM', in_channels)
        if in_channels < 8:
            raise ValueError(f'PAM: in_channels={in_channels} < 8, so the query/key width '
                             f'in_channels // 8 would be 0; use it on maps of >= 8 channels')
        self.in_channels = in_channels
        self.query_conv = nn.Conv2d(in_channels, in_channels // 8, 1)
        self.key_conv = nn.Conv2d(in_channels, in_channels // 8, 1)
        self.value_conv = nn.Conv2d(in_channels, in_channels, 1)
        self.gamma = nn.Parameter(torch.zeros(1))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        for conv in (self.query_conv, self.key_conv, self.value_conv):
            conv.reset_parameters()
        nn.init.zeros_(self.gamma)

    def attention(self, x: torch.Tensor) -> torch.Tensor:
        """(B, HW, HW): row i = the softmax weights position i gives every position j."""
        q = self.query_conv(x).flatten(2)                       # (B, C/8, HW)
        k = self.key_conv(x).flatten(2)
        return torch.softmax(torch.bmm(q.transpose(1, 2), k), dim=-1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self._check_input(x)
        b, c, h, w = x.shape
        a = self.attention(x)
        v = self.value_conv(x).flatten(2)                       # (B, C, HW)
        out = torch.bmm(v, a.transpose(1, 2).to(v.dtype)).reshape(b, c, h, w)
        return self.gamma.to(out.dtype) * out + x


@MODELS.register_module()
class CAM(_DANetModule):
    """DANet's Channel Attention Module: self-attention over channels, γ-scaled, parameter-free
    apart from γ.

    ``E = X Xᵀ`` (C×C over the flattened H·W), ``A = softmax_j(max_j E_ij − E_ij)``,
    ``out = γ · (A X) + x`` with γ initialised to **0**; one parameter.

    Matches ``CAM_Module`` of junfu1115/DANet, including its ``max(E) − E`` inside the softmax (a
    stabilising trick that is not in the paper, and that inverts the ranking: the most similar
    channels get the *smallest* weights, as in the released models). The energy is computed in
    fp32 with autocast off (a sum of H·W products overflows fp16).

    Args:
        in_channels: C (unused by the parameters).
        init_cfg: mmengine init config; overrides the reference initialisation when given.
    """

    _abbr_ = 'cam'

    def __init__(self, in_channels: int, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.in_channels = in_channels_arg('CAM', in_channels)
        self.gamma = nn.Parameter(torch.zeros(1))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        nn.init.zeros_(self.gamma)

    def attention(self, x: torch.Tensor) -> torch.Tensor:
        """(B, C, C) channel affinities (rows sum to 1), in fp32."""
        with fp32(x):
            f = x.flatten(2).float()
            energy = torch.bmm(f, f.transpose(1, 2))
            energy = max_over(energy, -1, keepdim=True) - energy
            return torch.softmax(energy, dim=-1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, h, w = x.shape
        a = self.attention(x)
        out = torch.bmm(a.to(x.dtype), x.flatten(2)).reshape(b, c, h, w)
        return self.gamma.to(out.dtype) * out + x
