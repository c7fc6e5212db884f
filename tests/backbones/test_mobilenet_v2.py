"""AttnMobileNetV2: names and function identical to mmpretrain's and mmseg's MobileNetV2, plugin
positions inside the inverted residual, the published parameter totals, freezing, and a training
step in mmpretrain."""
import pytest
import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmengine.registry import MODELS

import attn_plugins.backbones  # noqa: F401
import attn_plugins.modules  # noqa: F401
from attn_plugins.backbones import AttnMobileNetV2

DEEPLAB = dict(strides=(1, 2, 2, 1, 1, 1, 1), dilations=(1, 1, 1, 2, 2, 4, 4),
               out_indices=(1, 2, 4, 6))


@MODELS.register_module(name='MNv2TestProbe', force=True)
class Probe(BaseModule):
    _abbr_ = 'probe'

    def __init__(self, in_channels, with_bn=False):
        super().__init__()
        self.in_channels = in_channels
        self.bn = nn.BatchNorm2d(in_channels) if with_bn else None

    def forward(self, x):
        assert x.shape[1] == self.in_channels
        return x if self.bn is None else x + 0 * self.bn(x)


def _shapes(m):
    return {k: tuple(v.shape) for k, v in m.state_dict().items()}


def test_names_and_function_match_mmpretrain():
    from mmpretrain.models.backbones import MobileNetV2
    ref = MobileNetV2(widen_factor=0.5, out_indices=(2, 7))
    ours = AttnMobileNetV2(widen_factor=0.5, out_indices=(2, 7)).eval()
    ref.eval()  # (the library's train() returns None)
    assert _shapes(ours) == _shapes(ref)
    ours.load_state_dict(ref.state_dict())
    x = torch.rand(1, 3, 64, 64)
    for a, b in zip(ref(x), ours(x)):
        torch.testing.assert_close(a, b)


def test_names_and_function_match_mmseg_deeplab_settings():
    from mmseg.models.backbones import MobileNetV2
    ref = MobileNetV2(widen_factor=0.5, **DEEPLAB)
    ours = AttnMobileNetV2(widen_factor=0.5, **DEEPLAB).eval()
    ref.eval()
    assert not hasattr(ours, 'conv2')  # no unused last conv in a segmentation backbone
    assert _shapes(ours) == _shapes(ref)
    ours.load_state_dict(ref.state_dict())
    x = torch.rand(1, 3, 64, 64)
    outs = ours(x)
    assert [tuple(o.shape[-2:]) for o in outs] == [(16, 16), (8, 8), (8, 8), (8, 8)]
    for a, b in zip(ref(x), outs):
        torch.testing.assert_close(a, b)


def test_positions_channels_and_names():
    plugins = [dict(cfg=dict(type='MNv2TestProbe'), position='after_dw'),
               dict(cfg=dict(type='MNv2TestProbe', postfix='_e'), position='after_expand',
                    stages=(False, ) + (True, ) * 6),
               dict(cfg=dict(type='MNv2TestProbe', postfix='_p'), position='after_project',
                    blocks=(-1, ))]
    m = AttnMobileNetV2(plugins=plugins)
    assert m.layer1[0].probe.in_channels == 32  # t=1 block: hidden = input = 32
    assert not hasattr(m.layer1[0], 'probe_e')
    assert m.layer2[0].probe.in_channels == 96 and m.layer2[0].probe_e.in_channels == 96
    assert m.layer4[3].probe_p.in_channels == 64 and not hasattr(m.layer4[0], 'probe_p')
    assert isinstance(m.get_submodule('layer3.1.probe_e'), Probe)
    assert m.eval()(torch.rand(1, 3, 32, 32))[0].shape == (1, 1280, 1, 1)


def test_errors():
    with pytest.raises(ValueError, match=r"layer1\.0.*'after_expand' does not exist in layer1 "
                                         r'blocks \(expand_ratio=1\)'):
        AttnMobileNetV2(plugins=[dict(cfg=dict(type='MNv2TestProbe'),
                                      position='after_expand')])
    with pytest.raises(ValueError, match=r"layer1\.0.*'after_conv3' does not exist"):
        AttnMobileNetV2(plugins=[dict(cfg=dict(type='SE'), position='after_conv3')])
    with pytest.raises(ValueError, match=r'stages must have one entry per stage '
                                         r'\(num_stages=7\), got 4'):
        AttnMobileNetV2(plugins=[dict(cfg=dict(type='SE'), position='after_dw',
                                      stages=(True, ) * 4)])
    with pytest.raises(ValueError, match=r'plugin SA at layer1\.0 \(after_project, '
                                         r'in_channels=16\)'):
        AttnMobileNetV2(plugins=[dict(cfg=dict(type='SA', groups=64),
                                      position='after_project')])
    with pytest.raises(ValueError, match='with_last_conv=False'):
        AttnMobileNetV2(out_indices=(7, ), with_last_conv=False)


def cls(plugins=None):
    return dict(type='ImageClassifier',
                backbone=dict(type='AttnMobileNetV2', plugins=plugins),
                neck=dict(type='GlobalAveragePooling'),
                head=dict(type='LinearClsHead', num_classes=1000, in_channels=1280))


@pytest.mark.parametrize('plugins,total', [
    (None, 3_504_872),
    # Coordinate Attention (r=32, mip=max(8, C//32)) after the depthwise conv of all 17 blocks.
    ([dict(cfg=dict(type='CoordAtt', reduction=32), position='after_dw')], 3_951_504),
    # ECA-MobileNetV2: k=1 if C < 96 else 3, after the projection conv + BN.
    ([dict(cfg_by_channels=[(0, dict(type='ECA', kernel_size=1)),
                            (96, dict(type='ECA', kernel_size=3))],
           position='after_project')], 3_504_903),
    ([dict(cfg=dict(type='TripletAttention', kernel_size=7), position='after_project')],
     3_509_972),
])
def test_published_totals(params, plugins, total):
    assert params(cls(plugins)) == total


def test_freezing_and_train_plugins():
    plugins = [dict(cfg=dict(type='MNv2TestProbe', with_bn=True), position='after_dw')]
    m = AttnMobileNetV2(plugins=plugins, frozen_stages=2, norm_eval=True).train()
    p = m.layer2[0].probe
    assert not p.bn.training and not any(q.requires_grad for q in p.parameters())
    assert not m.layer4[0].probe.bn.training  # norm_eval reaches plugin BNs
    assert all(q.requires_grad for q in m.layer4[0].probe.parameters())
    m = AttnMobileNetV2(plugins=plugins, frozen_stages=2, norm_eval=True, train_plugins=True)
    assert m.train() is m
    p = m.layer2[0].probe
    assert p.bn.training and all(q.requires_grad for q in p.parameters())
    assert not m.layer2[0].conv[0].bn.training
    assert not m.layer2[0].conv[0].conv.weight.requires_grad


def test_mmpretrain_training_step_with_coordatt():
    from mmpretrain.registry import MODELS as PRETRAIN
    from mmpretrain.structures import DataSample
    model = PRETRAIN.build(cls([dict(cfg=dict(type='CoordAtt'), position='after_dw')]))
    model.init_weights()
    model.train()
    samples = [DataSample().set_gt_label(3), DataSample().set_gt_label(7)]
    losses = model.loss(torch.rand(2, 3, 32, 32), samples)
    losses['loss'].backward()
    assert model.backbone.layer5[1].coord_att.conv1.weight.grad is not None
    preds = model.predict(torch.rand(2, 3, 32, 32))
    assert preds[0].pred_score.shape == (1000, )
