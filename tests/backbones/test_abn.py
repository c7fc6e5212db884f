"""ABN (Attention Branch Network) as an mmpretrain classifier: the published parameter totals, the
two losses, prediction from the perception branch, the attention map, size-agnostic pooling."""
import pytest
import torch

import attn_plugins.backbones  # noqa: F401
import attn_plugins.modules  # noqa: F401


def abn_cfg(depth, num_classes=1000, width=2048, **backbone):
    return dict(type='ABNClassifier',
                backbone=dict(type='AttnResNet', depth=depth, out_indices=(3, ), **backbone),
                neck=dict(type='GlobalAveragePooling'),
                head=dict(type='LinearClsHead', num_classes=num_classes, in_channels=width,
                          loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))


@pytest.mark.parametrize('depth,width,classes,stem,total', [
    (50, 2048, 1000, 'imagenet', 43_584_866),
    (18, 512, 1000, 'imagenet', 21_607_266),
    (101, 2048, 1000, 'imagenet', 62_576_994),
    (50, 2048, 100, 'cifar', 38_889_986),
])
def test_published_totals(params, depth, width, classes, stem, total):
    assert params(abn_cfg(depth, classes, width, stem_type=stem)) == total


def _model(**kw):
    from mmpretrain.registry import MODELS
    model = MODELS.build(abn_cfg(18, num_classes=10, width=128, base_channels=16, **kw))
    model.init_weights()
    return model


def _samples(labels):
    from mmpretrain.structures import DataSample
    return [DataSample().set_gt_label(int(y)) for y in labels]


def test_structure_names_and_stride():
    model = _model()
    sd = model.state_dict()
    for key in ('att_branch.att_layer4.0.conv1.weight', 'att_branch.bn_att.weight',
                'att_branch.att_conv.weight', 'att_branch.bn_att2.weight',
                'att_branch.att_conv2.weight', 'att_branch.att_conv3.weight',
                'att_branch.bn_att3.weight', 'backbone.layer4.0.conv1.weight', 'head.fc.weight'):
        assert key in sd, key
    assert model.att_branch.att_conv3.kernel_size == (3, 3)
    assert model.att_branch.att_layer4[0].conv1.stride == (1, 1)  # the copy keeps the resolution
    assert model.backbone.layer4[0].conv1.stride == (2, 2)


def test_losses_predict_and_attention_map():
    model = _model()
    model.train()
    x = torch.rand(2, 3, 64, 64)
    losses = model.loss(x, _samples([1, 2]))
    assert set(losses) >= {'loss_att', 'loss_per'}
    total, _ = model.parse_losses(losses)
    torch.testing.assert_close(total, losses['loss_att'] + losses['loss_per'])
    total.backward()
    assert model.att_branch.att_conv2.weight.grad is not None
    assert model.backbone.layer4[0].conv1.weight.grad is not None
    assert model.head.fc.weight.grad is not None

    model.eval()
    with torch.no_grad():
        preds = model.predict(x)
        logits = model(x, mode='tensor')
        att = model.get_attention_map(x)
    assert preds[0].pred_score.shape == (10, )
    torch.testing.assert_close(torch.stack([p.pred_score for p in preds]),
                               logits.softmax(dim=1))
    # stage-3 resolution at 64 px input: 64 / 16 = 4; values in (0, 1)
    assert att.shape == (2, 1, 4, 4) and att.min() > 0 and att.max() < 1
    torch.testing.assert_close(model.attention_map, att)


def test_perception_input_is_x_times_map_plus_x():
    model = _model().eval()
    x = torch.rand(1, 3, 64, 64)
    with torch.no_grad():
        bb = model.backbone
        f = bb.forward_stem(x)
        for i in range(3):
            f = bb.forward_stage(i, f)
        att_logits, m = model.att_branch(f)
        expected = model.head(model.neck((bb.forward_stage(3, f * m + f), )))
        torch.testing.assert_close(model(x, mode='tensor'), expected)


def test_any_input_size_cifar_and_paper_kernel():
    from mmpretrain.registry import MODELS
    cfg = abn_cfg(18, num_classes=100, width=128, base_channels=16, stem_type='cifar')
    cfg['att_map_kernel_size'] = 1
    model = MODELS.build(cfg).eval()
    assert model.att_branch.att_conv3.kernel_size == (1, 1)
    with torch.no_grad():
        for size in (32, 40):
            assert model(torch.rand(1, 3, size, size), mode='tensor').shape == (1, 100)
            assert model.attention_map.shape[-1] == size // 4


def test_requires_attn_resnet_and_plugins_are_copied():
    from mmpretrain.registry import MODELS
    cfg = abn_cfg(18, num_classes=10, width=128, base_channels=16)
    cfg['backbone']['plugins'] = [dict(cfg=dict(type='SE'), position='after_last_bn',
                                       stages=(False, False, False, True))]
    model = MODELS.build(cfg)
    assert hasattr(model.att_branch.att_layer4[0], 'se')
    assert hasattr(model.backbone.layer4[0], 'se')
    bad = abn_cfg(18, num_classes=10, width=512)
    bad['backbone'] = dict(type='ResNet', depth=18)
    with pytest.raises(TypeError, match='AttnResNet'):
        MODELS.build(bad)
