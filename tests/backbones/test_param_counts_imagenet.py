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


@pytest.mark.parametrize('name', list(R50_CASES))
def test_resnet50_with_module_matches_published_total(params, classifier_cfg, name):
    plugins, total = R50_CASES[name]
    assert params(classifier_cfg(resnet(50, plugins))) == total


def test_resnet18_and_101_se(params, classifier_cfg):
    se = [dict(cfg=dict(type='SE'), position=AFTER_LAST_BN)]
    # One config for every depth: after_last_bn = after bn2 (BasicBlock) / bn3 (Bottleneck).
    assert params(classifier_cfg(resnet(18, se), in_channels=512)) == 11_778_592
    assert params(classifier_cfg(resnet(101, se))) == 49_326_872
