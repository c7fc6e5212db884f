"""SimAM: the energy equation restated per neuron, no parameters, λ, the 1×1 case, bad args.

Generic shape / gradient / autocast / channels_last / jit / ONNX / compile checks live in the
shared harness (test_common.py)."""
import pytest
import torch

from attn_plugins.modules import SimAM


def simam_by_hand(x, lam):
    """E⁻¹ = (x − μ)² / (4 (Σ(x − μ)² / (n) + λ)) + 0.5 per neuron, n = HW − 1; out = x·σ(E⁻¹)."""
    b, c, h, w = x.shape
    out = torch.empty_like(x, dtype=torch.float64)
    n = h * w - 1
    for i in range(b):
        for j in range(c):
            t = x[i, j].double()
            mu = t.mean()
            var = ((t - mu) ** 2).sum() / n
            e_inv = (t - mu) ** 2 / (4 * (var + lam)) + 0.5
            out[i, j] = t / (1 + torch.exp(-e_inv))
    return out


@pytest.mark.parametrize('lam', [1e-4, 0.1])
def test_forward_matches_energy_equation_by_hand(lam):
    """Protects the paper's equation with both λ the official code uses (1e-4 default, 0.1 in
    its ImageNet/COCO runs): unbiased variance (n = HW − 1), + 0.5 inside the sigmoid."""
    torch.manual_seed(0)
    x = torch.randn(2, 3, 5, 7) * 2 + 0.5
    m = SimAM(3, e_lambda=lam)
    torch.testing.assert_close(m(x).double(), simam_by_hand(x, lam), rtol=1e-6, atol=1e-6)


def test_parameter_free_and_default_lambda():
    m = SimAM(64)
    assert sum(p.numel() for p in m.parameters()) == 0 and list(m.buffers()) == []
    assert m.e_lambda == 1e-4


def test_one_by_one_map_gives_sigmoid_half():
    """At H·W = 1 the reference divides 0/0; here the gate is σ(0.5) (documented)."""
    x = torch.randn(2, 4, 1, 1)
    torch.testing.assert_close(SimAM(4)(x), x * torch.sigmoid(torch.tensor(0.5)))


@pytest.mark.parametrize('lam', [0, -1., 'x', True])
def test_bad_lambda_and_channels(lam):
    with pytest.raises(ValueError, match='e_lambda'):
        SimAM(8, e_lambda=lam)
    with pytest.raises(ValueError, match='in_channels must be a positive integer, got 0'):
        SimAM(0)
