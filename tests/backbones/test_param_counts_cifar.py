"""GAM paper's CIFAR-100 ResNet-50 table (reference/param_tables.md): base 23,705,252 (3×3 stem, no
max-pool, fc 2048→100) and the attention rows, reproduced by mmpretrain classifier configs."""
import pytest

AFTER_LAST_BN = 'after_last_bn'


def cifar_r50(plugins=None):
    return dict(type='AttnResNet', depth=50, stem_type='cifar', out_indices=(3, ),
                plugins=plugins)


CASES = {
    'plain': (None, 23_705_252),
    # GAM r=16 after the last BN of all 16 bottlenecks, BN after the first 7×7 conv only, MLP
    # biases, no conv biases (the module's defaults): the paper's 149.47M / 57.05M.
    'GAM': ([dict(cfg=dict(type='GAM', reduction=16), position=AFTER_LAST_BN)], 149_470_388),
    'GAM_gc4': ([dict(cfg=dict(type='GAM', reduction=16, groups=4), position=AFTER_LAST_BN)],
                57_046_196),
    # "+SE 26.22M" counts an SE without FC biases (senet.pytorch).
    'SE_nobias': ([dict(cfg=dict(type='SE', bias=False), position=AFTER_LAST_BN)], 26_220_196),
    'BAM': ([dict(cfg=dict(type='BAM'), position='after_stage',
                  stages=(True, True, True, False))], 24_063_319),
    'CBAM': ([dict(cfg=dict(type='CBAM'), position=AFTER_LAST_BN)], 26_237_844),
    'Triplet': ([dict(cfg=dict(type='TripletAttention'), position=AFTER_LAST_BN)], 23_710_052),
}


@pytest.mark.parametrize('name', list(CASES))
def test_cifar_resnet50_totals(params, classifier_cfg, name):
    plugins, total = CASES[name]
    assert params(classifier_cfg(cifar_r50(plugins), num_classes=100)) == total


def test_cifar_alias_and_shape():
    import torch
    from mmengine.registry import MODELS
    m = MODELS.build(dict(type='AttnResNet_CIFAR', depth=18, base_channels=8, out_indices=(0, 3)))
    outs = m(torch.rand(1, 3, 32, 32))
    # No stride in the stem and no max-pool: layer1 keeps 32×32, layer4 is 4×4.
    assert [tuple(o.shape) for o in outs] == [(1, 8, 32, 32), (1, 64, 4, 4)]
