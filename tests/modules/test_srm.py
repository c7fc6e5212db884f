"""SRM: style pooling + channel-wise FC + BN restated, cfc zero-init (gates start at 0.5), the 4C
parameter count, the no-weight-decay group for mmengine."""
import pytest
import torch

from attn_plugins.modules import SRM
from attn_plugins.modules.srm import SRM_PARAMWISE_CFG


def srm_by_hand(m, x):
    n, c = x.shape[:2]
    mean = x.view(n, c, -1).mean(dim=2, keepdim=True)
    std = (x.view(n, c, -1).var(dim=2, keepdim=True) + 1e-5).sqrt()
    z = (torch.cat((mean, std), dim=2) * m.cfc[None]).sum(dim=2)[:, :, None, None]
    bn = m.bn
    z = (z - bn.running_mean[None, :, None, None]) / torch.sqrt(
        bn.running_var[None, :, None, None] + bn.eps) * bn.weight[None, :, None, None] + \
        bn.bias[None, :, None, None]
    return x * torch.sigmoid(z)


def test_forward_matches_reference_eval():
    torch.manual_seed(0)
    m = SRM(6).eval()
    with torch.no_grad():
        m.cfc.normal_(0, 1)
        m.bn.running_mean.normal_()
        m.bn.running_var.uniform_(0.5, 2)
        m.bn.weight.normal_()
        m.bn.bias.normal_()
    x = torch.randn(3, 6, 5, 7) * 3
    torch.testing.assert_close(m(x), srm_by_hand(m, x), rtol=1e-5, atol=1e-5)


def test_init_gate_is_half_and_params_4c():
    m = SRM(16).eval()
    x = torch.randn(2, 16, 4, 4)
    torch.testing.assert_close(m(x), 0.5 * x)   # cfc = 0 → z = 0 → σ(BN(0)) = 0.5
    assert sum(p.numel() for p in m.parameters()) == 64
    r50 = [256] * 3 + [512] * 4 + [1024] * 6 + [2048] * 3
    assert sum(4 * c for c in r50) == 60_416


def test_no_weight_decay_group_matches_every_srm_parameter():
    """mmengine's paramwise_cfg custom_keys match substrings of the full parameter names."""
    key = next(iter(SRM_PARAMWISE_CFG['custom_keys']))
    names = [f'backbone.layer1.0.srm.{n}' for n, _ in SRM(8).named_parameters()]
    assert names and all(key in n for n in names)
    assert key not in 'backbone.layer1.0.bn3.weight'


def test_bad_arguments():
    with pytest.raises(ValueError, match='in_channels must be a positive integer, got 0'):
        SRM(0)
