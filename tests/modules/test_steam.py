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
    """STEAM with explicit Python loops over channels, neighbours, grid cells and pixels."""
    b, c, hh, ww = x.shape
    g, p, k = m.ogp_size, m.spatial_neighborhood // 2, m.channel_neighbors
    out = torch.empty_like(x)
    for n in range(b):
        # CIA: GAP nodes on the cyclic channel graph.
        h = {i: x[n, i].mean().item() for i in range(c)}
        nbrs = {i: [(i + o) % c for o in range(-k, k + 1)] for i in range(c)}
        hc = graph_layer(m.cia, h, range(c), nbrs)
        x1 = torch.stack([x[n, i] * sigmoid(hc[i]) for i in range(c)])
        # OGP: adaptive average pooling bins of the channel-mean map.
        cmap = x1.mean(0)
        cells, cnb = {}, {}
        for r in range(g):
            for q in range(g):
                r0, r1 = (r * hh) // g, -(-((r + 1) * hh) // g)
                q0, q1 = (q * ww) // g, -(-((q + 1) * ww) // g)
                cells[(r, q)] = cmap[r0:r1, q0:q1].mean().item()
                cnb[(r, q)] = [(r + dy, q + dx)
                               for dy in range(-p, p + 1) for dx in range(-p, p + 1)
                               if 0 <= r + dy < g and 0 <= q + dx < g]
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
                x0, x1_, lx = src(xx, g, ww)
                ms[y, xx] = ((1 - ly) * ((1 - lx) * gate[y0][x0] + lx * gate[y0][x1_])
                             + ly * ((1 - lx) * gate[y1][x0] + lx * gate[y1][x1_]))
        out[n] = x1 * ms
    return out


@pytest.mark.parametrize('size,kwargs', [
    ((9, 9), dict(ogp_size=3)),
    ((9, 9), dict(ogp_size=3, num_heads=4, channel_neighbors=2, spatial_neighborhood=5)),
    ((7, 11), dict(ogp_size=3, channel_neighbors=7)),   # k capped at (C-1)//2 = 4
    ((2, 3), dict(ogp_size=4, num_heads=1)),            # grid larger than the map
])
def test_forward_matches_loop_restatement(size, kwargs):
    """Protects the graph-attention maths: cyclic channel graph, per-head scaled dot-product
    softmax over neighbours, W_o + residual, OGP bins, masked (not zero-padded) grid border,
    bilinear gate."""
    m = STEAM(10, **kwargs)
    randomise(m)
    torch.manual_seed(1)
    x = torch.randn(2, 10, *size)
    with torch.no_grad():
        torch.testing.assert_close(m(x), restated_steam(m, x), rtol=1e-4, atol=1e-5)


def test_adaptive_channel_neighbors():
    """Protects the ECA-style rule for channel_neighbors=None (k = 1/2/2/2/3 for C = 64…2048)."""
    assert [STEAM(c).channel_neighbors for c in (64, 256, 512, 1024, 2048)] == [1, 2, 2, 2, 3]
    assert STEAM(2).channel_neighbors == 0 and STEAM(10, channel_neighbors=9).channel_neighbors == 4


def test_initial_gates_are_sigmoid_of_node_features():
    """Protects the documented initialisation: W_o = 0, so Mc = σ(GAP) and Ms = up(σ(OGP cells))."""
    torch.manual_seed(0)
    m = STEAM(8, ogp_size=2)
    x = torch.randn(1, 8, 4, 4)
    x1 = x * torch.sigmoid(x.mean((2, 3), keepdim=True))
    cells = torch.nn.functional.avg_pool2d(x1.mean(1, keepdim=True), 2)
    ms = torch.sigmoid(cells).repeat_interleave(2, 2).repeat_interleave(2, 3)
    # bilinear 2→4 with align_corners=False blends neighbouring cells; compare at the corners only
    out = m(x)
    for y, xx in [(0, 0), (0, 3), (3, 0), (3, 3)]:
        torch.testing.assert_close(out[..., y, xx], (x1 * ms)[..., y, xx])


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
