"""AttnResNet: weight names, equivalence to the library ResNets, plugin positions/selection/naming,
build-time errors, freezing and initialisation."""
import copy
import pickle

import pytest
import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmengine.registry import MODELS

import attn_plugins.backbones  # noqa: F401
import attn_plugins.modules  # noqa: F401
from attn_plugins.backbones import AttnResNet

CALLS = []


@MODELS.register_module(name='BackboneTestProbe', force=True)
class Probe(BaseModule):
    """Identity plugin that records its tag and checks the width it was built for."""

    _abbr_ = 'probe'

    def __init__(self, in_channels, tag='', with_bn=False, init_cfg=None):
        super().__init__(init_cfg)
        self.in_channels = in_channels
        self.tag = tag
        self.weight = nn.Conv2d(in_channels, in_channels, 1, groups=in_channels, bias=False)
        self.bn = nn.BatchNorm2d(in_channels) if with_bn else None
        self.reset_parameters()

    def reset_parameters(self):
        nn.init.constant_(self.weight.weight, 0.5)
        if self.bn is not None:
            nn.init.constant_(self.bn.weight, 0.25)

    def init_weights(self):
        self.reset_parameters()

    def forward(self, x):
        assert x.shape[1] == self.in_channels
        CALLS.append(self.tag)
        out = 2 * self.weight(x)  # == x
        if self.bn is not None:
            out = out + 0 * self.bn(x)
        return out


@MODELS.register_module(name='BackboneTestPlainProbe', force=True)
class PlainProbe(nn.Module):
    """A plain nn.Module plugin with only ``reset_parameters`` (like mmcv's ContextBlock)."""

    _abbr_ = 'plain'

    def __init__(self, in_channels):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, in_channels, 1)
        self.reset_parameters()

    def reset_parameters(self):
        nn.init.constant_(self.conv.weight, 0.0)
        nn.init.constant_(self.conv.bias, 0.0)

    def forward(self, x):
        return x + self.conv(x)


def small(depth=50, **kw):
    kw.setdefault('base_channels', 16)
    return AttnResNet(depth=depth, **kw)


def probe(position, tag=None, **kw):
    entry = dict(cfg=dict(type='BackboneTestProbe', tag=tag or position), position=position)
    entry.update(kw)
    return entry


# ---------------------------------------------------------------------------------------------
# weight names and equivalence with the library ResNets
# ---------------------------------------------------------------------------------------------
def _shapes(module):
    return {k: tuple(v.shape) for k, v in module.state_dict().items()}


@pytest.mark.parametrize('depth', [18, 50])
def test_names_match_torchvision(depth):
    import torchvision
    with torch.device('meta'):
        ours = AttnResNet(depth=depth)
        tv = getattr(torchvision.models, f'resnet{depth}')()
    tv_shapes = {k: v for k, v in _shapes(tv).items() if not k.startswith('fc.')}
    assert _shapes(ours) == tv_shapes


def test_deep_stem_names_match_mmseg_v1c_and_cifar_names_match_mmpretrain():
    from mmpretrain.models.backbones import ResNet_CIFAR
    from mmseg.models.backbones import ResNetV1c
    with torch.device('meta'):
        assert _shapes(AttnResNet(depth=50, deep_stem=True)) == _shapes(ResNetV1c(depth=50))
    # (mmpretrain's ResNet calls .item() in __init__: no meta device)
    assert (_shapes(AttnResNet(depth=50, stem_type='cifar', base_channels=16)) ==
            _shapes(ResNet_CIFAR(depth=50, base_channels=16, stem_channels=16)))


@pytest.mark.parametrize('kw', [
    dict(depth=50),
    dict(depth=18),
    dict(depth=50, deep_stem=True, avg_down=True),
    dict(depth=50, strides=(1, 2, 1, 1), dilations=(1, 1, 2, 4), contract_dilation=True,
         multi_grid=(1, 2, 4)),
    dict(depth=50, style='caffe'),
])
def test_same_function_as_mmseg_resnet(kw):
    from mmseg.models.backbones import ResNet
    torch.manual_seed(0)
    ref = ResNet(base_channels=16, stem_channels=16, **kw)
    ours = AttnResNet(base_channels=16, **kw)
    ref.eval()  # (mmseg's train() returns None)
    ours.eval()
    ours.load_state_dict(ref.state_dict())
    x = torch.rand(1, 3, 64, 64)
    for a, b in zip(ref(x), ours(x)):
        torch.testing.assert_close(a, b)


