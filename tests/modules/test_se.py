"""SE: the paper's parameter count, its equation restated independently, and argument checks."""
import pytest
import torch

from attn_plugins.modules.se import SE

R50_WIDTHS = [256] * 3 + [512] * 4 + [1024] * 6 + [2048] * 3


def n_params(m):
    return sum(p.numel() for p in m.parameters())


@pytest.mark.parametrize('c', [16, 64, 256, 2048])
def test_param_count_is_the_papers_formula(c):
    """2C²/r + C/r + C with the official Caffe biases; 2C²/r without (senet.pytorch)."""
    assert n_params(SE(c)) == 2 * c * c // 16 + c // 16 + c
    assert n_params(SE(c, bias=False)) == 2 * c * c // 16


def test_resnet50_totals():
    """SE-ResNet-50: +2,530,992 with biases (28,088,024 total); +2,514,944 without (GAM's 26.22M)."""
    assert sum(n_params(SE(c)) for c in R50_WIDTHS) == 2_530_992
    assert sum(n_params(SE(c, bias=False)) for c in R50_WIDTHS) == 2_514_944


def test_forward_equals_the_equation():
    """out[b,c,h,w] = x[b,c,h,w] · σ(Σ_j W2[c,j]·max(0, Σ_k W1[j,k]·mean_hw(x[b,k]) + b1[j]) + b2[c])."""
    torch.manual_seed(0)
    m = SE(12, reduction=4).eval()
    x = torch.randn(2, 12, 5, 7)
    w1, b1 = m.fc1.weight[:, :, 0, 0], m.fc1.bias
    w2, b2 = m.fc2.weight[:, :, 0, 0], m.fc2.bias
    ref = torch.empty_like(x)
    for b in range(2):
        z = [x[b, k].sum() / (5 * 7) for k in range(12)]
        hidden = [max(0.0, float(sum(w1[j, k] * z[k] for k in range(12)) + b1[j])) for j in range(3)]
        for c in range(12):
            s = torch.sigmoid(sum(w2[c, j] * hidden[j] for j in range(3)) + b2[c])
            ref[b, c] = x[b, c] * s
    with torch.no_grad():
        torch.testing.assert_close(m(x), ref, rtol=1e-5, atol=1e-6)


def test_init_weights_restores_pytorch_default_after_a_backbone_pass():
    """A backbone's Kaiming/zero pass must not leave SE in a state its reference never starts from."""
    m = SE(64)
    with torch.no_grad():
        for p in m.parameters():
            p.zero_()
    m.init_weights()
    assert m.fc1.weight.abs().sum() > 0 and m.fc2.weight.abs().sum() > 0
    bound = 1 / 64 ** 0.5   # kaiming_uniform(a=√5) bound for fan_in 64
    assert m.fc1.weight.abs().max() <= bound


def test_bad_reduction_and_width_are_rejected_in_init():
    """SE(0) used to build (a 0-channel conv); both fail in __init__ with the value and a fix."""
    with pytest.raises(ValueError, match='reduction must be a positive integer, got 0; the paper '
                                         'uses 16'):
        SE(64, reduction=0)
    with pytest.raises(ValueError, match='SE: in_channels must be a positive integer, got 0; pass '
                                         'the channel count'):
        SE(0)


def test_wrong_channel_count_names_module_expected_and_received():
    """A map of the wrong width gives one ValueError naming the module and both widths (not the
    inner conv's shape error)."""
    with pytest.raises(ValueError, match=r'SE: built for in_channels=64 \(B, 64, H, W\), got 32 '
                                         r'channels'):
        SE(64)(torch.randn(2, 32, 5, 5))
    with pytest.raises(ValueError, match='got a 3-d tensor'):
        SE(64)(torch.randn(2, 64, 5))
