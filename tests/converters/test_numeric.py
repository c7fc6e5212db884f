"""The releases that installed packages can build (torchvision ResNet-18/50/101 and MobileNetV2;
timm seresnet50, legacy_seresnet50, ecaresnet50d, ecaresnet101d): the source network with random
weights (and random BN statistics), saved in the released wrapping (a plain state dict), converted,
loaded strictly into the model of the source's classification config, gives the same logits (fp32,
eval mode) on a square and a non-square input: relative difference below 1e-5. All eight networks
are defined with global (adaptive) average pooling, so the non-square input is a valid check for
each. The SE-Caffe stem pool is part of what is checked: with mmseg's default pool the legacy
SE-ResNet-50 differs (see the last test).

Cheap at ResNet-101 size: both networks are built on the meta device and given their tensors
directly (no initialisation pass), the inputs are 64x64 and 64x96.
"""
import copy
import math

import pytest
import torch

CASES = {
    'torchvision-resnet18': ('torchvision', 'resnet18'),
    'torchvision-resnet50': ('torchvision', 'resnet50'),
    'torchvision-resnet101': ('torchvision', 'resnet101'),
    'torchvision-mobilenet_v2': ('torchvision', 'mobilenet_v2'),
    'timm-seresnet50': ('timm', 'seresnet50'),
    'timm-legacy_seresnet50': ('timm', 'legacy_seresnet50'),
    'timm-ecaresnet50d': ('timm', 'ecaresnet50d'),
    'timm-ecaresnet101d': ('timm', 'ecaresnet101d'),
}
INPUTS = ((2, 3, 64, 64), (2, 3, 64, 96))


def _randomize(model: torch.nn.Module, seed: int = 0) -> torch.nn.Module:
    """Give every parameter and buffer a random value of a sensible scale (He-scaled weights,
    BN weights 0.5-1, running variances 0.5-1.5), in place."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, t in list(model.named_parameters()) + list(model.named_buffers()):
            if not t.is_floating_point():
                t.zero_()
            elif name.endswith('running_var'):
                t.copy_(torch.rand(t.shape, generator=g) + 0.5)
            elif name.endswith('running_mean') or name.endswith('bias') or t.dim() == 1:
                if name.endswith('weight'):  # a norm's scale
                    t.copy_(torch.rand(t.shape, generator=g) * 0.5 + 0.5)
                else:
                    t.copy_(torch.randn(t.shape, generator=g) * 0.1)
            else:
                fan_in = t[0].numel()
                t.copy_(torch.randn(t.shape, generator=g) * math.sqrt(2.0 / fan_in))
    return model


def _source_network(lib: str, arch: str) -> torch.nn.Module:
    with torch.device('meta'):
        if lib == 'torchvision':
            import torchvision
            model = getattr(torchvision.models, arch)(weights=None)
        else:
            import timm
            model = timm.create_model(arch, pretrained=False)
    return _randomize(model.to_empty(device='cpu')).eval()


def _ours(models, config: str, state_dict) -> torch.nn.Module:
    model = copy.deepcopy(models.meta(config))
    model.load_state_dict(state_dict, strict=True, assign=True)
    persistent = dict(model.named_parameters(), **dict(model.state_dict()))
    assert not [k for k, t in persistent.items() if t.is_meta]
    return model.eval()


def _rel(a, b):
    return float((a - b).abs().max() / b.abs().max())


@pytest.mark.parametrize('name', sorted(CASES))
def test_logits_equal_the_source_network(name, layouts, models, tmp_path):
    from attn_plugins.converters import convert, get_source
    src_net = _source_network(*CASES[name])
    released = src_net.state_dict()
    layout = layouts[name]['keys']  # the layout describes exactly this network's state dict
    assert {k: list(v.shape) for k, v in released.items()} == \
        {k: v['shape'] for k, v in layout.items()}
    torch.save(released, tmp_path / 'released.pth')
    info = convert(name, str(tmp_path / 'released.pth'), str(tmp_path / 'ours.pth'))
    assert info['config'] == get_source(name).config()
    ours = _ours(models, info['config'],
                 torch.load(tmp_path / 'ours.pth', weights_only=True)['state_dict'])
    torch.manual_seed(1)
    with torch.no_grad():
        for shape in INPUTS:
            x = torch.randn(shape)
            want, got = src_net(x), ours(x, mode='tensor')
            assert got.shape == want.shape == (2, 1000)
            assert _rel(got, want) < 1e-5, (shape, _rel(got, want))


def test_legacy_se_needs_the_caffe_stem_pool(models, tmp_path):
    """The check above is sharp: the same converted weights in a backbone with mmseg's default
    stem pool (padding 1, floor) compute another function."""
    from attn_plugins.converters import convert
    src_net = _source_network('timm', 'legacy_seresnet50')
    torch.save(src_net.state_dict(), tmp_path / 'released.pth')
    info = convert('timm-legacy_seresnet50', str(tmp_path / 'released.pth'),
                   str(tmp_path / 'ours.pth'))
    ours = _ours(models, info['config'],
                 torch.load(tmp_path / 'ours.pth', weights_only=True)['state_dict'])
    assert ours.backbone.maxpool.ceil_mode and ours.backbone.maxpool.padding == 0
    ours.backbone.maxpool = torch.nn.MaxPool2d(3, 2, padding=1)
    with torch.no_grad():
        x = torch.randn(INPUTS[0])
        assert _rel(ours(x, mode='tensor'), src_net(x)) > 1e-2
