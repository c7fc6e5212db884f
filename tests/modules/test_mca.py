"""MCA (Moment Channel Attention): MCA-E / MCA-S restated from the released moment.py, the 2k+1
parameter count, finite gradients on constant maps, argument checks."""
import pytest
import torch
import torch.nn.functional as F

from attn_plugins.modules import MCA


def mca_by_hand(m, x):
    """moment.py: mean and population std (v1) or skewness Σ(x−μ)³/n / (σ³ + 1e-5) (v2),
    stacked (B, 2, C) → Conv1d(2, 1, k, padding (k−1)/2, bias) → sigmoid → x·gate."""
    n = x.shape[2] * x.shape[3]
    avg = x.mean((2, 3), keepdim=True)
    std = x.std((2, 3), unbiased=False, keepdim=True)
    if m.variant == 'E':
        second = std
    else:
        second = (1 / n * (x - avg) ** 3).sum((2, 3), keepdim=True) / (std ** 3 + 1e-5)
    y = torch.cat([avg.squeeze(-1).permute(0, 2, 1), second.squeeze(-1).permute(0, 2, 1)], 1)
    gate = torch.sigmoid(F.conv1d(y, m.conv.weight, m.conv.bias, padding=(m.kernel_size - 1) // 2))
    return x * gate.permute(0, 2, 1).unsqueeze(-1)


@pytest.mark.parametrize('variant,k', [('E', 3), ('S', 3), ('S', 7)])
def test_forward_matches_released_code(variant, k):
    torch.manual_seed(0)
    m = MCA(12, variant=variant, kernel_size=k)
    with torch.no_grad():
        m.conv.weight.normal_(0, 1)
    x = torch.randn(2, 12, 6, 5) * 2 + torch.randn(1, 12, 1, 1)
    torch.testing.assert_close(m(x), mca_by_hand(m, x), rtol=1e-5, atol=1e-5)


def test_parameter_count_2k_plus_1_and_resnet50():
    assert sum(p.numel() for p in MCA(256).parameters()) == 7
    assert sum(p.numel() for p in MCA(256, kernel_size=7).parameters()) == 15
    assert 16 * 7 == 112   # ResNet-50 after bn3: 16 modules, +112 → 25,557,144


def test_constant_map_has_finite_gradient():
    """torch.std's gradient at σ = 0 is NaN (a 1×1 or constant map); ours is finite."""
    for variant in ('E', 'S'):
        x = torch.ones(2, 8, 3, 3, requires_grad=True)
        MCA(8, variant=variant)(x).sum().backward()
        assert torch.isfinite(x.grad).all()


def test_bad_arguments():
    with pytest.raises(ValueError, match="variant='X'"):
        MCA(64, variant='X')
    with pytest.raises(ValueError, match='even'):
        MCA(64, kernel_size=4)
    with pytest.raises(ValueError, match='in_channels must be a positive integer'):
        MCA(0)
