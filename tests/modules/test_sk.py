"""SK (Selective Kernel unit): the paper's split-fuse-select restated with functional ops, the
parameter formula (SKNet-50 / PytorchInsight SK-ResNet-50 per-block counts), the conv contract
(out_channels, stride, dilation, groups), reference init and argument checks."""
import math

import pytest
import torch
import torch.nn.functional as F

from attn_plugins.modules import SK


def n_params(m):
    return sum(p.numel() for p in m.parameters())


def randomise(m, seed=0):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.3)
        for name, buf in m.named_buffers():
            if name.endswith('running_mean'):
                buf.copy_(torch.randn(buf.shape, generator=g) * 0.2)
            elif name.endswith('running_var'):
                buf.copy_(torch.rand(buf.shape, generator=g) + 0.5)
    return m.eval()


def bn_eval(t, bn):
    return (t - bn.running_mean[None, :, None, None]) / torch.sqrt(
        bn.running_var[None, :, None, None] + bn.eps) * bn.weight[None, :, None, None] + \
        bn.bias[None, :, None, None]


def sk_by_hand(m, x, stride, dilation):
    """U_m = ReLU(BN(conv3×3(x; dilation·d_m, groups g_m))); z = ReLU(BN(W_r GAP(Σ U_m)));
    a = softmax over paths of W_s z reshaped (M, C); out = Σ a_m U_m."""
    paths = []
    for p, d, g in zip(m.paths, m.path_dilations, m.path_groups):
        u = F.conv2d(x, p.conv.weight, stride=stride, padding=dilation * d,
                     dilation=dilation * d, groups=g)
        paths.append(torch.relu(bn_eval(u, p.bn)))
    s = sum(paths).mean(dim=(2, 3), keepdim=True)
    z = torch.relu(bn_eval(F.conv2d(s, m.attn.fc_reduce.weight), m.attn.bn))
    logits = F.conv2d(z, m.attn.fc_select.weight).reshape(x.shape[0], len(paths), -1, 1, 1)
    a = torch.softmax(logits, dim=1)
    return sum(a[:, i] * paths[i] for i in range(len(paths)))


@pytest.mark.parametrize('kw', [dict(), dict(path_groups=(1, 4), path_dilations=(1, 1),
                                             min_channels=0, reduction=4),
                                dict(groups=4, stride=2, dilation=2, out_channels=24),
                                dict(path_dilations=(1, 2, 3))])
def test_forward_matches_split_fuse_select_by_hand(kw):
    torch.manual_seed(1)
    stride, dilation = kw.get('stride', 1), kw.get('dilation', 1)
    m = randomise(SK(16, **kw))
    x = torch.randn(2, 16, 9, 11)
    out = m(x)
    h = (9 + 2 - 3) // stride + 1 if stride == 1 else (9 - 1) // stride + 1
    assert out.shape[:2] == (2, kw.get('out_channels', 16)) and out.shape[2] == h
    torch.testing.assert_close(out, sk_by_hand(m, x, stride, dilation), rtol=1e-5, atol=1e-5)


def sk_params(c, d, groups=(32, 32)):
    """Σ_m 9C²/g_m + 2C (BN) per path, fuse C·d + 2d, select 2·d·C."""
    return sum(9 * c * c // g + 2 * c for g in groups) + c * d + 2 * d + 2 * d * c


def test_parameter_formula_sknet50_and_sk_resnet50():
    """SKNet-50 unit (ResNeXt 32×4d widths 128..1024, g=32, d = max(C/16, 32)) and the
    PytorchInsight SK-ResNet-50* unit (paths g=1 and g=32, d = C/16): the per-block counts whose
    sums give 27,479,784 and 26,154,496 (checked on whole backbones in tests/backbones)."""
    for c in (128, 256, 512, 1024):
        d = max(c // 16, 32)
        assert n_params(SK(c, groups=32)) == sk_params(c, d)
        assert SK(c, groups=32).hidden_channels == d
    for c in (64, 128, 256, 512):
        m = SK(c, path_groups=(1, 32), path_dilations=(1, 1), min_channels=0)
        assert n_params(m) == sk_params(c, c // 16, groups=(1, 32))


def test_reference_init_and_names():
    """Kaiming-normal (fan_out, ReLU) convs, BN 1/0; timm's sub-module names."""
    torch.manual_seed(0)
    m = SK(256, groups=32)
    assert {k.rsplit('.', 1)[0] for k in m.state_dict()} >= {
        'paths.0.conv', 'paths.0.bn', 'paths.1.conv', 'paths.1.bn', 'attn.fc_reduce', 'attn.bn',
        'attn.fc_select'}
    w = m.paths[0].conv.weight
    fan_out = w.shape[0] * 9
    assert abs(w.std().item() / math.sqrt(2 / fan_out) - 1) < 0.05
    assert m.paths[1].conv.dilation == (2, 2) and m.paths[1].conv.padding == (2, 2)
    for bn in (m.paths[0].bn, m.attn.bn):
        assert torch.equal(bn.weight, torch.ones_like(bn.weight))
        assert torch.equal(bn.bias, torch.zeros_like(bn.bias))
    assert SK.replaces_conv and SK.includes_norm_act


def test_norm_cfg_is_used_for_every_norm():
    m = SK(32, norm_cfg=dict(type='GN', num_groups=4))
    assert all(isinstance(b, torch.nn.GroupNorm) for b in (m.paths[0].bn, m.paths[1].bn))


def test_bad_arguments_name_the_numbers():
    with pytest.raises(ValueError, match=r'groups=32 needs in_channels \(48\)'):
        SK(48, groups=32)
    with pytest.raises(ValueError, match='one entry per path'):
        SK(64, path_groups=(1, ))
    with pytest.raises(ValueError, match='at least two paths'):
        SK(64, path_dilations=(1, ))
    with pytest.raises(ValueError, match=r'max\(8 // 16, 0\) = 0'):
        SK(8, min_channels=0)
    with pytest.raises(ValueError, match='in_channels must be a positive integer'):
        SK(0)
    with pytest.raises(ValueError, match='built for in_channels=16.*got 8 channels'):
        SK(16)(torch.randn(1, 8, 4, 4))
