"""``AttnResNet(stem_pool_cfg=...)``: the stem max-pool's arguments (the official SE-ResNet weights
need Caffe's ``MaxPool2d(3, 2, padding=0, ceil_mode=True)``); the default stays mmseg's
``MaxPool2d(3, 2, padding=1)``, and a bad value fails at build time with the allowed keys."""
import pytest
import torch

CAFFE = dict(kernel_size=3, stride=2, padding=0, ceil_mode=True)


def _net(**kw):
    from attn_plugins.backbones import AttnResNet
    return AttnResNet(depth=18, base_channels=8, stem_channels=8, out_indices=(0, ), **kw)


def test_default_and_caffe_stem_pool():
    default, caffe = _net(), _net(stem_pool_cfg=CAFFE)
    assert (default.maxpool.kernel_size, default.maxpool.padding, default.maxpool.ceil_mode) == \
        (3, 1, False)
    assert (caffe.maxpool.padding, caffe.maxpool.ceil_mode) == (0, True)
    assert set(default.state_dict()) == set(caffe.state_dict())  # no weights of its own
    caffe.load_state_dict(default.state_dict())
    default.eval(), caffe.eval()
    with torch.no_grad():
        x = torch.randn(1, 3, 224, 224)
        a, b = default(x)[0], caffe(x)[0]
        assert a.shape == b.shape == (1, 8, 56, 56)  # same size at 224, another sampling grid
        assert not torch.allclose(a, b)
        # 670 high: conv1 -> 335; Caffe ceil((335 - 3) / 2) + 1 = 167, mmseg 334 // 2 + 1 = 168
        assert caffe(torch.randn(1, 3, 670, 64))[0].shape[2] == 167
        assert default(torch.randn(1, 3, 670, 64))[0].shape[2] == 168


def test_bad_stem_pool_cfg_fails_at_build_time():
    with pytest.raises(ValueError, match='allowed keys'):
        _net(stem_pool_cfg=dict(kernel_size=3, pad=0))
    with pytest.raises(ValueError, match="stem_type='cifar'"):
        _net(stem_pool_cfg=CAFFE, stem_type='cifar')
