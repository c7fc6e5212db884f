"""STEAM: Squeeze and Transform Enhanced Attention Module (Sabharwal, Ram Samarth B B,
P. S. Rathore, P. Rathore; arXiv 2412.09023) — a re-implementation: no code has been released."""
import math
from typing import Optional

import torch
import torch.nn.functional as F
from mmengine.registry import MODELS
from torch import nn

from ._base import AttentionModule
from ._utils import fp32, make_odd


def eca_neighbors(channels: int, gamma: int = 2, b: int = 1) -> int:
    """ECA's adaptive kernel rule as a one-sided neighbour count k (kernel = 2k + 1).

    ``K = |log2(C)/γ + b/γ|_odd`` (timm's form, at least 3): C = 64/256/512/1024/2048 →
    k = 1/2/2/2/3.
    """
    t = int(abs(math.log2(channels) + b) / gamma)
    return (max(make_odd(t), 3) - 1) // 2


class ScalarGraphAttention(nn.Module):
    """One multi-head graph-transformer layer over scalar node features; 4·embed_dim weights.

    For node i with neighbours N(i) (a fixed graph): ``q_i = W_q h_i``, ``k_j = W_k h_j``,
    ``v_j = W_v h_j`` (each in R^d, split into ``num_heads`` heads of width d_h),
    ``α_ij = softmax_{j∈N(i)}(q_i·k_j / √d_h)`` per head, ``h_i' = h_i + W_o ⊕_heads Σ_j α_ij v_j``.

    With scalar node features ``q_i·k_j = h_i h_j ⟨W_q, W_k⟩_head`` and
    ``W_o Σ_j α_ij v_j = Σ_head ⟨W_o, W_v⟩_head Σ_j α_ij h_j``, so the layer is evaluated in that
    exact factorised form (no B×N×K×d tensor). No biases, no norm, no FFN.
    """

    def __init__(self, embed_dim: int, num_heads: int):
        super().__init__()
        self.embed_dim = embed_dim
        self.num_heads = num_heads
        self.q_proj = nn.Linear(1, embed_dim, bias=False)
        self.k_proj = nn.Linear(1, embed_dim, bias=False)
        self.v_proj = nn.Linear(1, embed_dim, bias=False)
        self.out_proj = nn.Linear(embed_dim, 1, bias=False)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        for proj in (self.q_proj, self.k_proj, self.v_proj):
            nn.init.xavier_uniform_(proj.weight)
        nn.init.zeros_(self.out_proj.weight)

    def forward(self, h: torch.Tensor, nbr: torch.Tensor,
                mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        """h: (B, N) nodes; nbr: (B, N, K) their neighbours; mask: (N, K) bool, True = edge.

        Returns (B, N) in fp32 (callers run it inside :func:`fp32`)."""
        heads, d_head = self.num_heads, self.embed_dim // self.num_heads
        wq = self.q_proj.weight.float().reshape(heads, d_head)
        wk = self.k_proj.weight.float().reshape(heads, d_head)
        wv = self.v_proj.weight.float().reshape(heads, d_head)
        wo = self.out_proj.weight.float().reshape(heads, d_head)
        score = (wq * wk).sum(-1) / math.sqrt(d_head)                      # (heads,)
        value = (wo * wv).sum(-1)                                           # (heads,)
        nbr = nbr[:, :, None, :]                                            # (B, N, 1, K)
        logits = (h[:, :, None, None] * score[:, None]) * nbr              # (B, N, heads, K)
        if mask is not None:
            logits = logits.masked_fill(~mask[None, :, None, :], float('-inf'))
        attn = torch.softmax(logits, dim=-1)
        agg = (attn * nbr).sum(dim=-1)                                      # (B, N, heads)
        return h + (agg * value).sum(dim=-1)


@MODELS.register_module()
class STEAM(AttentionModule):
    """STEAM — **re-implementation** from the abstract (no code or method section is available).

    ``Mc = σ(CIA(GAP(x)))`` on a cyclic channel graph, ``x₁ = x ⊙ Mc``;
    ``Ms = up(σ(SIA(OGP(mean_c(x₁)))))`` on a grid graph of pooled cells, ``out = x₁ ⊙ Ms``.
    CIA and SIA are each one multi-head graph-transformer layer on scalar node features
    (:class:`ScalarGraphAttention`, 4·embed_dim weights), so the module has 8·embed_dim parameters
    (64 at the defaults) whatever C, H and W are.

    Verified (abstract): a constant-parameter module integrating channel and spatial attention
    through relational modelling on graphs with multi-head graph transformers, plus Output Guided
    Pooling (OGP) for spatial context. From a secondary summary: the names CIA/SIA and "8d
    parameters per unit; ≈320 parameters in ResNet-50 for d=8", i.e. 5 units (320/64), not one per
    bottleneck (16 × 64 = 1,024); units are placed "adaptively per stage" — the integrator's choice.

    Every unknown and the choice made here:

    - Node features: CIA — the global average of each channel; SIA — the channel mean of
      ``x ⊙ Mc`` average-pooled onto the OGP grid. One scalar per node (no max pooling).
    - CIA graph: cyclic 1-D, node i linked to i−k … i+k (mod C), itself included;
      ``channel_neighbors=None`` picks k with ECA's kernel rule (2k+1 = |log2(C)/2 + 1/2|_odd, at
      least 3: k = 1 for C = 64, 2 for 256…1024, 3 for 2048). k is capped at (C−1)//2 so that no
      channel appears twice in a neighbourhood.
    - Graph layer: per-head scalar→d projections W_q, W_k, W_v, scaled dot-product softmax over the
      neighbours, heads concatenated, W_o: d→1, residual ``h + h'``; no biases, norm or FFN; the
      sigmoid of the result is the gate.
    - OGP: adaptive average pooling to a fixed ``ogp_size``² grid (7 = the backbone's output
      resolution at 224 input; the same grid in every stage); it upsamples when H or W < ogp_size.
    - SIA graph: each cell attends over its ``spatial_neighborhood``² window (itself included);
      cells beyond the border are masked out of the softmax, not treated as zero-valued nodes.
    - Back to H×W: sigmoid on the grid, then bilinear interpolation (``align_corners=False``).
    - Combination: sequential, channel gate then spatial gate (CBAM-style).
    - Initialisation: W_q, W_k, W_v xavier-uniform; W_o zero, so the gates start as σ(node
      feature) (σ(GAP) per channel, σ(pooled channel mean) per cell) and the graph terms are
      learned from there.

    The graph attention (logits, softmax, aggregation) and the pooling run in fp32 with autocast
    off; the output has the input's dtype. ``torch.jit.trace`` works; ONNX export of
    ``adaptive_avg_pool2d`` only works when H and W are multiples of ``ogp_size`` (a torch.onnx
    limitation), so export at other sizes fails.

    Args:
        in_channels: C (the parameters do not depend on it).
        embed_dim: d, the width of the q/k/v projections of both graph layers.
        num_heads: attention heads; must divide ``embed_dim``.
        channel_neighbors: k of the cyclic channel graph; ``None`` = ECA's adaptive rule.
        ogp_size: side of the OGP grid.
        spatial_neighborhood: odd window side of the grid graph (3 = 8-neighbourhood).
        init_cfg: mmengine init config; overrides the reference initialisation when given.
    """

    _abbr_ = 'steam'
    paper = 'STEAM: Squeeze and Transform Enhanced Attention Module'
    venue = 'arXiv 2024'
    arxiv = '2412.09023'
    year = 2024
    placement = ('ResNet: after the last BN of a block, before the residual add, in a few blocks '
                 'per stage (≈320 params in ResNet-50 = 5 units per the summary); unverified')
    reference = 'none (no released code); re-implementation from the abstract and summaries'
    reimplementation = True

    def __init__(self, in_channels: int, embed_dim: int = 8, num_heads: int = 2,
                 channel_neighbors: Optional[int] = None, ogp_size: int = 7,
                 spatial_neighborhood: int = 3, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        if not isinstance(in_channels, int) or in_channels < 1:
            raise ValueError(f'STEAM: in_channels must be a positive integer, got {in_channels!r}')
        if not isinstance(embed_dim, int) or embed_dim < 1:
            raise ValueError(f'STEAM: embed_dim must be a positive integer, got {embed_dim!r}')
        if not isinstance(num_heads, int) or num_heads < 1 or embed_dim % num_heads:
            divisors = [h for h in range(1, embed_dim + 1) if embed_dim % h == 0]
            raise ValueError(f'STEAM: embed_dim={embed_dim} is not divisible by '
                             f'num_heads={num_heads!r}; use num_heads in {divisors}')
        if channel_neighbors is None:
            channel_neighbors = eca_neighbors(in_channels)
        elif not isinstance(channel_neighbors, int) or channel_neighbors < 0:
            raise ValueError(f'STEAM: channel_neighbors must be None or an integer >= 0, '
                             f'got {channel_neighbors!r}')
        if not isinstance(ogp_size, int) or ogp_size < 1:
            raise ValueError(f'STEAM: ogp_size must be an integer >= 1 (7 for 224 inputs), '
                             f'got {ogp_size!r}')
        if (not isinstance(spatial_neighborhood, int) or spatial_neighborhood < 1
                or spatial_neighborhood % 2 == 0):
            raise ValueError(f'STEAM: spatial_neighborhood must be an odd integer >= 1 (e.g. 3), '
                             f'got {spatial_neighborhood!r}')
        self.in_channels = in_channels
        self.channel_neighbors = min(channel_neighbors, (in_channels - 1) // 2)
        self.ogp_size = ogp_size
        self.spatial_neighborhood = spatial_neighborhood
        self.cia = ScalarGraphAttention(embed_dim, num_heads)
        self.sia = ScalarGraphAttention(embed_dim, num_heads)
        # (G², s²) adjacency of the grid graph: True where the window cell lies inside the grid.
        p = spatial_neighborhood // 2
        inside = F.pad(torch.ones(ogp_size, ogp_size), (p, p, p, p))
        self.register_buffer('grid_mask', self._windows(inside[None])[0] > 0, persistent=False)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.cia.reset_parameters()
        self.sia.reset_parameters()

    def _windows(self, padded: torch.Tensor) -> torch.Tensor:
        """(B, G+2p, G+2p) → (B, G², s²): the s×s window of every grid cell (row-major)."""
        s, g = self.spatial_neighborhood, self.ogp_size
        cells = [padded[:, dy:dy + g, dx:dx + g] for dy in range(s) for dx in range(s)]
        return torch.stack(cells, dim=-1).flatten(1, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, h, w = x.shape
        k, g, p = self.channel_neighbors, self.ogp_size, self.spatial_neighborhood // 2
        with fp32(x):
            # CIA: nodes = channels (GAP), cyclic neighbours i-k..i+k.
            node = x.mean(dim=(2, 3), dtype=torch.float32)                          # (B, C)
            nbr = torch.stack([torch.roll(node, -o, dims=1) for o in range(-k, k + 1)], -1)
            mc = torch.sigmoid(self.cia(node, nbr))
        x = x * mc.to(x.dtype)[:, :, None, None]
        with fp32(x):
            # SIA: nodes = OGP cells of the channel-mean map, s×s window, padding masked.
            cell = F.adaptive_avg_pool2d(x.mean(dim=1, keepdim=True, dtype=torch.float32), g)
            nbr = self._windows(F.pad(cell[:, 0], (p, p, p, p)))                  # (B, G², s²)
            ms = torch.sigmoid(self.sia(cell.flatten(1), nbr, self.grid_mask))
            ms = F.interpolate(ms.reshape(b, 1, g, g), size=(h, w), mode='bilinear',
                               align_corners=False)
        return x * ms.to(x.dtype)