def test_cifar_stem_same_function_as_mmpretrain():
    from mmpretrain.models.backbones import ResNet_CIFAR
    ref = ResNet_CIFAR(depth=18, base_channels=8, stem_channels=8, out_indices=(0, 3))
    ours = AttnResNet(depth=18, base_channels=8, stem_type='cifar', out_indices=(0, 3)).eval()
    ref.eval()
    ours.load_state_dict(ref.state_dict())
    x = torch.rand(2, 3, 32, 32)
    for a, b in zip(ref(x), ours(x)):
        torch.testing.assert_close(a, b)


def test_identity_plugins_everywhere_leave_the_function_unchanged():
    from mmseg.models.backbones import ResNet
    plugins = [dict(cfg=dict(type='BackboneTestProbe', postfix=f'_{i}'), position=p)
               for i, p in enumerate(('before_conv', 'after_conv1', 'after_conv2',
                                      'after_conv3', 'after_last_bn'))]
    plugins += [probe('after_stage'), probe('before_stem_conv')]
    ref = ResNet(depth=50, base_channels=16, stem_channels=16)
    ref.eval()
    ours = small(plugins=plugins).eval()
    missing, unexpected = ours.load_state_dict(ref.state_dict(), strict=False)
    assert not unexpected and all('probe' in k for k in missing)
    x = torch.rand(1, 3, 64, 64)
    for a, b in zip(ref(x), ours(x)):
        torch.testing.assert_close(a, b)


# ---------------------------------------------------------------------------------------------
# positions, channels, names, order
# ---------------------------------------------------------------------------------------------
def test_bottleneck_positions_with_postfixes():
    plugins = [
        dict(cfg=dict(type='BackboneTestProbe', tag='b', postfix='_g'), position='before_conv'),
        dict(cfg=dict(type='BackboneTestProbe', tag='a1', postfix='_a1'), position='after_conv1'),
        dict(cfg=dict(type='BackboneTestProbe', tag='a2', postfix='_a2'), position='after_conv2'),
        dict(cfg=dict(type='BackboneTestProbe', tag='a3', postfix='_a3'), position='after_conv3'),
    ]
    m = small(plugins=[dict(p, stages=(True, False, False, False), blocks=(0, ))
                       for p in plugins]).eval()
    blk = m.layer1[0]
    assert {n: getattr(blk, n).in_channels for n in blk.plugin_names} == {
        'probe_g1': 16, 'probe_g2': 16, 'probe_g3': 16, 'probe_g_downsample': 16,
        'probe_a1': 16, 'probe_a2': 16, 'probe_a3': 64}
    assert not m.layer1[1].plugin_names and not m.layer2[0].plugin_names
    keys = [k for k in m.state_dict() if 'probe' in k]
    assert 'layer1.0.probe_a3.weight.weight' in keys
    assert 'layer1.0.probe_g_downsample.weight.weight' in keys
    CALLS.clear()
    m(torch.rand(1, 3, 32, 32))
    assert CALLS == ['b', 'a1', 'b', 'a2', 'b', 'a3', 'b']


def test_basic_block_positions_and_after_last_bn_alias():
    plugins = [dict(cfg=dict(type='SE'), position='after_last_bn'),
               dict(cfg=dict(type='BackboneTestProbe', postfix='_b'), position='before_conv'),
               dict(cfg=dict(type='BackboneTestProbe', postfix='_c1'), position='after_conv1')]
    m = small(18, plugins=plugins)
    blk = m.layer2[0]  # 16 -> 32 channels, has a shortcut conv
    assert blk.se.fc1.in_channels == 32
    assert {n: getattr(blk, n).in_channels for n in blk.plugin_names if 'probe' in n} == {
        'probe_b1': 16, 'probe_b2': 32, 'probe_b_downsample': 16, 'probe_c1': 32}
    assert 'probe_b_downsample' not in m.layer2[1].plugin_names
    # Bottleneck: the same config puts SE after bn3 (planes * 4).
    assert small(50, plugins=plugins[:1]).layer2[0].se.fc1.in_channels == 128
    x = torch.rand(2, 3, 64, 64)
    assert [o.shape[1] for o in m(x)] == [16, 32, 64, 128]


def test_backbone_level_positions():
    m = small(plugins=[probe('after_stage', stages=(True, True, True, False)),
                       probe('before_stem_conv')], in_channels=4)
    assert m.plugin_names == ['probe1', 'probe2', 'probe3', 'probe_stem']
    assert [getattr(m, n).in_channels for n in m.plugin_names] == [64, 128, 256, 4]
    assert 'probe1.weight.weight' in m.state_dict()
    CALLS.clear()
    m(torch.rand(1, 4, 64, 64))
    assert CALLS == ['before_stem_conv'] + ['after_stage'] * 3


