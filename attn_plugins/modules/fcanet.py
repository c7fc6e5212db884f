"""FcaNet: Frequency Channel Attention (Qin, Zhang, Wu, Li; ICCV 2021; arXiv 2012.11879)."""
import math
from typing import Tuple

import torch
from mmengine.registry import MODELS
from torch import nn

from ._base import AttentionModule
from ._utils import as_dtype, fp32, in_channels_arg, positive_int

# The official frequency selections (cfzd/FcaNet model/layer.py get_freq_indices): (u, v) indices
# on a 7×7 DCT grid, ranked by single-frequency ImageNet accuracy ('top'), lowest first ('low'),
# worst first ('bot'); 'topN' uses the first N.
_FREQ = {
    'top': ([0, 0, 6, 0, 0, 1, 1, 4, 5, 1, 3, 0, 0, 0, 3, 2, 4, 6, 3, 5, 5, 2, 6, 5, 5, 3, 3, 4, 2,
             2, 6, 1],
            [0, 1, 0, 5, 2, 0, 2, 0, 0, 6, 0, 4, 6, 3, 5, 2, 6, 3, 3, 3, 5, 1, 1, 2, 4, 2, 1, 1, 3,
             0, 5, 3]),
    'low': ([0, 0, 1, 1, 0, 2, 2, 1, 2, 0, 3, 4, 0, 1, 3, 0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5, 6, 1,
             2, 3, 4],
            [0, 1, 0, 1, 2, 0, 1, 2, 2, 3, 0, 0, 4, 3, 1, 5, 4, 3, 2, 1, 0, 6, 5, 4, 3, 2, 1, 0, 6,
             5, 4, 3]),
    'bot': ([6, 1, 3, 3, 2, 4, 1, 2, 4, 4, 5, 1, 4, 6, 2, 5, 6, 1, 6, 2, 2, 4, 3, 3, 5, 5, 6, 2, 5,
             5, 3, 6],
            [6, 4, 4, 6, 6, 3, 1, 4, 4, 5, 6, 5, 2, 2, 5, 1, 4, 3, 5, 0, 3, 1, 1, 2, 4, 2, 1, 1, 5,
             3, 3, 3]),
}
FREQ_METHODS = tuple(f'{k}{n}' for k in _FREQ for n in (1, 2, 4, 8, 16, 32))


def dct_basis(freq: int, size: int) -> torch.Tensor:
    """The orthonormal DCT-II basis vector of frequency ``freq`` on ``size`` points:
    ``cos(π f (i + ½) / N) / √N``, times √2 for f > 0 (the reference's ``build_filter``)."""
    i = torch.arange(size, dtype=torch.float64)
    v = torch.cos(math.pi * freq * (i + 0.5) / size) / math.sqrt(size)
    return v * math.sqrt(2) if freq else v


def adaptive_pool_matrix(n_in: int, n_out: int, device=None) -> torch.Tensor:
    """(n_out, n_in): row i averages input cells ``floor(i·n_in/n_out) .. ceil((i+1)·n_in/n_out)``,
    the bins of ``adaptive_avg_pool2d`` along one axis."""
    i = torch.arange(n_out, device=device)
    start = (i * n_in) // n_out
    end = ((i + 1) * n_in + n_out - 1) // n_out   # ceil, on non-negative ints (ONNX-safe)
    j = torch.arange(n_in, device=device)
    inside = (j[None] >= start[:, None]) & (j[None] < end[:, None])
    return inside.float() / (end - start)[:, None].float()


