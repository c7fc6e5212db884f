"""CrissCross (mmcv's CrissCrossAttention as RCCA): each pass restated pixel by pixel (softmax
over the row and column, the pixel counted once), R passes with shared weights, identity at
init, the 1.25C² + 1.25C + 1 parameter count."""
import pytest
import torch

from attn_plugins.modules import CrissCross


def one_pass_by_hand(cca, x):
    b, c, h, w = x.shape
    q, k, v = cca.query_conv(x), cca.key_conv(x), cca.value_conv(x)
    out = torch.empty_like(x)
    for n in range(b):
        for i in range(h):
            for j in range(w):
                cells = [(r, j) for r in range(h)] + [(i, col) for col in range(w) if col != j]
                e = torch.stack([(q[n, :, i, j] * k[n, :, r, col]).sum() for r, col in cells])
                a = torch.softmax(e, 0)
                out[n, :, i, j] = sum(a[t] * v[n, :, r, col] for t, (r, col) in enumerate(cells))
    return cca.gamma.scale * out + x


@pytest.mark.parametrize('recurrence', [1, 2])
def test_forward_matches_criss_cross_by_hand(recurrence):
    torch.manual_seed(0)
    m = CrissCross(16, recurrence=recurrence)
    x = torch.randn(2, 16, 4, 5)
    torch.testing.assert_close(m(x), x)             # γ = 0: identity at initialisation
    with torch.no_grad():
        m.cca.gamma.scale.fill_(0.5)
    ref = x
    for _ in range(recurrence):
        ref = one_pass_by_hand(m.cca, ref)
    torch.testing.assert_close(m(x), ref, rtol=1e-5, atol=1e-5)


def test_is_mmcvs_module_and_parameter_count():
    from mmcv.ops import CrissCrossAttention
    m = CrissCross(512)
    assert type(m.cca) is CrissCrossAttention
    assert sum(p.numel() for p in m.parameters()) == 328_321     # R shares the weights


def test_bad_arguments():
    with pytest.raises(ValueError, match='recurrence'):
        CrissCross(64, recurrence=0)
    with pytest.raises(ValueError, match='in_channels=4 < 8'):
        CrissCross(4)
