"""GCT: parameter count, identity at initialisation, equation (l2, l1, after_relu), argument checks."""
import pytest
import torch

from attn_plugins.modules.gct import GCT


def n_params(m):
    return sum(p.numel() for p in m.parameters())


def reference_gct(m, x, mode, after_relu=False):
    """Per channel c: s_c = α_c·‖x_c‖ (l2: sqrt(Σx²+ε); l1: Σ|x| or Σx), ŝ_c = γ_c·s_c / N,
    N = sqrt(mean s² + ε) (l2) or mean|s| + ε (l1); out_c = x_c·(1 + tanh(ŝ_c + β_c))."""
    eps = m.epsilon
    b, c = x.shape[:2]
    alpha, gamma, beta = (p.detach().flatten().tolist() for p in (m.alpha, m.gamma, m.beta))
    out = torch.empty_like(x)
    for n in range(b):
        s = []
        for i in range(c):
            xc = x[n, i].double()
            if mode == 'l2':
                s.append(alpha[i] * float(torch.sqrt((xc * xc).sum() + eps)))
            else:
                s.append(alpha[i] * float(xc.sum() if after_relu else xc.abs().sum()))
        if mode == 'l2':
            norm = (sum(v * v for v in s) / c + eps) ** 0.5
        else:
            norm = sum(abs(v) for v in s) / c + eps
        for i in range(c):
            gate = 1 + torch.tanh(torch.tensor(gamma[i] * s[i] / norm + beta[i], dtype=torch.float64))
            out[n, i] = (x[n, i].double() * gate).to(x.dtype)
    return out


def test_param_count():
    """3C parameters (α, γ, β of shape (1, C, 1, 1)), at several widths."""
    for c in (3, 64, 256, 2048):
        m = GCT(c)
        assert n_params(m) == 3 * c
        assert m.alpha.shape == m.gamma.shape == m.beta.shape == (1, c, 1, 1)


def test_param_count_resnet50_total():
    """GCT before every conv of ResNet-50 (stem, conv1-3, downsample) adds 67,593 params (25.62M)."""
    widths = [3]                                         # stem conv input
    inplanes = 64
    for planes, blocks in [(64, 3), (128, 4), (256, 6), (512, 3)]:
        for i in range(blocks):
            widths += [inplanes, planes, planes]         # conv1, conv2, conv3 inputs
            if i == 0:
                widths.append(inplanes)                  # downsample conv input
            inplanes = planes * 4
    assert sum(n_params(GCT(c)) for c in widths) == 67_593


def test_identity_at_initialisation():
    """α=1, γ=0, β=0 → gate = 1 + tanh(0) = 1: output equals the input exactly, in both modes."""
    torch.manual_seed(0)
    x = torch.randn(2, 16, 7, 11) * 10
    for mode in ('l2', 'l1'):
        m = GCT(16, mode=mode)
        assert torch.all(m.alpha == 1) and torch.all(m.gamma == 0) and torch.all(m.beta == 0)
        assert torch.equal(m(x), x)
    assert torch.equal(GCT(16)(x.double()), x.double())


@pytest.mark.parametrize('mode, after_relu', [('l2', False), ('l1', False), ('l1', True),
                                              ('l2', True)])
@pytest.mark.parametrize('hw', [(7, 11), (1, 1)])
def test_forward_matches_equation(mode, after_relu, hw):
    """Forward equals the paper's per-channel equation on random α, γ, β (not the identity)."""
    torch.manual_seed(1)
    m = GCT(24, mode=mode, after_relu=after_relu)
    with torch.no_grad():
        m.alpha.copy_(torch.rand_like(m.alpha) + 0.5)
        m.gamma.copy_(torch.randn_like(m.gamma))
        m.beta.copy_(torch.randn_like(m.beta) * 0.5)
    x = torch.randn(3, 24, *hw)
    if after_relu:
        x = x.relu()
    with torch.no_grad():
        out = m(x)
    ref = reference_gct(m, x, mode, after_relu)
    torch.testing.assert_close(out, ref, rtol=1e-4, atol=1e-5)
    assert not torch.allclose(out, x)


def test_large_activations_half_precision():
    """Σx² over 56×56 of values ~300 overflows fp16 (> 65504); the fp32 statistic stays finite."""
    torch.manual_seed(2)
    m = GCT(8)
    with torch.no_grad():
        m.gamma.copy_(torch.randn_like(m.gamma))
    x = torch.randn(1, 8, 56, 56) * 300
    ref = m(x)
    with torch.no_grad():
        out = m.half()(x.half())
    assert out.dtype == torch.float16 and torch.isfinite(out).all()
    torch.testing.assert_close(out.float(), ref, rtol=2e-2, atol=1.0)


def test_bad_arguments():
    """Invalid arguments fail in __init__ with a ValueError naming the value."""
    with pytest.raises(ValueError, match=r"'l3'"):
        GCT(16, mode='l3')
    with pytest.raises(ValueError, match='0'):
        GCT(16, epsilon=0)
    with pytest.raises(ValueError, match='-4'):
        GCT(-4)
