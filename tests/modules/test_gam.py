"""GAM-specific properties: the paper's parameter table, the forward maths, argument checks."""
import pytest
import torch
import torch.nn.functional as F

from attn_plugins.modules.gam import GAM

# Block-output widths of the 16 bottlenecks of (CIFAR) ResNet-50: 256×3, 512×4, 1024×6, 2048×3.
RESNET50_WIDTHS = {256: 3, 512: 4, 1024: 6, 2048: 3}


def n_params(module):
    return sum(p.numel() for p in module.parameters())


def formula(c, r=16, g=1, mlp_bias=True, conv_bias=False, second_bn=False):
    h = max(1, c // r)
    n = 2 * c * h + (h + c) * mlp_bias             # Linear(C, h), Linear(h, C)
    n += 2 * 49 * c * h // g + (h + c) * conv_bias  # Conv7×7 C→h and h→C, `g` groups
    n += 2 * h + 2 * c * second_bn                 # BN after conv1 (always), after conv2 (option)
    return n


@pytest.mark.parametrize('c,r,g', [(64, 16, 1), (64, 16, 4), (256, 16, 2), (96, 4, 4), (8, 16, 1)])
@pytest.mark.parametrize('snippet', [False, True])
def test_param_count_formula(c, r, g, snippet):
    """Protects the layer layout: 2C·h (+biases) MLP, two 7×7 convs, BN placement, per option."""
    opts = dict(mlp_bias=True, conv_bias=snippet, second_bn=snippet)
    with torch.device('meta'):
        m = GAM(c, reduction=r, groups=g, **opts)
    assert n_params(m) == formula(c, r, g, **opts)


@pytest.mark.parametrize('groups,opts,expected', [
    (1, {}, 125_765_136),                                   # paper: 149.47M
    (4, {}, 33_340_944),                                    # paper "GAM (gc)": 57.05M
    (1, dict(mlp_bias=False, conv_bias=True), 125_765_136),  # the other "bias xor" reading
    (1, dict(conv_bias=True, second_bn=True), 125_811_392),  # popular snippet: 149.52M
    (4, dict(conv_bias=True, second_bn=True), 33_387_200),   # grouped snippet: 57.09M
])
def test_cifar_resnet50_totals(groups, opts, expected):
    """Protects the defaults reproducing the paper's CIFAR-100 ResNet-50 table (base 23,705,252):
    GAM after bn3 of all 16 bottlenecks adds exactly these counts (149.47M / 57.05M)."""
    total = 0
    with torch.device('meta'):  # no memory or init cost at C = 2048
        for c, blocks in RESNET50_WIDTHS.items():
            total += blocks * n_params(GAM(c, groups=groups, **opts))
    assert total == expected
    assert round((23_705_252 + total) / 1e6, 2) == {125_765_136: 149.47, 33_340_944: 57.05,
                                                    125_811_392: 149.52, 33_387_200: 57.09}[total]


def restated_gam(m, x):
    """GAM written out independently: einsum MLP, F.conv2d, BN by formula, shuffle by index."""
    def bn(t, mod):
        return ((t - mod.running_mean[None, :, None, None])
                / torch.sqrt(mod.running_var[None, :, None, None] + mod.eps)
                * mod.weight[None, :, None, None] + mod.bias[None, :, None, None])

    fc1, fc2 = m.channel_fc1, m.channel_fc2
    a = torch.einsum('bchw,kc->bkhw', x, fc1.weight) + fc1.bias[None, :, None, None]
    a = torch.einsum('bkhw,ck->bchw', a.clamp(min=0), fc2.weight) + fc2.bias[None, :, None, None]
    if m.channel_sigmoid:
        a = 1 / (1 + torch.exp(-a))
    x = x * a
    g = m.groups
    s = F.conv2d(x, m.spatial_conv1.weight, m.spatial_conv1.bias, padding=3, groups=g)
    s = bn(s, m.spatial_bn1).clamp(min=0)
    s = F.conv2d(s, m.spatial_conv2.weight, m.spatial_conv2.bias, padding=3, groups=g)
    if isinstance(m.spatial_bn2, torch.nn.BatchNorm2d):
        s = bn(s, m.spatial_bn2)
    s = 1 / (1 + torch.exp(-s))
    c = x.shape[1]
    n = c // g
    # ShuffleNet: output channel o = j·g + i comes from input channel i·n + j.
    perm = [(o % g) * n + o // g for o in range(c)]
    return x * s[:, perm]


@pytest.mark.parametrize('groups', [1, 4])
@pytest.mark.parametrize('channel_sigmoid', [True, False])
@pytest.mark.parametrize('snippet', [False, True])
def test_forward_matches_restatement(groups, channel_sigmoid, snippet):
    """Protects the forward maths (permuted MLP, gate order, BN, grouped convs, gate shuffle) on
    random weights and random BN statistics in eval mode, on an odd non-square input."""
    torch.manual_seed(0)
    m = GAM(32, reduction=4, groups=groups, channel_sigmoid=channel_sigmoid,
            mlp_bias=True, conv_bias=snippet, second_bn=snippet).eval()
    with torch.no_grad():
        for name, p in m.named_parameters():
            p.copy_(torch.randn_like(p) * (0.05 if 'conv' in name else 0.3))
        for mod in m.modules():
            if isinstance(mod, torch.nn.BatchNorm2d):
                mod.running_mean.copy_(torch.randn_like(mod.running_mean) * 0.1)
                mod.running_var.copy_(torch.rand_like(mod.running_var) + 0.5)
    x = torch.randn(2, 32, 7, 11)
    with torch.no_grad():
        torch.testing.assert_close(m(x), restated_gam(m, x), rtol=1e-4, atol=1e-5)


def test_channel_sigmoid_off_is_unbounded_gate():
    """Protects the snippet option: without the sigmoid the channel gate is the raw MLP output."""
    torch.manual_seed(0)
    m = GAM(16, reduction=4, channel_sigmoid=False).eval()
    x = torch.randn(1, 16, 3, 3)
    a = m.channel_fc2(torch.relu(m.channel_fc1(x.permute(0, 2, 3, 1)))).permute(0, 3, 1, 2)
    m.spatial_conv2.weight.data.zero_()  # no bias, no second BN: spatial gate = σ(0) = 0.5
    torch.testing.assert_close(m(x), x * a * 0.5)


def test_bad_groups_name_both_numbers():
    """Protects the divisibility check: groups must divide C and C//r, and the error names both."""
    with pytest.raises(ValueError) as err:
        GAM(48, reduction=16, groups=4)          # 48 % 4 == 0 but C//r = 3
    msg = str(err.value)
    assert 'C=48' in msg and 'C//r=3' in msg and 'groups=4' in msg and 'use groups=3' in msg
    with pytest.raises(ValueError, match='C=50 and C//r=3'):
        GAM(50, groups=4)                        # C itself not divisible
    with pytest.raises(ValueError, match='reduction'):
        GAM(64, reduction=0)


def test_group_fallback_divides_both():
    """Protects the opt-in fallback: the chosen group count divides both C and C//r."""
    m = GAM(200, reduction=16, groups=8, group_fallback='largest_divisor')  # C//r = 12
    assert m.groups == 4 and 200 % m.groups == 0 and 12 % m.groups == 0
    assert GAM(256, groups=4, group_fallback='largest_divisor').groups == 4


def test_reset_parameters_initialisation():
    """Protects the documented initialisation: kaiming fan_out convs, zero conv biases, BN 1/0."""
    torch.manual_seed(0)
    m = GAM(256, reduction=16, conv_bias=True, second_bn=True)
    w = m.spatial_conv2.weight  # fan_out = 256·49 → std √(2/fan_out)
    assert abs(w.std().item() / (2 / (256 * 49)) ** 0.5 - 1) < 0.05
    assert torch.all(m.spatial_conv1.bias == 0) and torch.all(m.spatial_conv2.bias == 0)
    for bn in (m.spatial_bn1, m.spatial_bn2):
        assert torch.all(bn.weight == 1) and torch.all(bn.bias == 0)
