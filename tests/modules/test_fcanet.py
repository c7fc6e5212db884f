"""FcaNet: the official multi-spectral squeeze restated (DCT filters built cell by cell, the
detection path's adaptive pooling first), the frequency tables and their scaling, the 2C²/r
parameter count, and argument checks."""
import math

import pytest
import torch
import torch.nn.functional as F

from attn_plugins.modules import FcaNet

TOP16_X = [0, 0, 6, 0, 0, 1, 1, 4, 5, 1, 3, 0, 0, 0, 3, 2]
TOP16_Y = [0, 1, 0, 5, 2, 0, 2, 0, 0, 6, 0, 4, 6, 3, 5, 2]


def build_filter(pos, freq, n):
    r = math.cos(math.pi * freq * (pos + 0.5) / n) / math.sqrt(n)
    return r if freq == 0 else r * math.sqrt(2)


def dct_weight(c, d, freqs):
    """The reference's C×D×D buffer: channel part i gets B_{u_i, v_i}."""
    w = torch.zeros(c, d, d, dtype=torch.float64)
    part = c // len(freqs)
    for i, (u, v) in enumerate(freqs):
        for tx in range(d):
            for ty in range(d):
                w[i * part:(i + 1) * part, tx, ty] = build_filter(tx, u, d) * build_filter(ty, v, d)
    return w


def fca_by_hand(m, x):
    d = m.dct_size
    xp = x.double()
    if x.shape[2:] != (d, d):
        xp = F.adaptive_avg_pool2d(xp, (d, d))          # the official detection path
    y = (xp * dct_weight(x.shape[1], d, m.freqs)).sum(dim=(2, 3))
    s = torch.sigmoid(F.linear(torch.relu(F.linear(y, m.fc[0].weight.double())),
                               m.fc[2].weight.double()))
    return x.double() * s[:, :, None, None]


@pytest.mark.parametrize('d,size', [(7, (7, 7)), (14, (14, 14)), (7, (9, 13)), (14, (5, 30)),
                                    (7, (3, 3))])
def test_forward_matches_official_squeeze(d, size):
    """At D×D the filter is the reference's; at any other size the reference first
    adaptive-average-pools to D×D — ours folds that pooling into the filter exactly (also for
    maps smaller than D, where the pooling repeats cells)."""
    torch.manual_seed(0)
    m = FcaNet(32, dct_size=d, reduction=4)
    x = torch.randn(2, 32, *size)
    torch.testing.assert_close(m(x).double(), fca_by_hand(m, x), rtol=1e-5, atol=1e-6)


def test_frequency_selection_and_scaling():
    """'top16' of the official table on the 7×7 grid, scaled by D // 7 (56 → ×8)."""
    assert FcaNet(64).freqs == list(zip(TOP16_X, TOP16_Y))
    assert FcaNet(64, dct_size=56).freqs == [(8 * u, 8 * v) for u, v in zip(TOP16_X, TOP16_Y)]
    assert FcaNet(64, freq_sel_method='low4').freqs == [(0, 0), (0, 1), (1, 0), (1, 1)]
    # frequency (0, 0) is GAP times D: the first channel part is plain average pooling
    m = FcaNet(16, dct_size=7, freq_sel_method='top1', reduction=4)
    x = torch.randn(1, 16, 7, 7)
    torch.testing.assert_close(m.squeeze(x), x.mean(dim=(2, 3)) * 7, rtol=1e-5, atol=1e-5)


def test_params_are_se_without_bias_and_filters_not_in_state_dict():
    for c in (256, 512, 1024, 2048):
        m = FcaNet(c, dct_size=7)
        assert sum(p.numel() for p in m.parameters()) == 2 * c * c // 16
    assert set(FcaNet(64).state_dict()) == {'fc.0.weight', 'fc.2.weight'}


def test_bad_arguments():
    with pytest.raises(ValueError, match="not divisible by the 16 frequencies.*'top8'"):
        FcaNet(40)
    with pytest.raises(ValueError, match='freq_sel_method'):
        FcaNet(64, freq_sel_method='top3')
    with pytest.raises(ValueError, match='dct_size'):
        FcaNet(64, dct_size=0)
    with pytest.raises(ValueError, match='built for in_channels=64.*got 32 channels'):
        FcaNet(64)(torch.randn(1, 32, 7, 7))
