"""BAM: parameter count, reference initialisation, equation (both fusions), non-square inputs, args."""
import pytest
import torch
from torch import nn

from attn_plugins.modules.bam import BAM


def n_params(m):
    return sum(p.numel() for p in m.parameters())


def formula(c, r=16, n=2):
    """Channel: Ch+h + 2h + hC+C; spatial: Ch+h + 2h + n(9h²+h + 2h) + h+1 (h = C // r)."""
    h = c // r
    return (c * h + h + 2 * h + h * c + c) + (c * h + h + 2 * h + n * (9 * h * h + 3 * h) + h + 1)


def randomize(m):
    """Random weights and random BN running statistics; eval mode."""
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(torch.randn_like(p) * 0.3)
        for mod in m.modules():
            if isinstance(mod, nn.modules.batchnorm._BatchNorm):
                mod.running_mean.copy_(torch.randn_like(mod.running_mean))
                mod.running_var.copy_(torch.rand_like(mod.running_var) + 0.5)
    return m.eval()


def bn_eval(y, bn, dim):
    shape = [1] * y.dim()
    shape[dim] = -1
    mean, var = bn.running_mean.view(shape), bn.running_var.view(shape)
    return (y - mean) / torch.sqrt(var + bn.eps) * bn.weight.view(shape) + bn.bias.view(shape)


def conv3x3_dilated(x, weight, bias, d):
    """Zero-padded (padding d) dilated 3×3 conv as a sum over the 9 taps."""
    b, c, h, w = x.shape
    padded = torch.zeros(b, c, h + 2 * d, w + 2 * d)
    padded[:, :, d:d + h, d:d + w] = x
    out = bias.view(1, -1, 1, 1).expand(b, -1, h, w).clone()
    for i in range(3):
        for j in range(3):
            tap = padded[:, :, i * d:i * d + h, j * d:j * d + w]
            out = out + torch.einsum('oc,bchw->bohw', weight[:, :, i, j], tap)
    return out


def reference_bam(m, x, fusion, d=4):
    """x ⊙ (1 + σ(Mc ∘ Ms)), ∘ = + (paper Eq. 2) or × (official code), restated from the paper."""
    b, c, h, w = x.shape
    gap = torch.einsum('bchw->bc', x) / (h * w)
    y = torch.einsum('oc,bc->bo', m.channel_fc1.weight, gap) + m.channel_fc1.bias
    y = torch.relu(bn_eval(y, m.channel_bn, 1))
    mc = torch.einsum('co,bo->bc', m.channel_fc2.weight, y) + m.channel_fc2.bias
    convs = [l for l in m.spatial if isinstance(l, nn.Conv2d)]
    bns = [l for l in m.spatial if isinstance(l, nn.BatchNorm2d)]
    s = torch.einsum('oc,bchw->bohw', convs[0].weight[:, :, 0, 0], x) + convs[0].bias.view(1, -1, 1, 1)
    s = torch.relu(bn_eval(s, bns[0], 1))
    for conv, bn in zip(convs[1:-1], bns[1:]):
        s = torch.relu(bn_eval(conv3x3_dilated(s, conv.weight, conv.bias, d), bn, 1))
    ms = torch.einsum('oc,bchw->bohw', convs[-1].weight[:, :, 0, 0], s) + convs[-1].bias.view(1, -1, 1, 1)
    out = torch.empty_like(x)
    for i in range(c):   # broadcast (B, C, 1, 1) with (B, 1, H, W) written per channel
        z = mc[:, i, None, None] + ms[:, 0] if fusion == 'sum' else mc[:, i, None, None] * ms[:, 0]
        out[:, i] = x[:, i] * (1 + torch.sigmoid(z))
    return out


