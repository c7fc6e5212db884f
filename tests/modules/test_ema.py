"""EMA (Efficient Multi-scale Attention): the official op sequence restated, the 10c² + 4c
parameter formula, the factor-divisibility error and the opt-in divisor fallback."""
import pytest
import torch
import torch.nn.functional as F

from attn_plugins.modules import EMA


def ema_by_hand(m, x):
    """YOLOonMe/EMA's forward, op by op (adaptive pools as means)."""
    b, c, h, w = x.shape
    g = m.groups
    gx = x.reshape(b * g, -1, h, w)
    x_h = gx.mean(3, keepdim=True)
    x_w = gx.mean(2, keepdim=True).permute(0, 1, 3, 2)
    hw = m.conv1x1(torch.cat([x_h, x_w], dim=2))
    x_h, x_w = torch.split(hw, [h, w], dim=2)
    x1 = F.group_norm(gx * x_h.sigmoid() * x_w.permute(0, 1, 3, 2).sigmoid(), m.gn.num_groups,
                      m.gn.weight, m.gn.bias, m.gn.eps)
    x2 = m.conv3x3(gx)
    x11 = torch.softmax(x1.mean((2, 3)).reshape(b * g, -1, 1).permute(0, 2, 1), dim=-1)
    x12 = x2.reshape(b * g, c // g, -1)
    x21 = torch.softmax(x2.mean((2, 3)).reshape(b * g, -1, 1).permute(0, 2, 1), dim=-1)
    x22 = x1.reshape(b * g, c // g, -1)
    weights = (torch.matmul(x11, x12) + torch.matmul(x21, x22)).reshape(b * g, 1, h, w)
    return (gx * weights.sigmoid()).reshape(b, c, h, w)


@pytest.mark.parametrize('c,factor,size', [(64, 32, (7, 9)), (48, 8, (5, 5)), (32, 4, (1, 3))])
def test_forward_matches_official_op_sequence(c, factor, size):
    torch.manual_seed(0)
    m = EMA(c, factor=factor)
    with torch.no_grad():
        for p in m.parameters():
            p.normal_(0, 0.5)
    x = torch.randn(2, c, *size)
    torch.testing.assert_close(m(x), ema_by_hand(m, x), rtol=1e-5, atol=1e-5)


def test_parameter_formula_and_resnet50_total():
    """10c² + 4c per module (c = C / factor); ResNet-50 after bn3 at factor 32: +198,368."""
    for c in (256, 512, 1024, 2048):
        k = c // 32
        assert sum(p.numel() for p in EMA(c).parameters()) == 10 * k * k + 4 * k
    r50 = [256] * 3 + [512] * 4 + [1024] * 6 + [2048] * 3
    assert sum(sum(p.numel() for p in EMA(c).parameters()) for c in r50) == 198_368
    assert set(EMA(64).state_dict()) == {'conv1x1.weight', 'conv1x1.bias', 'conv3x3.weight',
                                         'conv3x3.bias', 'gn.weight', 'gn.bias'}


def test_indivisible_width_raises_or_falls_back():
    """The official EMA(144) crashes in reshape; here: a clear error, or the opt-in fallback to
    the largest factor <= 32 dividing 144 (24)."""
    with pytest.raises(ValueError, match=r'EMA: channels 144 not divisible by factor=32; use '
                                         r'factor=24'):
        EMA(144)
    assert EMA(144, group_fallback='largest_divisor').groups == 24
    assert EMA(144, group_fallback='largest_divisor')(torch.randn(1, 144, 4, 4)).shape[1] == 144