@MODELS.register_module()
class FcaNet(AttentionModule):
    """FcaNet's multi-spectral channel attention (``MultiSpectralAttentionLayer``).

    The channels are split into ``n`` parts (16 for 'top16'); part k is squeezed with one 2-D DCT
    basis function ``B_{u_k,v_k}(h, w)`` of a D×D grid (D = ``dct_size``): ``y_c = Σ_hw x_c B``
    (frequency (0, 0) is GAP up to a constant); then SE without biases,
    ``s = σ(W₂ δ(W₁ y))`` (C → C/r → C), ``out = x ⊙ s``. 2C²/r parameters (the DCT filters are
    fixed); ResNet-50 after bn3 with r = 16: **28,071,976** (the official ``fcanet50``).

    Matches ``MultiSpectralAttentionLayer(channel, dct_h, dct_w, reduction=16,
    freq_sel_method='top16')`` of cfzd/FcaNet (``model/layer.py``): the frequency tables, their
    scaling ``u·(D // 7)`` from the 7×7 grid, the orthonormal DCT-II filters, the bias-free FC
    layers (names ``fc.0``, ``fc.2``), and the detection path — an input whose size is not D×D is
    first ``adaptive_avg_pool2d``-ed to D×D. The official models use D = 56/28/14/7 in stages 1–4
    (224 input), given here per stage by the placement. Linear layers keep PyTorch's default init
    (as the reference).

    Deviations (the same values): the DCT basis is separable, ``B = f_u ⊗ f_v``, and adaptive
    pooling is linear, so pooling-then-filtering is evaluated as one filter on the input itself,
    ``y_c = Σ_h Σ_w x_c[h, w] (P_hᵀ f_u)[h] (P_wᵀ f_v)[w]`` with the pooling matrices P (exact;
    at H = W = D, P = I and it is the reference's filter): one pass over x, no adaptive pooling
    (whose CUDA backward is non-deterministic, FcaNet#37) and ONNX-exportable at any size. The
    filters are a non-persistent buffer of the n distinct (u, v) pairs (the reference stores a
    C×D×D persistent buffer ``dct_layer.weight``; a converter drops it). The squeeze is
    accumulated in fp32.

    Args:
        in_channels: C, divisible by the number of frequencies.
        dct_size: D (7: the 7×7 grid the frequencies were ranked on; the official ResNets use
            56/28/14/7 per stage).
        reduction: r of the FC layers.
        freq_sel_method: ``'top16'`` (paper), or top/low/bot with 1, 2, 4, 8, 16, 32.
        init_cfg: mmengine init config; overrides the reference initialisation when given.
    """

    _abbr_ = 'fca'
    paper = 'FcaNet: Frequency Channel Attention Networks'
    venue = 'ICCV 2021'
    arxiv = '2012.11879'
    year = 2021
    placement = ('ResNet: after the last BN of every block (bn3 / bn2), before the residual add; '
                 'DCT size 56/28/14/7 in stages 1-4 (ResNet-50: 28,071,976)')
    reference = 'cfzd/FcaNet (model/layer.py MultiSpectralAttentionLayer, model/fcanet.py)'

    def __init__(self, in_channels: int, dct_size: int = 7, reduction: int = 16,
                 freq_sel_method: str = 'top16', init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        in_channels_arg('FcaNet', in_channels)
        positive_int('FcaNet', 'dct_size', dct_size, 'use 7, or the training feature size')
        positive_int('FcaNet', 'reduction', reduction, 'the paper uses 16')
        if freq_sel_method not in FREQ_METHODS:
            raise ValueError(f'FcaNet: freq_sel_method={freq_sel_method!r} is not one of '
                             f'{FREQ_METHODS} (paper: \'top16\')')
        n = int(freq_sel_method[3:])
        if in_channels % n:
            raise ValueError(f'FcaNet: in_channels={in_channels} is not divisible by the {n} '
                             f'frequencies of {freq_sel_method!r}; use a multiple of {n} or fewer '
                             f'frequencies (e.g. \'top{math.gcd(in_channels, n)}\')')
        hidden = in_channels // reduction
        if hidden < 1:
            raise ValueError(f'FcaNet: in_channels // reduction = {in_channels} // {reduction} = '
                             f'0; use reduction <= {in_channels}')
        self.in_channels = in_channels
        self.dct_size = dct_size
        self.num_freq = n
        scale = dct_size // 7
        us, vs = (t[:n] for t in _FREQ[freq_sel_method[:3]])
        self.freqs = [(u * scale, v * scale) for u, v in zip(us, vs)]
        fu = torch.stack([dct_basis(u, dct_size) for u, _ in self.freqs]).float()
        fv = torch.stack([dct_basis(v, dct_size) for _, v in self.freqs]).float()
        self.register_buffer('dct_u', fu, persistent=False)    # (n, D): along H
        self.register_buffer('dct_v', fv, persistent=False)    # (n, D): along W
        self._filter_cache = {}
        self.fc = nn.Sequential(nn.Linear(in_channels, hidden, bias=False), nn.ReLU(inplace=True),
                                nn.Linear(hidden, in_channels, bias=False))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.fc[0].reset_parameters()
        self.fc[2].reset_parameters()

    def filters(self, h: int, w: int) -> Tuple[torch.Tensor, torch.Tensor]:
        """The separable filters (n, H), (n, W) applied to an H×W input (pooling folded in).

        In eager mode they are kept per input size (a few entries), so that a repeated size costs
        no extra ops per call; traced / compiled calls compute them in the graph."""
        fu, fv = self.dct_u, self.dct_v
        d = self.dct_size
        if h == d and w == d:
            return fu, fv
        eager = not (torch.jit.is_tracing() or torch.compiler.is_compiling())
        key = (h, w, fu.device, fu.dtype)
        if eager and key in self._filter_cache:
            return self._filter_cache[key]
        if h != d:
            fu = fu @ adaptive_pool_matrix(h, d, fu.device)
        if w != d:
            fv = fv @ adaptive_pool_matrix(w, d, fv.device)
        if eager and not fu.requires_grad:
            if len(self._filter_cache) >= 8:
                self._filter_cache.clear()
            self._filter_cache[key] = (fu, fv)
        return fu, fv

    def squeeze(self, x: torch.Tensor) -> torch.Tensor:
        """(B, C, H, W) → (B, C) multi-spectral descriptor, in fp32."""
        b, c, h, w = x.shape
        n = self.num_freq
        fu, fv = self.filters(h, w)
        with fp32(x):
            # (B, n, C/n·H, W) is a view of a contiguous x, so both contractions are batched
            # matrix-vector products over it (no permuted copy of x, one pass each way)
            xg = x.reshape(b, n, (c // n) * h, w)
            if xg.dtype != torch.float32 and xg.dtype != torch.float64:
                xg = xg.float()
            t = torch.matmul(xg, fv.to(xg.dtype).unsqueeze(-1))               # (B, n, C/n·H, 1)
            y = torch.matmul(t.reshape(b, n, c // n, h), fu.to(xg.dtype).unsqueeze(-1))
        return y.reshape(b, c)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self._check_input(x)
        b, c = x.shape[0], x.shape[1]
        s = torch.sigmoid(self.fc(as_dtype(self.squeeze(x), self.fc[0].weight.dtype)))
        return x * as_dtype(s, x.dtype).reshape(b, c, 1, 1)
