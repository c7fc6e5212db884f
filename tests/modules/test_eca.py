"""ECA: adaptive kernel size, parameter count, equation, argument checks."""
import math

import pytest
import torch

from attn_plugins.modules.eca import ECA

R50_WIDTHS = [256] * 3 + [512] * 4 + [1024] * 6 + [2048] * 3


def n_params(m):
    return sum(p.numel() for p in m.parameters())


def reference_eca(x, kernel):
    """ω_i = σ(Σ_j w_j · y_{i+j-p}) with zero padding p = (k-1)/2, y = GAP(x); out = x ⊙ ω."""
    b, c, h, w = x.shape
    k = len(kernel)
    p = (k - 1) // 2
    y = torch.einsum('bchw->bc', x) / (h * w)
    z = torch.zeros(b, c)
    for i in range(c):
        for j in range(k):
            src = i + j - p
            if 0 <= src < c:
                z[:, i] += kernel[j] * y[:, src]
    return x * torch.sigmoid(z)[:, :, None, None]


@pytest.mark.parametrize('c, k', [(1, 1), (3, 1), (16, 3), (64, 3), (128, 5), (256, 5),
                                  (512, 5), (1024, 5), (2048, 7), (8192, 7), (32768, 9)])
def test_adaptive_kernel_size(c, k):
    """kernel_size=None gives the paper's k = |log2(C)/2 + 1/2|_odd, with no timm-style minimum of 3."""
    assert ECA(c).kernel_size == k
    assert n_params(ECA(c)) == k


def test_adaptive_kernel_gamma_b():
    """γ and b enter as t = int(|(log2 C + b) / γ|), made odd by +1."""
    for c in (64, 100, 256, 1000, 2048):
        for gamma, b in [(1, 0), (3, 2), (2.5, 1)]:
            t = int(abs((math.log2(c) + b) / gamma))
            assert ECA(c, gamma=gamma, b=b).kernel_size == (t if t % 2 else t + 1)


def test_param_count_resnet50_totals():
    """ResNet-50: released k=3,5,5,7 per stage → +80 params; adaptive k on block outputs → +86."""
    stage_k = {256: 3, 512: 5, 1024: 5, 2048: 7}
    assert sum(n_params(ECA(c, kernel_size=stage_k[c])) for c in R50_WIDTHS) == 80
    assert sum(n_params(ECA(c)) for c in R50_WIDTHS) == 86


def test_reference_initialisation():
    """The Conv1d keeps PyTorch's default init (kaiming-uniform a=√5: |w| ≤ 1/√k) and has no bias."""
    torch.manual_seed(0)
    m = ECA(2048)
    assert m.conv.bias is None
    assert m.conv.weight.abs().max() <= 1 / math.sqrt(7)
    assert m.conv.padding == (3,)


@pytest.mark.parametrize('c, kernel_size', [(64, None), (256, None), (2048, None),
                                            (32, 1), (32, 3), (40, 9), (5, 7)])
def test_forward_matches_equation(c, kernel_size):
    """Forward = x ⊙ σ(conv1d across channels of GAP(x)), explicit and adaptive k, k > C included."""
    torch.manual_seed(1)
    m = ECA(c, kernel_size=kernel_size)
    with torch.no_grad():
        m.conv.weight.copy_(torch.randn_like(m.conv.weight))
    x = torch.randn(2, c, 7, 11)
    with torch.no_grad():
        out = m(x)
    torch.testing.assert_close(out, reference_eca(x, m.conv.weight.flatten().tolist()),
                               rtol=1e-4, atol=1e-5)


def test_bad_arguments():
    """Even or non-positive kernel sizes fail in __init__, naming k and suggesting k±1 (ECANet #24)."""
    with pytest.raises(ValueError, match=r'kernel_size=4 is even.*use 3 or 5'):
        ECA(64, kernel_size=4)
    with pytest.raises(ValueError, match=r'kernel_size=2 is even.*use 1 or 3'):
        ECA(64, kernel_size=2)
    with pytest.raises(ValueError, match='0'):
        ECA(64, kernel_size=0)
    with pytest.raises(ValueError, match='gamma.*0'):
        ECA(64, gamma=0)
    with pytest.raises(ValueError, match='0'):
        ECA(0)
