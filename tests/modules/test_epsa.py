"""EPSA (EPSANet's PSA module): the reference's op sequence restated (four convs on the whole
input, one shared SE, softmax over branches, reversed concatenation), the parameter formula, the
conv contract, reference init and argument checks."""
import math

import pytest
import torch
import torch.nn.functional as F

from attn_plugins.modules import EPSA


def n_params(m):
    return sum(p.numel() for p in m.parameters())


def epsa_by_hand(m, x, stride=1, dilation=1):
    feats = []
    for i, k in enumerate(m.conv_kernels):
        conv = getattr(m, f'conv_{i + 1}')
        feats.append(F.conv2d(x, conv.weight, stride=stride, padding=dilation * (k // 2),
                              dilation=dilation, groups=conv.groups))
    se = []
    for f in feats:   # the same SE module for every branch
        s = f.mean(dim=(2, 3), keepdim=True)
        s = F.conv2d(torch.relu(F.conv2d(s, m.se.fc1.weight, m.se.fc1.bias)), m.se.fc2.weight,
                     m.se.fc2.bias)
        se.append(torch.sigmoid(s))
    a = torch.softmax(torch.stack(se, dim=1), dim=1)
    weighted = [feats[i] * a[:, i] for i in range(len(feats))]
    return torch.cat(weighted[::-1], dim=1)


@pytest.mark.parametrize('kw', [dict(), dict(stride=2), dict(dilation=2, out_channels=128),
                                dict(conv_kernels=(3, 5), conv_groups=(1, 2))])
def test_forward_matches_reference_op_sequence(kw):
    torch.manual_seed(0)
    m = EPSA(64, **kw)
    with torch.no_grad():
        for p in m.parameters():
            p.normal_(0, 0.2)
    x = torch.randn(2, 64, 9, 10)
    out = m(x)
    assert out.shape[1] == kw.get('out_channels', 64)
    torch.testing.assert_close(out, epsa_by_hand(m, x, kw.get('stride', 1),
                                                 kw.get('dilation', 1)), rtol=1e-5, atol=1e-5)


def epsa_params(c):
    """Four convs C → C/4 (k 3/5/7/9, g 1/4/8/16) + the SE C/4 → C/64 → C/4 with biases."""
    convs = sum(c * (c // 4) * k * k // g for k, g in zip((3, 5, 7, 9), (1, 4, 8, 16)))
    q, h = c // 4, max(1, c // 64)
    return convs + q * h + h + h * q + q


def test_parameter_formula_at_resnet_widths():
    for c in (64, 128, 256, 512):
        assert n_params(EPSA(c)) == epsa_params(c)


def test_reference_init_and_names():
    """Names as murufeng/EPSANet (conv_1..conv_4, se.fc1, se.fc2); conv weights
    N(0, sqrt(2 / (k·k·out))) including the SE's 1×1 convs."""
    torch.manual_seed(0)
    m = EPSA(256)
    assert set(m.state_dict()) == {f'conv_{i}.weight' for i in range(1, 5)} | {
        'se.fc1.weight', 'se.fc1.bias', 'se.fc2.weight', 'se.fc2.bias'}
    for i, k in enumerate((3, 5, 7, 9)):
        w = getattr(m, f'conv_{i + 1}').weight
        assert abs(w.std().item() / math.sqrt(2 / (k * k * 64)) - 1) < 0.1
    assert EPSA.replaces_conv and not EPSA.includes_norm_act


def test_bad_widths_name_the_numbers():
    with pytest.raises(ValueError, match=r'groups=16 needs in_channels \(32\) and out_channels/4 '
                                         r'\(8\) divisible by 16'):
        EPSA(32)
    with pytest.raises(ValueError, match='not divisible by the 4 branches'):
        EPSA(64, out_channels=66)
    with pytest.raises(ValueError, match='groups=32.*ResNeXt'):
        EPSA(64, groups=32)
    with pytest.raises(ValueError, match='even'):
        EPSA(64, conv_kernels=(3, 4, 7, 9))
    with pytest.raises(ValueError, match='in_channels must be a positive integer'):
        EPSA(-1)