def test_deep_stem_and_stem_plugin():
    m = small(deep_stem=True, plugins=[probe('before_stem_conv')])
    assert m.probe_stem.in_channels == 3 and hasattr(m, 'stem')
    assert len(m(torch.rand(1, 3, 64, 64))) == 4


@pytest.mark.parametrize('blocks,expected', [
    (None, {0: [0, 1, 2], 1: [0, 1, 2, 3]}),
    ((-1, ), {0: [2], 1: [3]}),
    ((0, -1), {0: [0, 2], 1: [0, 3]}),
    (((1, ), None, (), (0, )), {0: [1], 1: [0, 1, 2, 3]}),
])
def test_block_selection(blocks, expected):
    m = small(plugins=[dict(cfg=dict(type='SE'), position='after_conv3', blocks=blocks)])
    for stage, want in expected.items():
        layer = getattr(m, f'layer{stage + 1}')
        assert [i for i, b in enumerate(layer) if hasattr(b, 'se')] == want


def test_two_plugins_chain_in_config_order():
    plugins = [
        dict(cfg=dict(type='BackboneTestProbe', tag='first', postfix=1), position='after_conv3',
             stages=(True, False, False, False), blocks=(0, )),
        dict(cfg=dict(type='BackboneTestProbe', tag='second', postfix=2),
             position='after_last_bn', stages=(True, False, False, False), blocks=(0, )),
    ]
    m = small(plugins=plugins)
    assert m.layer1[0].plugin_slots['after_conv3'] == ['probe1', 'probe2']
    CALLS.clear()
    m(torch.rand(1, 3, 64, 64))
    assert CALLS == ['first', 'second']


def test_module_pickles_and_deepcopies():
    m = small(plugins=[dict(cfg=dict(type='SE'), position='after_conv3'), probe('after_stage')])
    x = torch.rand(1, 3, 32, 32)
    m.eval()
    for clone in (copy.deepcopy(m), pickle.loads(pickle.dumps(m))):
        torch.testing.assert_close(clone(x)[-1], m(x)[-1])


def test_with_cp_matches():
    m = small(plugins=[dict(cfg=dict(type='SE'), position='after_conv3')]).eval()
    m_cp = copy.deepcopy(m)
    for b in m_cp.modules():
        if hasattr(b, 'with_cp'):
            b.with_cp = True
    x = torch.rand(1, 3, 32, 32, requires_grad=True)
    torch.testing.assert_close(m(x)[-1], m_cp(x)[-1])
    m_cp(x)[-1].sum().backward()
    assert m_cp.layer1[0].se.fc1.weight.grad is not None


# ---------------------------------------------------------------------------------------------
# build-time errors
# ---------------------------------------------------------------------------------------------
def test_position_the_block_does_not_have():
    with pytest.raises(ValueError, match=r"layer1\.0.*'after_conv3' does not exist in "
                                         r'BasicBlock'):
        small(18, plugins=[dict(cfg=dict(type='SE'), position='after_conv3')])
    with pytest.raises(ValueError, match=r"layer2\.0.*'after_dw' does not exist.*"
                                         r"valid positions there: 'after_conv1'"):
        small(plugins=[dict(cfg=dict(type='SE'), position='after_dw',
                            stages=(False, True, True, True))])
    with pytest.raises(ValueError, match="unknown position 'after_conv4'"):
        small(plugins=[dict(cfg=dict(type='SE'), position='after_conv4',
                            stages=(False, ) * 4)])


def test_stages_and_blocks_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r'plugins\[0\] \(SE, after_conv3\): stages must have '
                                         r'one entry per stage \(num_stages=4\), got 3'):
        small(plugins=[dict(cfg=dict(type='SE'), position='after_conv3',
                            stages=(True, True, True))])
    with pytest.raises(ValueError, match='block index 3 is out of range for layer1, which has 3'):
        small(plugins=[dict(cfg=dict(type='SE'), position='after_conv3', blocks=(3, ))])
    with pytest.raises(ValueError, match='per-stage blocks has 2 entries'):
        small(plugins=[dict(cfg=dict(type='SE'), position='after_conv3',
                            blocks=((0, ), (1, )))])
    with pytest.raises(ValueError, match='remove "blocks"'):
        small(plugins=[dict(cfg=dict(type='SE'), position='after_stage', blocks=(0, ))])
    with pytest.raises(ValueError, match='unknown keys'):
        small(plugins=[dict(cfg=dict(type='SE'), position='after_conv3', stage=(True, ))])


