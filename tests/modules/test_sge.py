"""SGE (Spatial Group-wise Enhance): module-specific properties.

Generic shape / gradient / autocast / channels_last / jit checks live in the shared harness.
"""
import pytest
import torch

from attn_plugins.modules.sge import SGE

# ResNet-50 / -101 / -18 block-output widths (one SGE after the last BN of every block).
R50 = [256] * 3 + [512] * 4 + [1024] * 6 + [2048] * 3
R101 = [256] * 3 + [512] * 4 + [1024] * 23 + [2048] * 3
R18 = [64] * 2 + [128] * 2 + [256] * 2 + [512] * 2


def n_params(m):
    return sum(p.numel() for p in m.parameters())


def randomise(m):
    for p in m.parameters():
        p.data.normal_(0, 1)
    return m


def sge_by_hand(x, weight, bias, groups, eps=1e-5):
    """The paper's equation, one (sample, group) at a time, in float64."""
    x = x.double()
    b, c, h, w = x.shape
    cpg = c // groups
    out = torch.empty_like(x)
    for i in range(b):
        for g in range(groups):
            xs = x[i, g * cpg:(g + 1) * cpg]                  # (C/G, H, W)
            gvec = xs.mean(dim=(1, 2))                        # GAP of the group
            a = torch.einsum('chw,c->hw', xs, gvec)           # similarity per position
            a = a - a.mean()
            std = a.std() if a.numel() > 1 else torch.zeros((), dtype=a.dtype)  # unbiased
            a = a / (std + eps)
            gate = torch.sigmoid(a * float(weight[g]) + float(bias[g]))
            out[i, g * cpg:(g + 1) * cpg] = xs * gate
    return out


def test_param_count_is_2G_and_matches_published_totals():
    """2G parameters per module (weight and bias of shape (1, G, 1, 1)), whatever C is; with G=64
    after every block: ResNet-50 +2,048, ResNet-101 +4,224, ResNet-18 +1,024 (param_tables.md)."""
    for c, g in [(64, 64), (256, 64), (2048, 64), (96, 32), (24, 8)]:
        m = SGE(c, groups=g)
        assert n_params(m) == 2 * g
        assert m.weight.shape == (1, g, 1, 1) and m.bias.shape == (1, g, 1, 1)
    assert sum(n_params(SGE(c)) for c in R50) == 2048
    assert sum(n_params(SGE(c)) for c in R101) == 4224
    assert sum(n_params(SGE(c)) for c in R18) == 1024


def test_init_matches_reference_gate_sigmoid_one():
    """Official init weight=0, bias=1: every gate is σ(1), so out = x·σ(1) exactly, in train and eval,
    and init_weights()/reset_parameters() restore that state after the parameters were changed."""
    torch.manual_seed(0)
    m = SGE(128, groups=16)
    assert torch.equal(m.weight, torch.zeros(1, 16, 1, 1))
    assert torch.equal(m.bias, torch.ones(1, 16, 1, 1))
    x = torch.randn(2, 128, 9, 6)
    expected = x * torch.sigmoid(torch.tensor(1.0))
    for train in (True, False):
        m.train(train)
        torch.testing.assert_close(m(x), expected, rtol=0, atol=0)
    randomise(m)
    m.init_weights()
    torch.testing.assert_close(m(x), expected, rtol=0, atol=0)


def test_forward_matches_equation_restated_by_hand():
    """Forward = per-group GAP, position-wise similarity, normalisation over H·W with the unbiased
    std (+1e-5 on the std), affine per group, sigmoid gate — on random parameters, non-square map."""
    torch.manual_seed(1)
    m = randomise(SGE(48, groups=6))
    x = torch.randn(3, 48, 7, 11)
    expected = sge_by_hand(x, m.weight.detach().flatten(), m.bias.detach().flatten(), 6)
    torch.testing.assert_close(m(x).double(), expected, rtol=1e-5, atol=1e-5)


def test_groups_divisibility_error_and_documented_fallback():
    """C % G != 0 fails in __init__ with the numbers and a fix; the opt-in fallback uses the largest
    divisor <= G (MobileNetV2's 24 channels at G=64 → 24 groups, 96 → 48)."""
    with pytest.raises(ValueError, match=r'24.*64.*groups=24'):
        SGE(24, groups=64)
    assert SGE(24, groups=64, group_fallback='largest_divisor').groups == 24
    assert SGE(96, groups=64, group_fallback='largest_divisor').groups == 48
    m = SGE(96, groups=64, group_fallback='largest_divisor')
    assert n_params(m) == 2 * 48
    assert SGE(256, groups=64, group_fallback='largest_divisor').groups == 64  # no-op when it divides
    with pytest.raises(ValueError, match='group_fallback'):
        SGE(64, group_fallback='nearest')
    with pytest.raises(ValueError):
        SGE(64, groups=0)


def test_non_square_and_1x1_are_finite_std_defined_zero_at_1x1():
    """7×11 and 1×1 maps give finite outputs and gradients. At H·W = 1 the reference's unbiased std
    is NaN; here it is 0, so the gate is σ(b_g) and out = x·σ(b_g)."""
    torch.manual_seed(2)
    m = randomise(SGE(64, groups=8))
    for shape in [(2, 64, 7, 11), (1, 64, 1, 1), (4, 64, 1, 1)]:
        x = torch.randn(*shape, requires_grad=True)
        y = m(x)
        y.sum().backward()
        assert torch.isfinite(y).all() and torch.isfinite(x.grad).all()
        assert torch.isfinite(m.weight.grad).all() and torch.isfinite(m.bias.grad).all()
        m.zero_grad()
    x = torch.randn(4, 64, 1, 1)
    gate = torch.sigmoid(m.bias).repeat_interleave(8, dim=1)  # (1, 64, 1, 1)
    torch.testing.assert_close(m(x), x * gate)


def test_constant_map_has_finite_gradient():
    """A constant similarity map (std 0) keeps finite gradients (the reference's torch.std gives NaN)."""
    m = randomise(SGE(16, groups=4))
    x = torch.ones(2, 16, 5, 5, requires_grad=True)
    m(x).sum().backward()
    assert torch.isfinite(x.grad).all() and torch.isfinite(m.weight.grad).all()


def test_statistics_are_fp32_in_half_precision():
    """The similarity Σ_c x·g overflows fp16 at |x|≈300 with 16 channels per group; the module keeps
    its statistics in fp32, so a half-precision module on half input stays finite and close to fp32."""
    torch.manual_seed(3)
    m = randomise(SGE(64, groups=4))
    x = 300 * torch.randn(2, 64, 6, 6)
    ref = m(x)
    assert not torch.isfinite((x.half() * x.half()).sum(dim=1)).all()  # the overflow is real
    y = m.half()(x.half())
    assert y.dtype == torch.float16 and torch.isfinite(y).all()
    scale = ref.abs().max()
    assert ((y.float() - ref).abs().max() / scale) < 1e-2