def test_param_count_matches_formula():
    """Params = 3Ch + 18h² + 13h + C + 1 (h = C/r, two dilated convs), at several widths."""
    for c, r in [(256, 16), (512, 16), (1024, 16), (64, 8), (96, 16)]:
        h = c // r
        assert n_params(BAM(c, reduction=r)) == formula(c, r) == 3 * c * h + 18 * h * h + 13 * h + c + 1
    assert n_params(BAM(256, num_dilated_convs=0)) == formula(256, n=0)
    assert n_params(BAM(256, num_dilated_convs=3)) == formula(256, n=3)


def test_param_count_resnet50_total():
    """BAM after layer1, layer2, layer3 of ResNet-50 (C=256/512/1024) adds 358,067 params (25.92M)."""
    assert sum(n_params(BAM(c)) for c in (256, 512, 1024)) == 358_067


def test_reference_initialisation():
    """Jongchan ResNet init: every BN weight 1 (no "SpatialGate" key), every bias 0, default BN momentum."""
    torch.manual_seed(0)
    m = BAM(256)
    bns = [mod for mod in m.modules() if isinstance(mod, nn.modules.batchnorm._BatchNorm)]
    assert len(bns) == 4
    for bn in bns:
        assert torch.all(bn.weight == 1) and bn.momentum == 0.1
    for name, p in m.named_parameters():
        if name.endswith('bias'):
            assert torch.all(p == 0), name
    # spatial convs: kaiming normal fan_out; 1×1 C→C/16 has fan_out 16 → std sqrt(2/16)
    std = m.spatial[0].weight.std().item()
    assert 0.8 * (2 / 16) ** 0.5 < std < 1.2 * (2 / 16) ** 0.5
    randomize(m).init_weights()
    assert all(torch.all(bn.weight == 1) for bn in bns) and torch.all(m.channel_fc1.bias == 0)


@pytest.mark.parametrize('fusion', ['sum', 'product'])
@pytest.mark.parametrize('hw', [(7, 11), (11, 7), (8, 8), (1, 1)])
def test_forward_matches_equation(fusion, hw):
    """Forward = x ⊙ (1 + σ(Mc ∘ Ms)) for both fusions, any H×W including non-square and 1×1."""
    torch.manual_seed(1)
    m = randomize(BAM(64, reduction=8, fusion=fusion))
    x = torch.randn(3, 64, *hw)
    with torch.no_grad():
        torch.testing.assert_close(m(x), reference_bam(m, x, fusion), rtol=1e-4, atol=1e-5)


def test_non_square_matches_equation_other_config():
    """7×11 input with dilation 2 and one dilated conv: shape kept, equals the restatement (the
    official square avg_pool2d(x, H) kernel would pool only a 7×7 window here)."""
    torch.manual_seed(2)
    m = randomize(BAM(32, reduction=4, dilation=2, num_dilated_convs=1))
    x = torch.randn(2, 32, 7, 11)
    with torch.no_grad():
        out = m(x)
    assert out.shape == x.shape
    torch.testing.assert_close(out, reference_bam(m, x, 'sum', d=2), rtol=1e-4, atol=1e-5)


def test_eval_batch_one():
    """Eval mode with batch 1 works (training with batch 1 is BatchNorm1d's documented limitation)."""
    m = BAM(64).eval()
    x = torch.randn(1, 64, 5, 9)
    with torch.no_grad():
        assert m(x).shape == x.shape


def test_bad_arguments():
    """Invalid arguments fail in __init__ with a ValueError naming the numbers."""
    with pytest.raises(ValueError, match=r'reduction=32 is larger than in_channels=16.*<= 16'):
        BAM(16, reduction=32)
    with pytest.raises(ValueError, match=r"'mul'"):
        BAM(64, fusion='mul')
    with pytest.raises(ValueError, match='0'):
        BAM(64, dilation=0)
    with pytest.raises(ValueError, match='-1'):
        BAM(64, num_dilated_convs=-1)
    with pytest.raises(ValueError, match='0'):
        BAM(64, reduction=0)