def test_module_error_is_wrapped_with_the_location():
    # SA needs C % (2 * groups) == 0: 64 channels (ResNet-18 layer1) with groups=64 fails.
    with pytest.raises(ValueError, match=r'AttnResNet: plugin SA at layer1\.0 \(after_last_bn, '
                                         r'in_channels=64\): SA'):
        AttnResNet(depth=18, plugins=[dict(cfg=dict(type='SA', groups=64),
                                           position='after_last_bn')])
    with torch.device('meta'):
        m = AttnResNet(depth=18, plugins=[dict(cfg=dict(type='SA', groups=64,
                                                        group_fallback='largest_divisor'),
                                               position='after_last_bn')])
    assert hasattr(m.layer1[0], 'sa')
    with pytest.raises(TypeError, match=r'plugin SE at layer1\.0 .*bogus'):
        small(plugins=[dict(cfg=dict(type='SE', bogus=1), position='after_conv3')])
    with pytest.raises(KeyError, match="unknown attention module 'NoSuchModule'; known modules: .*SE"):
        small(plugins=[dict(cfg=dict(type='NoSuchModule'), position='after_conv3')])


def test_duplicate_names_need_postfix():
    with pytest.raises(ValueError, match=r"duplicate name 'se' in layer1\.0.*postfix"):
        small(plugins=[dict(cfg=dict(type='SE'), position='after_conv3'),
                       dict(cfg=dict(type='SE'), position='after_conv2')])
    m = small(plugins=[dict(cfg=dict(type='SE'), position='after_conv3'),
                       dict(cfg=dict(type='SE', postfix=2), position='after_conv2')])
    assert m.layer1[0].se.fc1.in_channels == 64 and m.layer1[0].se2.fc1.in_channels == 16


def test_cfg_by_channels_picks_by_width():
    m = small(plugins=[dict(cfg_by_channels=[(0, dict(type='ECA', kernel_size=1)),
                                             (256, dict(type='ECA', kernel_size=3))],
                            position='after_conv3')])
    widths = {64: 1, 128: 1, 256: 3, 512: 3}
    for layer in (m.layer1, m.layer2, m.layer3, m.layer4):
        for blk in layer:
            k = sum(p.numel() for p in blk.eca.parameters())
            assert k == widths[blk.planes * 4]


# ---------------------------------------------------------------------------------------------
# freezing, norm_eval and train_plugins
# ---------------------------------------------------------------------------------------------
def _plugin_state(m, name):
    mod = m.get_submodule(name)
    return (all(p.requires_grad for p in mod.parameters()), mod.bn.training)


def test_frozen_stages_freeze_plugins_unless_train_plugins():
    plugins = [dict(cfg=dict(type='BackboneTestProbe', with_bn=True), position='after_conv3'),
               dict(cfg=dict(type='BackboneTestProbe', with_bn=True, postfix='_s'),
                    position='after_stage'),
               dict(cfg=dict(type='BackboneTestProbe', with_bn=True, postfix='_t'),
                    position='before_stem_conv')]
    frozen = small(plugins=plugins, frozen_stages=1).train()
    assert _plugin_state(frozen, 'layer1.0.probe') == (False, False)
    assert _plugin_state(frozen, 'probe_s1') == (False, False)
    assert _plugin_state(frozen, 'probe_t_stem') == (False, False)
    assert _plugin_state(frozen, 'layer2.0.probe') == (True, True)
    assert _plugin_state(frozen, 'probe_s2') == (True, True)
    assert not frozen.layer1[0].conv1.weight.requires_grad

    trained = small(plugins=plugins, frozen_stages=1, train_plugins=True).train()
    for name in ('layer1.0.probe', 'probe_s1', 'probe_t_stem', 'layer2.0.probe'):
        assert _plugin_state(trained, name) == (True, True)
    assert not trained.layer1[0].conv1.weight.requires_grad  # the ResNet itself stays frozen
    assert not trained.layer1[0].bn1.training
    trained.eval()
    assert not trained.layer1[0].probe.bn.training


def test_norm_eval_keeps_plugin_bn_training_only_with_train_plugins():
    plugins = [dict(cfg=dict(type='BackboneTestProbe', with_bn=True), position='after_conv3')]
    m = small(plugins=plugins, norm_eval=True).train()
    assert not m.layer3[0].probe.bn.training and not m.layer3[0].bn1.training
    m = small(plugins=plugins, norm_eval=True, train_plugins=True)
    assert m.train() is m
    assert m.layer3[0].probe.bn.training and not m.layer3[0].bn1.training


