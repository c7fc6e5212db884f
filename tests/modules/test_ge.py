"""GE (Gather-Excite): θ⁻/θ/θ⁺ restated from the Caffe prototxts at the training size, the
any-size gather (pooled to the kernel's extent), parameter formulas and ResNet-50 totals."""
import pytest
import torch
import torch.nn.functional as F

from attn_plugins.modules import GE

R50 = [(256, 56)] * 3 + [(512, 28)] * 4 + [(1024, 14)] * 6 + [(2048, 7)] * 3


def n_params(m):
    return sum(p.numel() for p in m.parameters())


def ge_by_hand(m, x):
    if m.variant == 'theta-':
        return x * torch.sigmoid(x.mean((2, 3), keepdim=True))
    k = m.global_size
    xp = F.adaptive_avg_pool2d(x, k) if x.shape[2:] != (k, k) else x
    g = F.conv2d(xp, m.gather_conv.weight, groups=x.shape[1])
    bn = m.gather_bn
    g = (g - bn.running_mean[None, :, None, None]) / torch.sqrt(
        bn.running_var[None, :, None, None] + bn.eps) * bn.weight[None, :, None, None] + \
        bn.bias[None, :, None, None]
    if m.variant == 'theta+':
        g = F.conv2d(torch.relu(F.conv2d(torch.relu(g), m.excite_fc1.weight, m.excite_fc1.bias)),
                     m.excite_fc2.weight, m.excite_fc2.bias)
    return x * torch.sigmoid(g)


@pytest.mark.parametrize('variant', ['theta-', 'theta', 'theta+'])
@pytest.mark.parametrize('size', [(7, 7), (10, 13), (3, 3)])
def test_forward_matches_prototxt_op_sequence(variant, size):
    torch.manual_seed(0)
    m = GE(32, variant=variant, global_size=7).eval()
    with torch.no_grad():
        for p in m.parameters():
            p.normal_(0, 0.3)
    x = torch.randn(2, 32, *size)
    torch.testing.assert_close(m(x), ge_by_hand(m, x), rtol=1e-5, atol=1e-5)


def test_parameter_formulas_and_resnet50_totals():
    """GE-θ: C·k² + 2C; GE-θ⁺: + 2C²/16 + C/16 + C; ResNet-50 (25,557,032) + GE after bn3 of
    all 16 blocks with the 224-input kernels: 31,106,600 / 33,637,592; GE-θ⁻ adds nothing."""
    for c, k in ((256, 56), (2048, 7)):
        assert n_params(GE(c, 'theta', k)) == c * k * k + 2 * c
        assert n_params(GE(c, 'theta+', k)) == c * k * k + 2 * c + 2 * c * c // 16 + c // 16 + c
        assert n_params(GE(c, 'theta-')) == 0
    base = 25_557_032
    assert base + sum(n_params(GE(c, 'theta', k)) for c, k in R50) == 31_106_600
    assert base + sum(n_params(GE(c, 'theta+', k)) for c, k in R50) == 33_637_592


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"variant='theta\+\+'"):
        GE(64, variant='theta++')
    with pytest.raises(ValueError, match='global_size'):
        GE(64, variant='theta', global_size=0)
