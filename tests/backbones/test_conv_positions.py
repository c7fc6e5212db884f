"""The placement kinds of the second module survey: ``replace_conv2`` (SK, EPSA: the module *is*
conv2), ``before_norm2`` / ``before_dw_norm`` (SimAM inside the 3×3 conv, before its BN), and
the ResNeXt bottleneck (``AttnResNeXt``) SKNet-50 needs — what each computes, weight names,
freezing, and the build-time errors."""
import pytest
import torch
from mmengine.registry import MODELS

import attn_plugins.backbones  # noqa: F401
import attn_plugins.modules  # noqa: F401
from attn_plugins.backbones import AttnMobileNetV2, AttnResNet, AttnResNeXt
from attn_plugins.modules import EPSA, SK, SimAM

SK_CFG = dict(type='SK', path_groups=(1, 8), path_dilations=(1, 1), min_channels=0)


def replace(cfg, **kw):
    return [dict(cfg=cfg, position='replace_conv2', **kw)]


def small(depth=50, **kw):
    kw.setdefault('base_channels', 16)
    return AttnResNet(depth=depth, **kw)


def test_sk_is_conv2_with_its_own_norm_and_the_block_computes_around_it():
    """SK replaces conv2 + bn2 + ReLU: ``layerS.B.conv2`` is the SK unit (stride of the block,
    width of the block), no ``bn2``; the block is conv1 → bn1 → ReLU → SK → conv3 → bn3 (+ id)."""
    torch.manual_seed(0)
    m = small(plugins=replace(SK_CFG), strides=(1, 2, 2, 1), dilations=(1, 1, 1, 2)).eval()
    blk = m.layer2[0]
    assert isinstance(blk.conv2, SK) and not hasattr(blk, 'bn2')
    assert blk.conv2.paths[0].conv.stride == (2, 2) and blk.conv2.in_channels == 32
    assert m.layer4[1].conv2.paths[0].conv.dilation == (2, 2)       # the stage's dilation
    sd = m.state_dict()
    assert 'layer1.0.conv2.paths.1.conv.weight' in sd and 'layer1.0.bn2.weight' not in sd
    assert 'layer1.0.sk' not in str(list(sd))                        # not an add-on plugin
    x = torch.randn(2, 64, 9, 9)
    with torch.no_grad():
        want = blk.relu(blk.bn3(blk.conv3(blk.conv2(blk.relu(blk.bn1(blk.conv1(x))))))
                        + blk.downsample(x))
        torch.testing.assert_close(blk(x), want)
    assert m(torch.randn(1, 3, 64, 64))[-1].shape == (1, 128 * 4 // 2 * 2, 4, 4)


def test_epsa_keeps_bn2_and_relu_and_caffe_style_puts_the_stride_on_conv1():
    m = small(base_channels=64, plugins=replace(dict(type='EPSA')), style='caffe').eval()
    blk = m.layer2[0]
    assert isinstance(blk.conv2, EPSA) and hasattr(blk, 'bn2')
    assert blk.conv1.stride == (2, 2) and blk.conv2.conv_1.stride == (1, 1)
    assert 'layer1.0.bn2.weight' in m.state_dict()
    x = torch.randn(1, 256, 8, 8)
    with torch.no_grad():
        want = blk.relu(blk.bn3(blk.conv3(blk.relu(blk.bn2(blk.conv2(
            blk.relu(blk.bn1(blk.conv1(x)))))))) + blk.downsample(x))
        torch.testing.assert_close(blk(x), want)


def test_plain_weights_load_except_the_replaced_conv():
    """Weight names elsewhere are unchanged: a plain ResNet state dict fills every key of the SK
    model except the SK units (conv2/bn2 were replaced), and nothing else is unexpected."""
    plain = small().state_dict()
    m = small(plugins=replace(SK_CFG))
    res = m.load_state_dict(plain, strict=False)
    assert res.missing_keys and all('.conv2.' in k for k in res.missing_keys)
    assert all('.conv2.' in k or '.bn2.' in k for k in res.unexpected_keys)


def test_frozen_stages_freeze_the_replaced_conv_even_with_train_plugins():
    """The replacement is the block's conv (documented): frozen with its stage, its BNs follow
    norm_eval, and train_plugins (for add-on plugins) does not unfreeze it."""
    m = small(plugins=replace(SK_CFG) + [dict(cfg=dict(type='SE', reduction=4),
                                              position='after_last_bn')],
              frozen_stages=1, norm_eval=True, train_plugins=True)
    m.train()
    sk1, sk2 = m.layer1[0].conv2, m.layer2[0].conv2
    assert not any(p.requires_grad for p in sk1.parameters())
    assert all(p.requires_grad for p in sk2.parameters())
    assert not sk1.paths[0].bn.training and not sk2.paths[0].bn.training   # norm_eval
    assert all(p.requires_grad for p in m.layer1[0].se.parameters())      # add-on plugin
    assert 'layer1.0.conv2' not in [n for n in m.layer1[0].plugin_names]


@pytest.mark.parametrize('plugins,match', [
    (replace(dict(type='SE')), 'SE does not replace a convolution'),
    (replace(SK_CFG) * 2, '2 plugins replace conv2'),
    (replace(dict(SK_CFG, stride=2)), r"cfg must not set \['stride'\]"),
    (replace(SK_CFG) + [dict(cfg=dict(type='SimAM'), position='before_norm2')],
     'brings its own norm'),
    (replace(dict(type='EPSA')), 'EPSA: a branch with groups=8 needs'),
])
def test_replace_conv2_errors_name_the_block(plugins, match):
    with pytest.raises(ValueError, match=match) as err:
        small(plugins=plugins)
    assert 'layer1.0' in str(err.value)


def test_replace_conv2_errors_for_basic_block_and_dcn():
    with pytest.raises(ValueError, match="'replace_conv2' does not exist in BasicBlock"):
        small(depth=18, plugins=replace(SK_CFG))
    with pytest.raises(ValueError, match='dcn also replaces conv2'):
        small(plugins=replace(SK_CFG), dcn=dict(type='DCN', deform_groups=1),
              stage_with_dcn=(True, False, False, False))


def _hook_io(module):
    seen = {}
    module.register_forward_hook(lambda mod, a, out: seen.update(inp=a[0], out=out))
    return seen


@pytest.mark.parametrize('depth', [18, 50])
def test_simam_before_norm2_sees_the_raw_conv2_output(depth):
    """SimAM's official spot: conv2 → SimAM → bn2 (BasicBlock and Bottleneck)."""
    m = small(depth=depth, plugins=[dict(cfg=dict(type='SimAM', e_lambda=0.1),
                                         position='before_norm2')]).eval()
    blk = m.layer2[1]
    conv, sim, bn = _hook_io(blk.conv2), _hook_io(blk.simam), _hook_io(blk.bn2)
    with torch.no_grad():
        m(torch.randn(1, 3, 48, 48))
    assert torch.equal(sim['inp'], conv['out']) and torch.equal(bn['inp'], sim['out'])
    assert not torch.equal(sim['out'], sim['inp'])


def test_simam_before_dw_norm_in_mobilenet_v2():
    """MobileNetV2: dw conv → SimAM → BN → ReLU6 in every block (also the t=1 block), nowhere
    else; the expand conv keeps its plain ConvBNReLU."""
    m = AttnMobileNetV2(plugins=[dict(cfg=dict(type='SimAM', e_lambda=0.1),
                                      position='before_dw_norm')], out_indices=(6, )).eval()
    for blk in (m.layer1[0], m.layer3[1]):
        dw = blk.conv[-2]
        conv, sim, bn = _hook_io(dw.conv), _hook_io(blk.simam), _hook_io(dw.bn)
        with torch.no_grad():
            m(torch.randn(1, 3, 64, 64))
        assert torch.equal(sim['inp'], conv['out']) and torch.equal(bn['inp'], sim['out'])
    assert sum(isinstance(x, SimAM) for x in m.modules()) == 17


def test_resnext_matches_mmdet_resnext_names_shapes_and_function():
    """AttnResNeXt(groups=32, base_width=4) has mmdet ResNeXt-50 32×4d's state dict (names and
    shapes) and computes the same function; mmpretrain's ``width_per_group`` is the same
    argument."""
    from mmdet.models.backbones import ResNeXt
    torch.manual_seed(0)
    ref = ResNeXt(depth=50, groups=32, base_width=4)
    ours = AttnResNeXt(depth=50, groups=32, base_width=4)
    ref.eval()   # mmdet's ResNet.train() returns None
    ours.eval()
    a, b = ref.state_dict(), ours.state_dict()
    assert {k: v.shape for k, v in a.items()} == {k: v.shape for k, v in b.items()}
    ours.load_state_dict(a)
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        for u, v in zip(ref(x), ours(x)):
            torch.testing.assert_close(u, v)
    alias = AttnResNeXt(depth=50, groups=32, width_per_group=4)
    assert {k: v.shape for k, v in alias.state_dict().items()} == \
        {k: v.shape for k, v in b.items()}
    assert ours.layer1[0].conv2.groups == 32 and ours.layer1[0].width == 128
    with pytest.raises(ValueError, match='same argument'):
        AttnResNeXt(depth=50, groups=32, base_width=8, width_per_group=4)
    with pytest.raises(KeyError, match='invalid depth 18'):
        AttnResNeXt(depth=18)
    assert MODELS.get('AttnResNeXt') is AttnResNeXt


def test_sk_in_resnext_uses_the_block_groups():
    m = AttnResNeXt(depth=50, groups=32, base_width=4, plugins=replace(dict(type='SK')))
    sk = m.layer1[0].conv2
    assert sk.path_groups == (32, 32) and sk.in_channels == 128 and sk.hidden_channels == 32
    assert m.layer3[0].conv2.hidden_channels == 32 and m.layer4[0].conv2.hidden_channels == 64