# ---------------------------------------------------------------------------------------------
# initialisation
# ---------------------------------------------------------------------------------------------
def test_init_weights_keeps_plugin_init_and_zero_inits_only_the_residual_bn():
    plugins = [
        dict(cfg=dict(type='BackboneTestProbe', with_bn=True), position='after_conv3'),
        dict(cfg=dict(type='BackboneTestPlainProbe'), position='after_conv2'),
        dict(cfg=dict(type='GCT'), position='before_conv'),
        dict(cfg=dict(type='ContextBlock', ratio=1. / 4, postfix=''), position='after_conv1'),
        dict(cfg=dict(type='BackboneTestProbe', with_bn=True, postfix='_s'),
             position='after_stage'),
        dict(cfg=dict(type='BackboneTestPlainProbe', postfix='_s'), position='after_stage'),
    ]
    m = small(plugins=plugins)
    m.init_weights()
    for blk in m.modules():
        if hasattr(blk, 'norm3'):
            assert torch.all(blk.norm3.weight == 0)  # zero_init_residual: bn3 only
            assert torch.all(blk.norm1.weight == 1)
            assert torch.all(blk.probe.weight.weight == 0.5)  # not Kaiming
            assert torch.all(blk.probe.bn.weight == 0.25)  # not Constant(1), not zero
            assert torch.all(blk.plain.conv.weight == 0)  # plain module: reset_parameters re-run
            for g in ('gct1', 'gct2', 'gct3'):
                assert torch.all(getattr(blk, g).gamma == 0)  # GCT stays the identity
            # ContextBlock: last conv zero-initialised (identity at start)
            assert torch.all(blk.context_block.channel_add_conv[-1].weight == 0)
    assert torch.all(m.probe_s1.weight.weight == 0.5) and torch.all(m.plain_s2.conv.weight == 0)
    # stem conv got Kaiming (not PyTorch's default uniform bound)
    assert m.conv1.weight.std() > 0


def test_zero_init_residual_basic_block_hits_bn2_not_the_plugin_bn():
    m = small(18, plugins=[dict(cfg=dict(type='BackboneTestProbe', with_bn=True),
                                position='after_last_bn')])
    m.init_weights()
    for layer in (m.layer1, m.layer4):
        for blk in layer:
            assert torch.all(blk.bn2.weight == 0) and torch.all(blk.bn1.weight == 1)
            assert torch.all(blk.probe.bn.weight == 0.25)
    m = small(18, zero_init_residual=False)
    m.init_weights()
    assert torch.all(m.layer1[0].bn2.weight == 1)


def test_init_weights_se_keeps_its_own_init():
    torch.manual_seed(0)
    m = small(plugins=[dict(cfg=dict(type='SE'), position='after_conv3')])
    se = m.layer4[0].se
    m.init_weights()
    # SE re-applies nn.Conv2d's default init (kaiming_uniform a=sqrt(5)): |w| <= 1/sqrt(fan_in);
    # the backbone's Kaiming normal (fan_out) would exceed that bound.
    bound = 1 / se.fc1.weight.shape[1]**0.5
    assert se.fc1.weight.abs().max() <= bound + 1e-6
    assert se.fc1.bias.abs().max() <= bound + 1e-6


def test_pretrained_init_is_not_overwritten_by_plugin_reinit(tmp_path):
    plugins = [dict(cfg=dict(type='BackboneTestPlainProbe', postfix='_s'), position='after_stage'),
               dict(cfg=dict(type='BackboneTestPlainProbe'), position='after_conv3')]
    src = small(plugins=plugins)
    with torch.no_grad():
        for p in src.parameters():
            p.fill_(0.125)
    path = str(tmp_path / 'backbone.pth')
    torch.save(src.state_dict(), path)
    dst = small(plugins=plugins, init_cfg=dict(type='Pretrained', checkpoint=path))
    dst.init_weights()
    assert torch.all(dst.plain_s1.conv.weight == 0.125)
    assert torch.all(dst.layer2[1].plain.conv.weight == 0.125)


def test_aliases_and_registry():
    from mmengine.registry import MODELS as ROOT
    for name in ('AttnResNet', 'AttnResNetV1c', 'AttnResNetV1d', 'AttnResNet_CIFAR',
                 'AttnMobileNetV2', 'ABNClassifier'):
        assert ROOT.get(name) is not None, name
    with torch.device('meta'):
        v1c = ROOT.build(dict(type='AttnResNetV1c', depth=50))
    assert v1c.deep_stem and not v1c.avg_down and 'stem.7.weight' in v1c.state_dict()
