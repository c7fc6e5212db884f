"""SA (Shuffle Attention): module-specific properties.

Generic shape / gradient / autocast / channels_last / jit checks live in the shared harness.
"""
import pytest
import torch

from attn_plugins.modules.sa import SA

R50 = [256] * 3 + [512] * 4 + [1024] * 6 + [2048] * 3
R101 = [256] * 3 + [512] * 4 + [1024] * 23 + [2048] * 3
SIG1 = torch.sigmoid(torch.tensor(1.0))


def n_params(m):
    return sum(p.numel() for p in m.parameters())


def randomise(m):
    for p in m.parameters():
        p.data.normal_(0, 1)
    return m


def sa_by_hand(x, m, groups, eps=1e-5):
    """The paper's equation per (sample, group, channel), in float64, then the 2-group shuffle."""
    x = x.double()
    b, c, h, w = x.shape
    cpg = c // groups
    half = cpg // 2
    p = {k: v.detach().double().flatten() for k, v in m.named_parameters()}
    y = torch.empty_like(x)
    for i in range(b):
        for g in range(groups):
            base = g * cpg
            for k in range(half):
                x0 = x[i, base + k]                       # channel branch, channel k of the group
                s = x0.mean()
                y[i, base + k] = x0 * torch.sigmoid(p['cweight'][k] * s + p['cbias'][k])
                x1 = x[i, base + half + k]                # spatial branch, channel k of the 2nd half
                mu = x1.mean()
                var = ((x1 - mu) ** 2).mean()             # biased, as GroupNorm
                gn = (x1 - mu) / torch.sqrt(var + eps) * p['gn.weight'][k] + p['gn.bias'][k]
                y[i, base + half + k] = x1 * torch.sigmoid(p['sweight'][k] * gn + p['sbias'][k])
    # channel_shuffle(y, 2): output channel j comes from y's channel (j % 2)·C/2 + j // 2
    out = torch.empty_like(y)
    for j in range(c):
        out[:, j] = y[:, (j % 2) * (c // 2) + j // 2]
    return out


def test_param_count_is_3C_over_G_and_resnet_totals():
    """cweight, cbias, sweight, sbias, GN weight, GN bias: six vectors of C/2G → 3C/G per module;
    ResNet-50 (G=64, 16 bottlenecks) +708 — not the paper's '300' — and ResNet-101 +1,524."""
    for c, g in [(128, 64), (256, 64), (2048, 64), (64, 32), (96, 8), (12, 3)]:
        assert n_params(SA(c, groups=g)) == 3 * c // g
    assert sum(n_params(SA(c)) for c in R50) == 708
    assert sum(n_params(SA(c)) for c in R101) == 1524


def test_state_dict_names_and_shapes_match_reference():
    """Names and shapes of wofmanaf/SA-Net sa_layer, so official checkpoints load."""
    m = SA(256)
    sd = m.state_dict()
    assert set(sd) == {'cweight', 'cbias', 'sweight', 'sbias', 'gn.weight', 'gn.bias'}
    for k in ('cweight', 'cbias', 'sweight', 'sbias'):
        assert sd[k].shape == (1, 2, 1, 1)
    assert m.gn.num_groups == 2 and m.gn.num_channels == 2 and m.gn.eps == 1e-5


def test_init_output_is_shuffled_input_times_sigmoid_one():
    """Official init (cweight=0, cbias=1, sweight=0, sbias=1, GN 1/0): both gates are σ(1), so
    out = channel_shuffle(x, 2)·σ(1), with output channel 2k ← input k and 2k+1 ← input C/2 + k."""
    torch.manual_seed(0)
    c = 16
    m = SA(c, groups=2)
    for k in ('cweight', 'sweight'):
        assert torch.equal(getattr(m, k), torch.zeros(1, 4, 1, 1))
    for k in ('cbias', 'sbias'):
        assert torch.equal(getattr(m, k), torch.ones(1, 4, 1, 1))
    assert torch.equal(m.gn.weight, torch.ones(4)) and torch.equal(m.gn.bias, torch.zeros(4))

    # channel j of the input holds the value j everywhere: the output reveals the permutation.
    x = torch.arange(c, dtype=torch.float32).view(1, c, 1, 1).expand(2, c, 3, 5).contiguous()
    out = m(x)
    expected_src = [0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15]
    assert torch.allclose(out[0, :, 0, 0] / SIG1, torch.tensor(expected_src, dtype=torch.float32))

    # every element equals σ(1)·x_perm on a random input, in train and eval mode
    x = torch.randn(3, c, 7, 11)
    x_perm = x[:, expected_src]
    for train in (True, False):
        m.train(train)
        torch.testing.assert_close(m(x), x_perm * SIG1, rtol=0, atol=0)
    randomise(m)
    m.init_weights()
    torch.testing.assert_close(m(x), x_perm * SIG1, rtol=0, atol=0)


@pytest.mark.parametrize('channels,groups', [(48, 4), (64, 8), (42, 3), (30, 5)])
def test_forward_matches_equation_restated_by_hand(channels, groups):
    """Channel branch x₀·σ(c_w·GAP + c_b), spatial branch x₁·σ(s_w·GN(x₁) + s_b) with a one-channel
    GroupNorm, concatenation per group, 2-group channel shuffle — on random parameters, for even G
    (the fused shuffle) and odd G (the generic one), also on a channels_last input."""
    torch.manual_seed(1)
    m = randomise(SA(channels, groups=groups))
    x = torch.randn(2, channels, 7, 11)
    ref = sa_by_hand(x, m, groups)
    torch.testing.assert_close(m(x).double(), ref, rtol=1e-5, atol=1e-5)
    y = m(x.contiguous(memory_format=torch.channels_last))
    assert y.is_contiguous(memory_format=torch.channels_last)
    torch.testing.assert_close(y.double(), ref, rtol=1e-5, atol=1e-5)


def test_groups_divisibility_error_and_documented_fallback():
    """C % 2G != 0 fails in __init__ naming C, 2G and a G that works; the opt-in fallback uses the
    largest G' <= G with C % 2G' == 0 (ResNet-18 stage 1: 64 channels → 32 groups)."""
    with pytest.raises(ValueError, match=r'96.*128.*groups=48'):
        SA(96, groups=64)
    with pytest.raises(ValueError, match=r'64.*128.*groups=32'):
        SA(64, groups=64)
    assert SA(64, groups=64, group_fallback='largest_divisor').groups == 32
    assert SA(96, groups=64, group_fallback='largest_divisor').groups == 48
    assert SA(24, groups=64, group_fallback='largest_divisor').groups == 12
    assert SA(256, group_fallback='largest_divisor').groups == 64
    with pytest.raises(ValueError, match='33'):     # odd widths cannot be halved at all
        SA(33, groups=64, group_fallback='largest_divisor')


def test_non_square_and_1x1_are_finite():
    """7×11 and 1×1 maps give finite outputs and gradients (GN over one value normalises to 0)."""
    torch.manual_seed(2)
    m = randomise(SA(64, groups=8))
    for shape in [(2, 64, 7, 11), (1, 64, 1, 1), (3, 64, 1, 1)]:
        x = torch.randn(*shape, requires_grad=True)
        y = m(x)
        y.sum().backward()
        assert torch.isfinite(y).all() and torch.isfinite(x.grad).all()
    x = torch.randn(3, 64, 1, 1)
    torch.testing.assert_close(m(x).double(), sa_by_hand(x, m, 8), rtol=1e-5, atol=1e-5)
