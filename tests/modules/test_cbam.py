"""CBAM: parameter count, reference initialisation, equation, argument checks."""
import pytest
import torch

from attn_plugins.modules.cbam import CBAM

R50_WIDTHS = [256] * 3 + [512] * 4 + [1024] * 6 + [2048] * 3


def n_params(m):
    return sum(p.numel() for p in m.parameters())


def randomize(m):
    """Random weights everywhere and random BN running statistics (module put in eval mode)."""
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(torch.randn_like(p) * 0.5)
        if hasattr(m, 'spatial_bn'):
            m.spatial_bn.running_mean.copy_(torch.randn(1))
            m.spatial_bn.running_var.copy_(torch.rand(1) + 0.5)
    return m.eval()


def reference_cbam(m, x, pool_types=('avg', 'max'), no_spatial=False):
    """The paper's equations, restated with explicit loops/einsum on the module's weights."""
    b, c, h, w = x.shape
    w1, b1, w2, b2 = m.fc1.weight, m.fc1.bias, m.fc2.weight, m.fc2.bias
    logits = torch.zeros(b, c)
    for kind in pool_types:
        flat = x.reshape(b, c, h * w)
        if kind == 'avg':
            d = torch.einsum('bcn->bc', flat) / (h * w)
        elif kind == 'max':
            d = flat.max(dim=-1).values
        elif kind == 'lp':
            d = torch.einsum('bcn,bcn->bc', flat, flat).sqrt()
        else:
            d = torch.log(torch.einsum('bcn->bc', flat.exp()))
        hid = torch.relu(torch.einsum('oc,bc->bo', w1, d) + b1)
        logits = logits + torch.einsum('co,bo->bc', w2, hid) + b2
    x1 = x * torch.sigmoid(logits)[:, :, None, None]
    if no_spatial:
        return x1
    comp = torch.stack([x1.max(dim=1).values, x1.sum(dim=1) / c], dim=1)  # (max, mean)
    k = m.spatial_conv.weight.shape[-1]
    p = (k - 1) // 2
    padded = torch.zeros(b, 2, h + 2 * p, w + 2 * p)
    padded[:, :, p:p + h, p:p + w] = comp
    s = torch.zeros(b, h, w)
    wt = m.spatial_conv.weight[0]
    for i in range(k):
        for j in range(k):
            s = s + torch.einsum('c,bchw->bhw', wt[:, i, j], padded[:, :, i:i + h, j:j + w])
    bn = m.spatial_bn
    s = (s - bn.running_mean) / torch.sqrt(bn.running_var + bn.eps) * bn.weight + bn.bias
    return x1 * torch.sigmoid(s)[:, None]


def test_param_count_matches_formula():
    """Params = SE-with-bias (2C²/r + C/r + C) + 98 (2→1 7×7 conv) + 2 (BN), at several widths."""
    for c, r in [(64, 16), (256, 16), (512, 8), (2048, 16), (96, 4)]:
        assert n_params(CBAM(c, reduction=r)) == 2 * c * c // r + c // r + c + 100
    assert n_params(CBAM(256, no_spatial=True)) == 2 * 256 * 16 + 16 + 256


def test_param_count_resnet50_total():
    """CBAM after every ResNet-50 bottleneck adds 2,532,592 params (28,089,624 total, 28.09M)."""
    assert sum(n_params(CBAM(c)) for c in R50_WIDTHS) == 2_532_592


def test_reference_initialisation():
    """Jongchan ResNet init: spatial BN weight 0 (gate σ(0)=0.5), every bias 0, conv kaiming fan_out."""
    torch.manual_seed(0)
    m = CBAM(256)
    assert torch.all(m.spatial_bn.weight == 0)
    for name, p in m.named_parameters():
        if name.endswith('bias'):
            assert torch.all(p == 0), name
    assert m.spatial_bn.momentum == 0.01 and m.spatial_bn.eps == 1e-5
    assert m.spatial_conv.bias is None
    # kaiming normal, fan_out = 1·7·7 → std = sqrt(2/49); loose statistical check over 98 samples
    std = m.spatial_conv.weight.std().item()
    assert 0.5 * (2 / 49) ** 0.5 < std < 1.6 * (2 / 49) ** 0.5
    # at init the spatial gate is exactly 0.5 everywhere (eval mode)
    m.eval()
    x = torch.randn(2, 256, 5, 6)
    with torch.no_grad():
        full = m(x)
        m.no_spatial = True
        channel_only = m(x)
    torch.testing.assert_close(full, channel_only * 0.5)


