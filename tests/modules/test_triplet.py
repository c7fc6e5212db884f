"""Triplet Attention: module-specific properties.

Generic shape / gradient / autocast / channels_last / jit checks live in the shared harness.
"""
import math

import pytest
import torch
import torch.nn.functional as F

from attn_plugins.modules.triplet import TripletAttention

R50 = [256] * 3 + [512] * 4 + [1024] * 6 + [2048] * 3
R18 = [64] * 2 + [128] * 2 + [256] * 2 + [512] * 2
MBV2_OUT = [16, 24, 24, 32, 32, 32, 64, 64, 64, 64, 96, 96, 96, 160, 160, 160, 320]


def n_params(m):
    return sum(p.numel() for p in m.parameters())


def randomise(m):
    """Random conv/BN parameters and random BN running statistics (eval mode uses them)."""
    for name, p in m.named_parameters():
        p.data.normal_(0, 0.5 if 'conv.conv' in name else 1)
    for name, buf in m.named_buffers():
        if name.endswith('running_mean'):
            buf.normal_(0, 1)
        elif name.endswith('running_var'):
            buf.uniform_(0.5, 2.0)
    return m


def gate_by_hand(y, gate):
    """AttentionGate on an already rotated tensor y: Z-pool over dim 1, conv, BN (eval), sigmoid."""
    z = torch.cat([y.max(dim=1, keepdim=True)[0], y.mean(dim=1, keepdim=True)], dim=1)
    conv, bn = gate.conv.conv, gate.conv.bn
    k = conv.weight.shape[-1]
    z = F.conv2d(z, conv.weight.double(), padding=(k - 1) // 2)
    z = (z - bn.running_mean.double()) / torch.sqrt(bn.running_var.double() + bn.eps)
    z = z * bn.weight.double() + bn.bias.double()
    return y * torch.sigmoid(z)


def triplet_by_hand(x, m):
    """The reference's three rotated branches, literally: permute, gate, permute back, average."""
    x = x.double()
    cw = gate_by_hand(x.permute(0, 2, 1, 3), m.cw).permute(0, 2, 1, 3)
    hc = gate_by_hand(x.permute(0, 3, 2, 1), m.hc).permute(0, 3, 2, 1)
    if m.no_spatial:
        return (cw + hc) / 2
    hw = gate_by_hand(x, m.hw)
    return (hw + cw + hc) / 3


def test_param_count_is_3x_2k2_plus_2_and_published_totals():
    """Per gate a 2→1 k×k conv without bias (2k²) and BN(1) (2): 3(2k²+2), 300 at k=7, independent of
    C; ResNet-50 +4,800, ResNet-18 +2,400, MobileNetV2 (17 blocks) +5,100 at k=7 / +1,020 at k=3."""
    for k in (3, 5, 7, 9):
        for c in (16, 256, 2048):
            assert n_params(TripletAttention(c, kernel_size=k)) == 3 * (2 * k * k + 2)
        assert n_params(TripletAttention(64, kernel_size=k, no_spatial=True)) == 2 * (2 * k * k + 2)
    assert n_params(TripletAttention(256)) == 300
    assert sum(n_params(TripletAttention(c)) for c in R50) == 4800
    assert sum(n_params(TripletAttention(c)) for c in R18) == 2400
    assert sum(n_params(TripletAttention(c)) for c in MBV2_OUT) == 5100
    assert sum(n_params(TripletAttention(c, kernel_size=3)) for c in MBV2_OUT) == 1020


def test_layers_and_init_match_reference():
    """Reference layers: conv 2→1, k×k, padding (k-1)//2, no bias; BN(1, eps 1e-5, momentum 0.01);
    state-dict names cw/hc/hw.conv.conv/bn. Init as the official ImageNet code: kaiming_normal_
    fan_out (std √2/k), BN bias 0, BN weight 1 in cw/hc and 0 in hw ("SpatialGate" keys)."""
    torch.manual_seed(0)
    m = TripletAttention(64, kernel_size=31)
    assert set(m.state_dict()) == {f'{b}.conv.{n}' for b in ('cw', 'hc', 'hw') for n in (
        'conv.weight', 'bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var',
        'bn.num_batches_tracked')}
    ws = []
    for gate in (m.cw, m.hc, m.hw):
        conv, bn = gate.conv.conv, gate.conv.bn
        assert conv.bias is None and conv.in_channels == 2 and conv.out_channels == 1
        assert conv.kernel_size == (31, 31) and conv.padding == (15, 15)
        assert bn.eps == 1e-5 and bn.momentum == 0.01
        want = 0. if gate is m.hw else 1.
        assert torch.equal(bn.weight, torch.full((1, ), want)), gate
        assert torch.equal(bn.bias, torch.zeros(1))
        ws.append(conv.weight.flatten())
    w = torch.cat(ws)                                   # 3·2·31² = 5,766 samples
    assert abs(w.mean().item()) < 0.01
    assert abs(w.std().item() / (math.sqrt(2.0) / 31) - 1) < 0.05


def test_forward_matches_rotated_branches_restated_by_hand():
    """out = (hw + cw + hc)/3 with the reference's permutations (0,2,1,3) and (0,3,2,1), Z-pool =
    [max, mean] in that order — C, H, W all different so a swapped axis cannot pass."""
    torch.manual_seed(1)
    for k, no_spatial in [(7, False), (3, False), (5, True)]:
        m = randomise(TripletAttention(6, kernel_size=k, no_spatial=no_spatial)).eval()
        x = torch.randn(2, 6, 7, 11)
        torch.testing.assert_close(m(x).double(), triplet_by_hand(x, m), rtol=1e-5, atol=1e-5)


def test_train_mode_bn_uses_batch_stats_with_momentum_001():
    """In training the gate BN normalises with the batch statistics of the conv output and updates
    its running mean with momentum 0.01 (reference BasicConv)."""
    torch.manual_seed(2)
    m = randomise(TripletAttention(8)).train()
    x = torch.randn(4, 8, 5, 9)
    old = m.hw.conv.bn.running_mean.clone()
    m(x)
    z = torch.cat([x.max(dim=1, keepdim=True)[0], x.mean(dim=1, keepdim=True)], dim=1)
    conv_out = F.conv2d(z, m.hw.conv.conv.weight, padding=3)
    torch.testing.assert_close(m.hw.conv.bn.running_mean, 0.99 * old + 0.01 * conv_out.mean())


def test_even_or_invalid_kernel_raises():
    """An even kernel would shift the map with padding (k-1)//2: refused with the odd neighbours."""
    with pytest.raises(ValueError, match=r'6.*kernel_size=7'):
        TripletAttention(64, kernel_size=6)
    for k in (0, -3, 2.5):
        with pytest.raises(ValueError):
            TripletAttention(64, kernel_size=k)


def test_non_square_and_1x1_are_finite():
    """7×11 and 1×1 maps give finite outputs and gradients in train and eval (batch 1 at 1×1 in
    training normalises the hw gate with the running statistics instead of raising)."""
    torch.manual_seed(3)
    m = randomise(TripletAttention(32))
    for train in (True, False):
        m.train(train)
        for shape in [(2, 32, 7, 11), (1, 32, 1, 1), (3, 32, 1, 1)]:
            x = torch.randn(*shape, requires_grad=True)
            y = m(x)
            y.sum().backward()
            assert y.shape == x.shape
            assert torch.isfinite(y).all() and torch.isfinite(x.grad).all()


def test_input_gradient_matches_reference_including_ties():
    """Training-mode gradients w.r.t. the input equal the reference's (``torch.max`` Z-pool: the
    gradient goes to one arg-max element), also where the max is tied — checked on a coarsely
    quantised input so ties occur along every pooled axis."""
    torch.manual_seed(3)
    m = randomise(TripletAttention(6, kernel_size=3)).eval()   # eval BN: the same function
    x = (torch.randn(2, 6, 7, 11) * 2).round().double() / 2
    assert (x.amax(dim=1, keepdim=True) == x).sum() > 2 * 7 * 11  # ties exist
    xa = x.clone().requires_grad_(True)
    xb = x.clone().requires_grad_(True)
    g = torch.randn(2, 6, 7, 11, dtype=torch.float64)
    m.double()(xa).backward(g)
    triplet_by_hand(xb, m).backward(g)
    torch.testing.assert_close(xa.grad, xb.grad, rtol=1e-10, atol=1e-10)


def test_hw_branch_starts_at_half_and_mobilenet_init_is_reachable():
    """hw BN weight 0 → the spatial gate is σ(BN bias 0) = 0.5 at initialisation, in train and
    eval mode; hw_bn_weight=1 gives the official MobileNetV2 init (all three BN weights 1)."""
    torch.manual_seed(4)
    m = TripletAttention(8)
    x = torch.randn(2, 8, 5, 6)
    for train in (True, False):
        m.train(train)
        torch.testing.assert_close(m.hw(torch.randn(2, 2, 5, 6)), torch.full((2, 1, 5, 6), 0.5))
    assert torch.equal(TripletAttention(8, hw_bn_weight=1.).hw.conv.bn.weight, torch.ones(1))
    assert m(x).shape == x.shape
    with pytest.raises(ValueError, match='TripletAttention: in_channels must be a positive '
                                         'integer, got 0'):
        TripletAttention(0)
