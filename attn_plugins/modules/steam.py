"""STEAM: Squeeze and Transform Enhanced Attention Module (Sabharwal, Ram Samarth B B,
P. S. Rathore, P. Rathore; arXiv 2412.09023) — a re-implementation: the authors released only
partial code (sabharwalrishabh/STEAM), without the graph-transformer layer."""
import math
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from mmengine.registry import MODELS
from torch import nn

from ._base import AttentionModule
from ._utils import fp32, in_channels_arg, make_odd, positive_int


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


STEAM_SPATIAL_GRAPHS = ('cross', 'window')
STEAM_UPSAMPLE = ('nearest', 'bilinear')
STEAM_COMBINE = ('residual_tanh', 'sequential')


@MODELS.register_module()
class STEAM(AttentionModule):
    """STEAM — **re-implementation**, following the first author's partial code
    (sabharwalrishabh/STEAM@7e7e639: ``resnet_gat.py``, ``new_utils.py``) for everything it fixes.

    ``Mc = σ(CIA(GAP(x)))`` on a channel cycle graph; ``y = tanh(x ⊙ Mc)``;
    ``Ms = up(σ(SIA(OGP(mean_c y))))`` on a 4-neighbour grid of pooled cells;
    ``out = x + y ⊙ Ms`` (``combine='residual_tanh'``, the author code's ``GATLayer``, order
    "ca-sa"). CIA and SIA are each one multi-head graph-transformer layer on scalar node features
    (:class:`ScalarGraphAttention`, 4·embed_dim weights), so the module has 8·embed_dim parameters
    (64 at the defaults) whatever C, H and W are.

    Fixed by the author code (defaults here):

    - CIA graph: the cycle i ↔ i ± 1 (mod C) for every C (``create_edge_list``); node feature =
      the channel's global average.
    - SIA graph: the 4-neighbour grid of the OGP cells (``create_spatial_adjacency_matrix``), and
      in training one random incident edge of every interior cell dropped (both directions), one
      draw per forward shared by the batch (``drop_random_edges``; drawn with ``torch.randint``,
      without the author's reseeding of the global RNG); evaluation uses the full grid.
    - OGP: the mean over channels and over each cell of a fixed 7×7 grid (``ogp_size``; the
      author code asserts H, W divisible by 7 — here adaptive average pooling, identical then,
      and defined for any size, which detection needs).
    - Back to H×W: nearest (block-constant, the author's ``repeat_interleave``).
    - Composition ``out = x + tanh(x ⊙ Mc) ⊙ Ms``, channel first; placement after the last BN of
      a block, before the residual add, never in block 0 of a stage: one unit in the last block of
      each stage, two (blocks 2 and 5) in a 6-block stage — 5 units, 320 parameters, in ResNet-50.

    Still a guess (the graph layer ``GNNMHA(1, 8)`` was never released): its structure — per-head
    scalar→d projections W_q, W_k, W_v, scaled dot-product softmax over the neighbours, heads
    concatenated, W_o: d→1, no biases (4d = 32 weights, consistent with 320 = 5 units × 2 × 32);
    the head count (2); whether it includes the node itself (here yes: the graphs have no
    self-loops, the neighbourhood softmax adds the node); the residual ``h + h'``; the sigmoid on
    its output; its initialisation (W_q, W_k, W_v xavier-uniform, W_o zero, so the gates start as
    σ(node feature)); and everything about the unpublished v2.

    The earlier choices stay reachable: ``channel_neighbors=None`` (ECA's kernel rule:
    2k+1 = |log2(C)/2 + 1/2|_odd, at least 3), ``spatial_graph='window'`` (each cell's
    ``spatial_neighborhood``² window), ``spatial_edge_drop=False``, ``upsample='bilinear'``,
    ``combine='sequential'`` (``out = (x ⊙ Mc) ⊙ Ms``, Ms from OGP of x ⊙ Mc). k is capped at
    (C−1)//2 so that no channel appears twice in a neighbourhood; cells beyond the grid border are
    masked out of the softmax, not zero-valued nodes.

    The graph attention (logits, softmax, aggregation) and the pooling run in fp32 with autocast
    off; the output has the input's dtype. ``torch.jit.trace`` works; ONNX export of
    ``adaptive_avg_pool2d`` only works when H and W are multiples of ``ogp_size`` (a torch.onnx
    limitation), so export at other sizes fails.

    Args:
        in_channels: C (the parameters do not depend on it).
        embed_dim: d, the width of the q/k/v projections of both graph layers.
        num_heads: attention heads; must divide ``embed_dim``.
        channel_neighbors: k of the cyclic channel graph (author code: 1); ``None`` = ECA's rule.
        ogp_size: side of the OGP grid (7: the ResNet output resolution at 224).
        spatial_graph: ``'cross'`` (4-neighbour grid, author code) or ``'window'``.
        spatial_neighborhood: odd window side for ``'window'`` (3 = 8-neighbourhood).
        spatial_edge_drop: drop one random edge per interior cell in training (author code).
        upsample: ``'nearest'`` (author code) or ``'bilinear'``.
        combine: ``'residual_tanh'`` (author code) or ``'sequential'``.
        init_cfg: mmengine init config; overrides the reference initialisation when given.
    """

    _abbr_ = 'steam'
    paper = 'STEAM: Squeeze and Transform Enhanced Attention Module'
    venue = 'arXiv 2024'
    arxiv = '2412.09023'
    year = 2024
    placement = ('ResNet: after the last BN of a block, before the residual add, never in block '
                 '0: the last block of each stage, blocks 2 and 5 of a 6-block stage (ResNet-50: '
                 'layer1[2], layer2[3], layer3[2,5], layer4[2]: 5 units, 320 params)')
    reference = ('partial author code sabharwalrishabh/STEAM@7e7e639 (resnet_gat.py, '
                 'new_utils.py); the graph layer GNNMHA is unreleased')
    reimplementation = True

    def __init__(self, in_channels: int, embed_dim: int = 8, num_heads: int = 2,
                 channel_neighbors: Optional[int] = 1, ogp_size: int = 7,
                 spatial_graph: str = 'cross', spatial_neighborhood: int = 3,
                 spatial_edge_drop: bool = True, upsample: str = 'nearest',
                 combine: str = 'residual_tanh', init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        in_channels_arg('STEAM', in_channels)
        positive_int('STEAM', 'embed_dim', embed_dim)
        if not isinstance(num_heads, int) or num_heads < 1 or embed_dim % num_heads:
            divisors = [h for h in range(1, embed_dim + 1) if embed_dim % h == 0]
            raise ValueError(f'STEAM: embed_dim={embed_dim} is not divisible by '
                             f'num_heads={num_heads!r}; use num_heads in {divisors}')
        if channel_neighbors is None:
            channel_neighbors = eca_neighbors(in_channels)
        elif not isinstance(channel_neighbors, int) or channel_neighbors < 0:
            raise ValueError(f'STEAM: channel_neighbors must be None or an integer >= 0, '
                             f'got {channel_neighbors!r} (author code: 1)')
        positive_int('STEAM', 'ogp_size', ogp_size, 'use 7 for 224 inputs')
        if spatial_graph not in STEAM_SPATIAL_GRAPHS:
            raise ValueError(f'STEAM: spatial_graph={spatial_graph!r} is not one of '
                             f"{STEAM_SPATIAL_GRAPHS} ('cross': 4-neighbour grid, author code)")
        if (not isinstance(spatial_neighborhood, int) or spatial_neighborhood < 1
                or spatial_neighborhood % 2 == 0):
            raise ValueError(f'STEAM: spatial_neighborhood must be an odd integer >= 1 (e.g. 3), '
                             f'got {spatial_neighborhood!r}')
        if spatial_graph == 'cross' and spatial_neighborhood != 3:
            raise ValueError(f"STEAM: spatial_graph='cross' is the 4-neighbourhood (a 3×3 plus); "
                             f'spatial_neighborhood={spatial_neighborhood} applies to '
                             f"spatial_graph='window'")
        if upsample not in STEAM_UPSAMPLE:
            raise ValueError(f'STEAM: upsample={upsample!r} is not one of {STEAM_UPSAMPLE}')
        if combine not in STEAM_COMBINE:
            raise ValueError(f'STEAM: combine={combine!r} is not one of {STEAM_COMBINE}')
        self.in_channels = in_channels
        self.channel_neighbors = min(channel_neighbors, (in_channels - 1) // 2)
        self.ogp_size = ogp_size
        self.spatial_graph = spatial_graph
        self.spatial_neighborhood = spatial_neighborhood
        self.spatial_edge_drop = bool(spatial_edge_drop)
        self.upsample = upsample
        self.combine = combine
        self.cia = ScalarGraphAttention(embed_dim, num_heads)
        self.sia = ScalarGraphAttention(embed_dim, num_heads)
        self._build_grid()
        self.reset_parameters()

    def _build_grid(self) -> None:
        """Buffers of the SIA graph: ``grid_mask`` (G², s²) True where the window cell is a
        neighbour (inside the grid; for 'cross' only the node and its 4 neighbours), and the
        interior cells with their 4 edge positions for the training-time edge drop."""
        s, g = self.spatial_neighborhood, self.ogp_size
        p = s // 2
        inside = F.pad(torch.ones(g, g), (p, p, p, p))
        mask = self._windows(inside[None])[0] > 0                               # (G², s²)
        centre = p * s + p
        if self.spatial_graph == 'cross':
            plus = torch.zeros(s * s, dtype=torch.bool)
            plus[[centre, centre - s, centre + s, centre - 1, centre + 1]] = True
            mask = mask & plus
        self.register_buffer('grid_mask', mask, persistent=False)
        # 4-neighbour edges of interior cells (degree 4): N, S, W, E window positions, the
        # opposite position at the neighbour, and the neighbour's cell offset
        rows = torch.arange(1, g - 1)
        interior = (rows[:, None] * g + rows[None, :]).flatten() if g >= 3 else \
            torch.zeros(0, dtype=torch.long)
        self.register_buffer('_interior', interior, persistent=False)
        self.register_buffer('_edge_pos', torch.tensor(
            [centre - s, centre + s, centre - 1, centre + 1]), persistent=False)
        self.register_buffer('_edge_opp', torch.tensor(
            [centre + s, centre - s, centre + 1, centre - 1]), persistent=False)
        self.register_buffer('_edge_off', torch.tensor([-g, g, -1, 1]), persistent=False)

    def reset_parameters(self) -> None:
        self.cia.reset_parameters()
        self.sia.reset_parameters()

    def _windows(self, padded: torch.Tensor) -> torch.Tensor:
        """(B, G+2p, G+2p) → (B, G², s²): the s×s window of every grid cell (row-major)."""
        s, g = self.spatial_neighborhood, self.ogp_size
        cells = [padded[:, dy:dy + g, dx:dx + g] for dy in range(s) for dx in range(s)]
        return torch.stack(cells, dim=-1).flatten(1, 2)

    def spatial_mask(self) -> torch.Tensor:
        """The SIA adjacency used by this forward: the grid, minus the dropped edges in training
        (each interior cell drops one of its 4 edges, chosen uniformly, in both directions)."""
        mask = self.grid_mask
        if not (self.training and self.spatial_edge_drop) or self._interior.numel() == 0 \
                or self.spatial_neighborhood < 3:
            return mask
        cells = self._interior
        d = torch.randint(0, 4, (cells.numel(), ), device=mask.device)
        drop = torch.zeros_like(mask)
        drop[cells, self._edge_pos[d]] = True
        drop[cells + self._edge_off[d], self._edge_opp[d]] = True
        return mask & ~drop

    def gates(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``(Mc (B, C) fp32, f, Ms (B, 1, H, W) fp32)`` with ``f = tanh(x ⊙ Mc)``
        (``'residual_tanh'``) or ``x ⊙ Mc`` (``'sequential'``), the map Ms is pooled from."""
        b, c, h, w = x.shape
        k, g, p = self.channel_neighbors, self.ogp_size, self.spatial_neighborhood // 2
        with fp32(x):
            # CIA: nodes = channels (GAP), cyclic neighbours i-k..i+k.
            node = x.mean(dim=(2, 3), dtype=torch.float32)                          # (B, C)
            nbr = torch.stack([torch.roll(node, -o, dims=1) for o in range(-k, k + 1)], -1)
            mc = torch.sigmoid(self.cia(node, nbr))
        f = x * mc.to(x.dtype)[:, :, None, None]
        if self.combine == 'residual_tanh':
            f = torch.tanh(f)
        with fp32(x):
            # SIA: nodes = OGP cells of the channel-mean map; grid graph, padding masked.
            cell = F.adaptive_avg_pool2d(f.mean(dim=1, keepdim=True, dtype=torch.float32), g)
            nbr = self._windows(F.pad(cell[:, 0], (p, p, p, p)))                  # (B, G², s²)
            ms = torch.sigmoid(self.sia(cell.flatten(1), nbr, self.spatial_mask()))
            ms = ms.reshape(b, 1, g, g)
            if self.upsample == 'nearest':
                ms = F.interpolate(ms, size=(h, w), mode='nearest')
            else:
                ms = F.interpolate(ms, size=(h, w), mode='bilinear', align_corners=False)
        return mc, f, ms

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, f, ms = self.gates(x)
        if self.combine == 'residual_tanh':
            return x + f * ms.to(x.dtype)
        return f * ms.to(x.dtype)