def test_reset_parameters_restores_init():
    """init_weights() (run by mmengine after a backbone's own init) re-applies the reference init."""
    m = randomize(CBAM(64))
    m.init_weights()
    assert torch.all(m.spatial_bn.weight == 0) and torch.all(m.fc1.bias == 0)


@pytest.mark.parametrize('pool_types', [('avg', 'max'), ('max',), ('avg', 'max', 'lp', 'lse')])
@pytest.mark.parametrize('hw', [(7, 11), (1, 1), (8, 8)])
def test_forward_matches_equation(pool_types, hw):
    """Forward = σ(Σ MLP(pool)) ⊙ x, then σ(BN(conv7×7([max_c; mean_c]))) ⊙ x (max first)."""
    torch.manual_seed(1)
    m = randomize(CBAM(32, reduction=4, pool_types=pool_types))
    x = torch.randn(3, 32, *hw)
    with torch.no_grad():
        torch.testing.assert_close(m(x), reference_cbam(m, x, pool_types), rtol=1e-4, atol=1e-5)


def test_forward_no_spatial_and_kernel3():
    """no_spatial drops the spatial gate; spatial_kernel=3 uses padding 1 and keeps H×W."""
    torch.manual_seed(2)
    x = torch.randn(2, 16, 7, 11)
    m = randomize(CBAM(16, reduction=4, no_spatial=True))
    assert not hasattr(m, 'spatial_conv')
    with torch.no_grad():
        torch.testing.assert_close(m(x), reference_cbam(m, x, no_spatial=True))
    m = randomize(CBAM(16, reduction=4, spatial_kernel=3))
    with torch.no_grad():
        torch.testing.assert_close(m(x), reference_cbam(m, x), rtol=1e-4, atol=1e-5)


def test_spatial_descriptor_order_is_max_then_mean():
    """The spatial conv's input channel 0 is the channel-wise max, channel 1 the mean (reference order)."""
    torch.manual_seed(3)
    m = randomize(CBAM(8, reduction=2))
    with torch.no_grad():
        m.spatial_conv.weight.zero_()
        m.spatial_conv.weight[0, 0, 3, 3] = 1.0           # pick the max channel at the centre tap
        m.spatial_bn.weight.fill_(1.0)
        m.spatial_bn.bias.zero_()
        m.spatial_bn.running_mean.zero_()
        m.spatial_bn.running_var.fill_(1.0 - m.spatial_bn.eps)
        m.no_spatial = True
        x = torch.randn(2, 8, 5, 5)
        x1 = m(x)
        m.no_spatial = False
        out = m(x)
    torch.testing.assert_close(out, x1 * torch.sigmoid(x1.amax(1, keepdim=True)))


def test_bad_arguments():
    """Invalid arguments fail in __init__ with a ValueError naming the value."""
    with pytest.raises(ValueError, match='0'):
        CBAM(64, reduction=0)
    with pytest.raises(ValueError, match=r"'median'"):
        CBAM(64, pool_types=('avg', 'median'))
    with pytest.raises(ValueError, match='subset'):
        CBAM(64, pool_types=())
    with pytest.raises(ValueError, match="'avg'"):
        CBAM(64, pool_types='avg')
    with pytest.raises(ValueError, match=r'got 6; use 5 or 7'):
        CBAM(64, spatial_kernel=6)
    with pytest.raises(ValueError, match='-3'):
        CBAM(-3)


def test_input_gradient_matches_reference_including_ties():
    """With autograd the max pools give the reference's gradient (``F.max_pool2d`` /
    ``torch.max``: to one arg-max element), also where maxima are tied (quantised input)."""
    torch.manual_seed(4)
    m = randomize(CBAM(16, reduction=4))
    x = (torch.randn(2, 16, 6, 5) * 2).round() / 2
    flat = x.reshape(2, 16, -1)
    assert ((flat == flat.amax(-1, keepdim=True)).sum(-1) > 1).any()  # tied maxima over H×W
    xa = x.clone().requires_grad_(True)
    xb = x.clone().requires_grad_(True)
    g = torch.randn(2, 16, 6, 5)
    m(xa).backward(g)
    reference_cbam(m, xb).backward(g)
    torch.testing.assert_close(xa.grad, xb.grad, rtol=1e-4, atol=1e-5)
