"""Published parameter totals of ImageNet ResNets with attention modules
(reference/param_tables.md), reproduced by mmpretrain ``ImageClassifier`` configs (AttnResNet +
GAP + LinearClsHead 1000) built through mmpretrain's MODELS registry."""
import pytest

AFTER_LAST_BN = 'after_last_bn'


def resnet(depth, plugins=None, **kw):
    return dict(type='AttnResNet', depth=depth, out_indices=(3, ), plugins=plugins, **kw)


@pytest.mark.parametrize('depth,width,total', [
    (18, 512, 11_689_512),
    (50, 2048, 25_557_032),
    (101, 2048, 44_549_160),
])
def test_plain_resnet_matches_torchvision_totals(params, classifier_cfg, depth, width, total):
    assert params(classifier_cfg(resnet(depth), in_channels=width)) == total


R50_CASES = {
    # SE r=16 with FC biases (official Caffe), after the last BN of every block.
    'SE': ([dict(cfg=dict(type='SE'), position=AFTER_LAST_BN)], 28_088_024),
    'CBAM': ([dict(cfg=dict(type='CBAM'), position=AFTER_LAST_BN)], 28_089_624),
    # BAM after layer1..3 (between stages), not inside blocks.
    'BAM': ([dict(cfg=dict(type='BAM'), position='after_stage',
                  stages=(True, True, True, False))], 25_915_099),
    # ECA released eca_resnet50_k3557: one plugin entry per stage kernel.
    'ECA_k3557': ([
        dict(cfg=dict(type='ECA', kernel_size=k), position=AFTER_LAST_BN,
             stages=tuple(i == s for i in range(4)))
        for s, k in enumerate((3, 5, 5, 7))
    ], 25_557_112),
    'SGE': ([dict(cfg=dict(type='SGE', groups=64), position=AFTER_LAST_BN)], 25_559_080),
    'Triplet': ([dict(cfg=dict(type='TripletAttention'), position=AFTER_LAST_BN)], 25_561_832),
    'SA': ([dict(cfg=dict(type='SA', groups=64), position=AFTER_LAST_BN)], 25_557_740),
    'CoordAtt': ([dict(cfg=dict(type='CoordAtt'), position=AFTER_LAST_BN)], 27_474_864),
    # GCNet: mmcv ContextBlock ratio 1/16, after conv3, all four stages (the ImageNet entry).
    'GC': ([dict(cfg=dict(type='ContextBlock', ratio=1. / 16), position='after_conv3')],
           28_105_032),
    # GCT before every conv, including the stem conv (3 channels) and the shortcut convs.
    'GCT': ([dict(cfg=dict(type='GCT'), position='before_conv'),
             dict(cfg=dict(type='GCT'), position='before_stem_conv')], 25_624_625),
}


# The second survey (reference/modules_more.md §23), each in its paper's placement.
R50_CASES.update({
    # PytorchInsight SK-ResNet-50*: a full 3×3 path + a group-32 path replace conv2, d = C/16
    'SK-ResNet': ([dict(cfg=dict(type='SK', path_groups=(1, 32), path_dilations=(1, 1),
                                 min_channels=0), position='replace_conv2')], 26_154_496),
    'EPSANet-50 (small)': ([dict(cfg=dict(type='EPSA'), position='replace_conv2')], 22_561_715),
    'FcaNet': ([dict(cfg=dict(type='FcaNet', dct_size=d), position=AFTER_LAST_BN,
                     stages=tuple(i == s for i in range(4)))
                for s, d in enumerate((56, 28, 14, 7))], 28_071_976),
    'SimAM': ([dict(cfg=dict(type='SimAM', e_lambda=0.1), position='before_norm2')], 25_557_032),
    'SRM': ([dict(cfg=dict(type='SRM'), position=AFTER_LAST_BN)], 25_617_448),
    'EMA': ([dict(cfg=dict(type='EMA'), position=AFTER_LAST_BN)], 25_755_400),
    'MCA': ([dict(cfg=dict(type='MCA'), position=AFTER_LAST_BN)], 25_557_144),
    'GE-theta+': ([dict(cfg=dict(type='GE', variant='theta+', global_size=k), position=AFTER_LAST_BN,
                        stages=tuple(i == s for i in range(4)))
                   for s, k in enumerate((56, 28, 14, 7))], 33_637_592),
    # STEAM (author code): units in layer1[2], layer2[3], layer3[2, 5], layer4[2] = 5 × 64
    'STEAM': ([dict(cfg=dict(type='STEAM'), position=AFTER_LAST_BN,
                    blocks=((-1, ), (-1, ), (2, 5), (-1, )))], 25_557_032 + 320),
})


@pytest.mark.parametrize('name', list(R50_CASES))
def test_resnet50_with_module_matches_published_total(params, classifier_cfg, name):
    plugins, total = R50_CASES[name]
    assert params(classifier_cfg(resnet(50, plugins))) == total


def test_resnet18_and_101_se(params, classifier_cfg):
    se = [dict(cfg=dict(type='SE'), position=AFTER_LAST_BN)]
    # One config for every depth: after_last_bn = after bn2 (BasicBlock) / bn3 (Bottleneck).
    assert params(classifier_cfg(resnet(18, se), in_channels=512)) == 11_778_592
    assert params(classifier_cfg(resnet(101, se))) == 49_326_872


def test_resnext50_and_sknet50_and_epsanet101(params, classifier_cfg):
    """ResNeXt-50 32×4d 25,028,904 (mmpretrain's width_per_group spelling); SKNet-50 = it with SK
    replacing every grouped 3×3 conv, 27,479,784; EPSANet-101 38,900,279."""
    x50 = dict(type='AttnResNeXt', depth=50, out_indices=(3, ), groups=32, width_per_group=4)
    assert params(classifier_cfg(x50)) == 25_028_904
    sk = [dict(cfg=dict(type='SK'), position='replace_conv2')]
    assert params(classifier_cfg(dict(x50, plugins=sk))) == 27_479_784
    epsa = [dict(cfg=dict(type='EPSA'), position='replace_conv2')]
    assert params(classifier_cfg(resnet(101, epsa))) == 38_900_279
