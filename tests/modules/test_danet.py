"""DANet's PAM and CAM: the released da_att.py restated, γ = 0 (identity at init), parameter
counts, and CAM's max(E) − E trick."""
import pytest
import torch

from attn_plugins.modules import CAM, PAM


def pam_by_hand(m, x):
    b, c, h, w = x.shape
    q = m.query_conv(x).view(b, -1, w * h).permute(0, 2, 1)
    k = m.key_conv(x).view(b, -1, w * h)
    attention = torch.softmax(torch.bmm(q, k), dim=-1)
    v = m.value_conv(x).view(b, -1, w * h)
    out = torch.bmm(v, attention.permute(0, 2, 1)).view(b, c, h, w)
    return m.gamma * out + x


def cam_by_hand(m, x):
    b, c, h, w = x.shape
    q = x.view(b, c, -1)
    energy = torch.bmm(q, x.view(b, c, -1).permute(0, 2, 1))
    energy_new = torch.max(energy, -1, keepdim=True)[0].expand_as(energy) - energy
    out = torch.bmm(torch.softmax(energy_new, dim=-1), x.view(b, c, -1)).view(b, c, h, w)
    return m.gamma * out + x


@pytest.mark.parametrize('cls,ref', [(PAM, pam_by_hand), (CAM, cam_by_hand)])
def test_forward_matches_released_code_and_is_identity_at_init(cls, ref):
    torch.manual_seed(0)
    m = cls(16)
    x = torch.randn(2, 16, 5, 7)
    torch.testing.assert_close(m(x), x)             # γ = 0
    with torch.no_grad():
        m.gamma.fill_(0.7)
    torch.testing.assert_close(m(x), ref(m, x), rtol=1e-5, atol=1e-5)


def test_parameter_counts():
    for c in (512, 2048):
        assert sum(p.numel() for p in PAM(c).parameters()) == (5 * c * c + 5 * c) // 4 + 1
    assert sum(p.numel() for p in PAM(512).parameters()) == 328_321
    assert sum(p.numel() for p in CAM(2048).parameters()) == 1


def test_gradients_reach_gamma_and_convs_from_identity():
    """At γ = 0 the convs get no gradient (as in the reference) but γ does, so training moves
    away from the identity."""
    m = PAM(16)
    m(torch.randn(2, 16, 4, 4)).pow(2).sum().backward()
    assert m.gamma.grad.abs() > 0


def test_bad_widths():
    with pytest.raises(ValueError, match='PAM: in_channels=4 < 8'):
        PAM(4)
    with pytest.raises(ValueError, match='built for in_channels=16.*got 32'):
        PAM(16)(torch.randn(1, 32, 3, 3))
