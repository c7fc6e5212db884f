"""STEAM-specific properties (re-implementation): constant parameter count, the graph-attention
maths restated node by node, argument checks, inputs smaller than the OGP grid."""
import math

import pytest
import torch

from attn_plugins.modules.steam import STEAM


def n_params(module):
    return sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize('embed_dim,num_heads', [(8, 2), (4, 1), (16, 4)])
def test_param_count_constant(embed_dim, num_heads):
    """Protects the "constant-parameter" claim: 8·embed_dim (64 at the defaults) for every C."""
    counts = {c: n_params(STEAM(c, embed_dim=embed_dim, num_heads=num_heads))
              for c in (16, 64, 256, 2048)}
    assert set(counts.values()) == {8 * embed_dim}
    assert n_params(STEAM(256)) == 64


def randomise(m, seed=0):
    torch.manual_seed(seed)
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(torch.randn_like(p))


def sigmoid(v):
    return 1 / (1 + math.exp(-v))


def graph_layer(layer, h, nodes, neighbours):
    """One multi-head graph-transformer layer, node by node: q, k, v ∈ R^d split into heads."""
    d, heads = layer.embed_dim, layer.num_heads
    dh = d // heads
    wq, wk, wv = (p.weight[:, 0].tolist() for p in (layer.q_proj, layer.k_proj, layer.v_proj))
    wo = layer.out_proj.weight[0].tolist()
    out = {}
    for i in nodes:
        concat = []
        for hd in range(heads):
            sl = range(hd * dh, (hd + 1) * dh)
            q = [wq[c] * h[i] for c in sl]
            logits = []
            for j in neighbours[i]:
                kj = [wk[c] * h[j] for c in sl]
                logits.append(sum(a * b for a, b in zip(q, kj)) / math.sqrt(dh))
            mx = max(logits)
            e = [math.exp(v - mx) for v in logits]
            alpha = [v / sum(e) for v in e]
            for c in sl:
                concat.append(sum(a * wv[c] * h[j] for a, j in zip(alpha, neighbours[i])))
        out[i] = h[i] + sum(w * v for w, v in zip(wo, concat))
    return out


