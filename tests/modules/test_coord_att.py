"""Coordinate Attention: module-specific properties.

Generic shape / gradient / autocast / channels_last / jit checks live in the shared harness.
"""
import math

import pytest
import torch

from attn_plugins.modules.coord_att import CoordAtt

# MobileNetV2 hidden (expanded) widths of the 17 inverted residuals: CA after the depthwise conv.
MBV2_HIDDEN = [32, 96, 144, 144, 192, 192, 192, 384, 384, 384, 384, 576, 576, 576, 960, 960, 960]
R50 = [256] * 3 + [512] * 4 + [1024] * 6 + [2048] * 3


def n_params(m):
    return sum(p.numel() for p in m.parameters())


def formula(c, reduction=32, floor=8):
    mip = max(floor, c // reduction)
    return c * mip + mip + 2 * mip + 2 * (mip * c + c)


def randomise(m):
    for name, p in m.named_parameters():
        p.data.normal_(0, 0.3)
    m.bn1.running_mean.normal_(0, 1)
    m.bn1.running_var.uniform_(0.5, 2.0)
    return m


def coord_att_by_hand(x, m, batch_stats=False):
    """The paper's equations with einsum, float64: directional means, shared 1×1 transform + BN +
    h_swish on the concatenated H+W positions, two 1×1 transforms, sigmoid, product."""
    x = x.double()
    b, c, h, w = x.shape
    d = {k: v.detach().double() for k, v in m.state_dict().items() if v.is_floating_point()}
    z_h = x.mean(dim=3)                                   # (B, C, H): average over the width
    z_w = x.mean(dim=2)                                   # (B, C, W): average over the height
    z = torch.cat([z_h, z_w], dim=2)                      # (B, C, H+W)
    f = torch.einsum('mc,bcl->bml', d['conv1.weight'][:, :, 0, 0], z) + d['conv1.bias'][:, None]
    if batch_stats:                                       # BN over B·(H+W) positions, biased var
        mu = f.mean(dim=(0, 2), keepdim=True)
        var = ((f - mu) ** 2).mean(dim=(0, 2), keepdim=True)
    else:
        mu = d['bn1.running_mean'][:, None]
        var = d['bn1.running_var'][:, None]
    f = (f - mu) / torch.sqrt(var + 1e-5) * d['bn1.weight'][:, None] + d['bn1.bias'][:, None]
    f = f * torch.clamp(f + 3, 0, 6) / 6                  # h_swish
    f_h, f_w = f[:, :, :h], f[:, :, h:]
    a_h = torch.sigmoid(torch.einsum('cm,bml->bcl', d['conv_h.weight'][:, :, 0, 0], f_h)
                        + d['conv_h.bias'][:, None])      # (B, C, H)
    a_w = torch.sigmoid(torch.einsum('cm,bml->bcl', d['conv_w.weight'][:, :, 0, 0], f_w)
                        + d['conv_w.bias'][:, None])      # (B, C, W)
    return x * a_h[:, :, :, None] * a_w[:, :, None, :]


def test_param_count_formula_and_mobilenetv2_total():
    """C·mip + mip + 2mip + 2(mip·C + C) with mip = max(8, C // 32); MobileNetV2 with CA after the
    depthwise conv of all 17 blocks +446,632 (3,951,504 total), without the t=1 block +445,776
    (3,950,648); ResNet-50 after every bottleneck +1,917,832 (param_tables.md)."""
    for c in (8, 32, 96, 256, 257, 960, 2048):
        m = CoordAtt(c)
        assert m.mid_channels == max(8, c // 32)
        assert n_params(m) == formula(c)
    assert n_params(CoordAtt(256, reduction=16)) == formula(256, 16)
    assert CoordAtt(64, min_mid_channels=4).mid_channels == 4
    assert n_params(CoordAtt(64, min_mid_channels=4)) == formula(64, 32, 4)
    assert sum(formula(c) for c in MBV2_HIDDEN) == 446632
    assert sum(n_params(CoordAtt(c)) for c in MBV2_HIDDEN) == 446632
    assert 3504872 + sum(n_params(CoordAtt(c)) for c in MBV2_HIDDEN) == 3951504
    assert sum(n_params(CoordAtt(c)) for c in MBV2_HIDDEN[1:]) == 445776
    assert sum(n_params(CoordAtt(c)) for c in R50) == 1917832


def test_layers_and_init_match_official_mbv2_ca():
    """Reference layers (conv1 C→mip, bn1, conv_h/conv_w mip→C, all convs with bias) and the
    mbv2_ca init: weights ~ N(0, 2/(k·k·out_channels)), conv biases 0, BN weight 1 / bias 0."""
    torch.manual_seed(0)
    m = CoordAtt(1024)                                    # mip 32: 32,768 weights per conv
    assert set(n for n, _ in m.named_parameters()) == {
        'conv1.weight', 'conv1.bias', 'bn1.weight', 'bn1.bias',
        'conv_h.weight', 'conv_h.bias', 'conv_w.weight', 'conv_w.bias'}
    assert m.conv1.weight.shape == (32, 1024, 1, 1) and m.conv_h.weight.shape == (1024, 32, 1, 1)
    for conv in (m.conv1, m.conv_h, m.conv_w):
        assert torch.equal(conv.bias, torch.zeros_like(conv.bias))
        expected_std = math.sqrt(2.0 / conv.out_channels)
        assert abs(conv.weight.std().item() / expected_std - 1) < 0.03
        assert abs(conv.weight.mean().item()) < 0.03 * expected_std
    assert torch.equal(m.bn1.weight, torch.ones(32)) and torch.equal(m.bn1.bias, torch.zeros(32))
    x = torch.randn(1, 4)
    assert torch.equal(m.act(x), x * torch.clamp(x + 3, 0, 6) / 6)


def test_forward_matches_equation_restated_by_hand():
    """Eval mode (random running stats): out = x ⊙ a_h ⊙ a_w exactly as the equations, on a
    non-square map so that an H/W mix-up cannot pass."""
    torch.manual_seed(1)
    m = randomise(CoordAtt(40, reduction=4)).eval()
    x = torch.randn(2, 40, 7, 11)
    torch.testing.assert_close(m(x).double(), coord_att_by_hand(x, m), rtol=1e-5, atol=1e-5)


def test_train_mode_bn_normalises_over_concatenated_positions():
    """In training, BN statistics are taken over the concatenated H+W positions of all samples
    (the reference applies one BN to cat([z_h, z_w]))."""
    torch.manual_seed(2)
    m = randomise(CoordAtt(24, reduction=2)).train()
    x = torch.randn(3, 24, 5, 9)
    torch.testing.assert_close(m(x).double(), coord_att_by_hand(x, m, batch_stats=True),
                               rtol=1e-5, atol=1e-5)


def test_bad_args_raise():
    """Non-positive reduction / floor / width fail in __init__."""
    for kwargs in ({'reduction': 0}, {'reduction': -2}, {'min_mid_channels': 0}):
        with pytest.raises(ValueError):
            CoordAtt(64, **kwargs)
    with pytest.raises(ValueError):
        CoordAtt(0)


def test_non_square_and_1x1_are_finite():
    """7×11 and 1×1 maps give finite outputs and gradients in train and eval (at 1×1 the training
    BN still sees H+W = 2 positions per sample)."""
    torch.manual_seed(3)
    m = randomise(CoordAtt(64))
    for train in (True, False):
        m.train(train)
        for shape in [(2, 64, 7, 11), (1, 64, 1, 1), (3, 64, 1, 1)]:
            x = torch.randn(*shape, requires_grad=True)
            y = m(x)
            y.sum().backward()
            assert torch.isfinite(y).all() and torch.isfinite(x.grad).all()