def restated_steam(m, x):
    """STEAM with explicit Python loops over channels, neighbours, grid cells and pixels (eval
    mode: the full grid graph)."""
    b, c, hh, ww = x.shape
    g, p, k = m.ogp_size, m.spatial_neighborhood // 2, m.channel_neighbors
    out = torch.empty_like(x)
    for n in range(b):
        # CIA: GAP nodes on the cyclic channel graph.
        h = {i: x[n, i].mean().item() for i in range(c)}
        nbrs = {i: [(i + o) % c for o in range(-k, k + 1)] for i in range(c)}
        hc = graph_layer(m.cia, h, range(c), nbrs)
        x1 = torch.stack([x[n, i] * sigmoid(hc[i]) for i in range(c)])
        f = torch.tanh(x1) if m.combine == 'residual_tanh' else x1
        # OGP: adaptive average pooling bins of the channel-mean map.
        cmap = f.mean(0)
        cells, cnb = {}, {}
        for r in range(g):
            for q in range(g):
                r0, r1 = (r * hh) // g, -(-((r + 1) * hh) // g)
                q0, q1 = (q * ww) // g, -(-((q + 1) * ww) // g)
                cells[(r, q)] = cmap[r0:r1, q0:q1].mean().item()
                if m.spatial_graph == 'cross':   # itself + N, S, W, E inside the grid
                    offs = [(0, 0), (-1, 0), (1, 0), (0, -1), (0, 1)]
                else:
                    offs = [(dy, dx) for dy in range(-p, p + 1) for dx in range(-p, p + 1)]
                cnb[(r, q)] = sorted((r + dy, q + dx) for dy, dx in offs
                                     if 0 <= r + dy < g and 0 <= q + dx < g)
        hs = graph_layer(m.sia, cells, list(cells), cnb)
        gate = [[sigmoid(hs[(r, q)]) for q in range(g)] for r in range(g)]

        # Bilinear resize, align_corners=False.
        def src(i, n_in, n_out):
            s = max((i + 0.5) * n_in / n_out - 0.5, 0.0)
            i0 = min(int(math.floor(s)), n_in - 1)
            return i0, min(i0 + 1, n_in - 1), s - i0

        ms = torch.empty(hh, ww)
        for y in range(hh):
            y0, y1, ly = src(y, g, hh)
            for xx in range(ww):
                if m.upsample == 'nearest':      # torch 'nearest': floor(dst · in / out)
                    ms[y, xx] = gate[(y * g) // hh][(xx * g) // ww]
                    continue
                x0, x1_, lx = src(xx, g, ww)
                ms[y, xx] = ((1 - ly) * ((1 - lx) * gate[y0][x0] + lx * gate[y0][x1_])
                             + ly * ((1 - lx) * gate[y1][x0] + lx * gate[y1][x1_]))
        out[n] = x[n] + f * ms if m.combine == 'residual_tanh' else f * ms
    return out


@pytest.mark.parametrize('size,kwargs', [
    ((7, 7), dict(ogp_size=7)),                         # author defaults at the author's grid
    ((9, 9), dict(ogp_size=3)),
    ((10, 13), dict(ogp_size=4, num_heads=4, channel_neighbors=2)),
    ((9, 9), dict(ogp_size=3, channel_neighbors=None, spatial_graph='window',
                  spatial_neighborhood=5, upsample='bilinear', combine='sequential')),
    ((7, 11), dict(ogp_size=3, channel_neighbors=7, spatial_graph='window')),   # k capped at 4
    ((2, 3), dict(ogp_size=4, num_heads=1, combine='sequential')),  # grid larger than the map
])
def test_forward_matches_loop_restatement(size, kwargs):
    """Protects the graph-attention maths: cyclic channel graph, per-head scaled dot-product
    softmax over neighbours, W_o + residual, OGP bins of tanh(x ⊙ Mc), the 4-neighbour grid (or
    the window), masked (not zero-padded) border, nearest (or bilinear) gate, x + tanh(x⊙Mc)⊙Ms
    (or the sequential product)."""
    m = STEAM(10, **kwargs).eval()
    randomise(m)
    torch.manual_seed(1)
    x = torch.randn(2, 10, *size)
    with torch.no_grad():
        torch.testing.assert_close(m(x), restated_steam(m, x), rtol=1e-4, atol=1e-5)


def test_author_defaults_and_options():
    """Defaults follow sabharwalrishabh/STEAM: k = 1 channel cycle for every C, the cross grid,
    edge drop, nearest upsampling, residual tanh; ECA's rule (k = 1/2/2/2/3 for C = 64…2048)
    stays reachable with channel_neighbors=None."""
    m = STEAM(2048)
    assert (m.channel_neighbors, m.spatial_graph, m.spatial_edge_drop, m.upsample,
            m.combine) == (1, 'cross', True, 'nearest', 'residual_tanh')
    assert [STEAM(c, channel_neighbors=None).channel_neighbors
            for c in (64, 256, 512, 1024, 2048)] == [1, 2, 2, 2, 3]
    assert STEAM(2).channel_neighbors == 0 and STEAM(10, channel_neighbors=9).channel_neighbors == 4
    # the 7×7 cross grid: 4-neighbour edges (168 directed) + one self entry per cell
    assert int(m.grid_mask.sum()) == 168 + 49


def test_training_drops_one_edge_per_interior_cell():
    """In training each of the 25 interior cells of the 7×7 grid drops one incident edge in both
    directions (168 → 118..142 directed edges; self entries kept), one draw per forward; eval
    keeps the full grid; the draw uses torch's RNG (seeded runs repeat)."""
    m = STEAM(16)
    full = m.grid_mask
    centre, s = 4, 3
    seen = set()
    for seed in range(20):
        torch.manual_seed(seed)
        mask = m.train().spatial_mask()
        assert mask[:, centre].all()                         # self kept: no empty softmax
        dropped = full & ~mask
        assert 25 <= int(dropped.sum()) <= 50 and int(dropped.sum()) % 2 == 0
        pairs = set()
        for cell, pos in dropped.nonzero().tolist():
            dy, dx = pos // s - 1, pos % s - 1
            other = cell + dy * 7 + dx
            assert dropped[other, (1 - dy) * s + (1 - dx)]  # the reverse direction too
            pairs.add(frozenset((cell, other)))
        for r in range(1, 6):                                 # every interior cell lost an edge
            for q in range(1, 6):
                assert any(r * 7 + q in e for e in pairs)
        seen.add(int(dropped.sum()))
    assert len(seen) > 1
    torch.manual_seed(3)
    a = m.spatial_mask()
    torch.manual_seed(3)
    assert torch.equal(a, m.spatial_mask())
    assert torch.equal(m.eval().spatial_mask(), full)


def test_initial_gates_are_sigmoid_of_node_features():
    """Protects the documented initialisation: W_o = 0, so Mc = σ(GAP), Ms = up(σ(OGP cells of
    tanh(x ⊙ Mc))), out = x + tanh(x ⊙ Mc) ⊙ Ms (nearest: block-constant)."""
    torch.manual_seed(0)
    m = STEAM(8, ogp_size=2).eval()
    x = torch.randn(1, 8, 4, 4)
    y = torch.tanh(x * torch.sigmoid(x.mean((2, 3), keepdim=True)))
    cells = torch.nn.functional.avg_pool2d(y.mean(1, keepdim=True), 2)
    ms = torch.sigmoid(cells).repeat_interleave(2, 2).repeat_interleave(2, 3)
    torch.testing.assert_close(m(x), x + y * ms)


def test_bad_args():
    """Protects argument validation: heads must divide embed_dim (error names both), odd window,
    positive grid."""
    with pytest.raises(ValueError) as err:
        STEAM(64, embed_dim=8, num_heads=3)
    assert 'embed_dim=8' in str(err.value) and 'num_heads=3' in str(err.value)
    with pytest.raises(ValueError, match='spatial_neighborhood'):
        STEAM(64, spatial_neighborhood=2)
    with pytest.raises(ValueError, match='ogp_size'):
        STEAM(64, ogp_size=0)
    with pytest.raises(ValueError, match='channel_neighbors'):
        STEAM(64, channel_neighbors=-1)
    with pytest.raises(ValueError, match="spatial_graph='cross' is the 4-neighbourhood"):
        STEAM(64, spatial_neighborhood=5)
    for kw in (dict(spatial_graph='ring'), dict(upsample='cubic'), dict(combine='sum')):
        with pytest.raises(ValueError, match=next(iter(kw))):
            STEAM(64, **kw)


@pytest.mark.parametrize('size', [(1, 1), (2, 3), (7, 11), (3, 20)])
def test_small_and_non_square_inputs(size):
    """Protects maps smaller than the OGP grid (7) and odd non-square maps: finite, right shape."""
    m = STEAM(24)
    randomise(m)
    x = torch.randn(3, 24, *size)
    out = m(x)
    assert out.shape == x.shape and torch.isfinite(out).all()
    out.sum().backward()
    assert all(torch.isfinite(p.grad).all() for p in m.parameters())
