"""Classification → detection/segmentation transfer: an mmpretrain classifier's checkpoint loads
into mmdet and mmseg models whose backbone is AttnResNet with the same plugins, with zero missing
backbone keys (attention weights included) — through mmengine's ``Pretrained`` init with
``prefix='backbone.'`` exactly as a downstream config would do it."""
import os

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.runner.checkpoint import _load_checkpoint_with_prefix

import attn_plugins.backbones  # noqa: F401
import attn_plugins.modules  # noqa: F401

PLUGINS = [
    dict(cfg=dict(type='SE'), position='after_last_bn'),
    dict(cfg=dict(type='GCT'), position='before_conv', stages=(False, False, True, True)),
    dict(cfg=dict(type='GCT'), position='before_stem_conv'),
    dict(cfg=dict(type='BAM'), position='after_stage', stages=(True, True, True, False)),
]


def backbone(**kw):
    return dict(type='AttnResNet', depth=50, base_channels=16, plugins=PLUGINS, **kw)


@pytest.fixture(scope='module', params=[False, True], ids=['resnet', 'deep_stem'])
def checkpoint(request, tmp_path_factory):
    """A classification checkpoint (random, non-default weights) and its state dict."""
    from mmpretrain.registry import MODELS
    deep_stem = request.param
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        model = MODELS.build(
            dict(type='ImageClassifier', backbone=backbone(out_indices=(3, ), deep_stem=deep_stem),
                 neck=dict(type='GlobalAveragePooling'),
                 head=dict(type='LinearClsHead', num_classes=10, in_channels=512)))
    torch.manual_seed(1)
    with torch.no_grad():
        for t in model.state_dict().values():
            if t.is_floating_point():
                t.copy_(torch.randn_like(t))
    sd = model.state_dict()
    assert any('.se.' in k for k in sd) and 'backbone.gct_stem.gamma' in sd
    assert any(k.startswith('backbone.bam1.') for k in sd)
    path = str(tmp_path_factory.mktemp('ckpt') / f'cls_deep{int(deep_stem)}.pth')
    torch.save(dict(state_dict=sd, meta=dict()), path)
    return deep_stem, path, sd


def _assert_transferred(target_backbone, path, cls_sd):
    sd = _load_checkpoint_with_prefix('backbone.', path)
    result = target_backbone.load_state_dict(sd, strict=False)
    assert result.missing_keys == [], f'missing backbone keys: {result.missing_keys}'
    assert result.unexpected_keys == [], f'unexpected keys: {result.unexpected_keys}'
    # ... and the values arrived through the downstream model's own init_weights():
    target = target_backbone.state_dict()
    assert set(target) == {k[len('backbone.'):] for k in cls_sd if k.startswith('backbone.')}
    for k, v in target.items():
        torch.testing.assert_close(v, cls_sd['backbone.' + k], msg=k)


def _mim_config(pkg, rel):
    mod = __import__(pkg)
    return Config.fromfile(os.path.join(os.path.dirname(mod.__file__), '.mim', 'configs', rel))


def test_classification_to_mmdet_faster_rcnn(checkpoint):
    import mmdet.models  # noqa: F401
    from mmdet.registry import MODELS
    deep_stem, path, cls_sd = checkpoint
    cfg = _mim_config('mmdet', 'faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py')
    bb = cfg.model.backbone
    bb.update(backbone(deep_stem=deep_stem))
    bb.init_cfg = dict(type='Pretrained', checkpoint=path, prefix='backbone.')
    cfg.model.neck.in_channels = [64, 128, 256, 512]
    with DefaultScope.overwrite_default_scope('mmdet'):
        model = MODELS.build(cfg.model)
    model.init_weights()
    _assert_transferred(model.backbone, path, cls_sd)


def test_classification_to_mmseg_encoder_decoder(checkpoint):
    import mmseg.models  # noqa: F401
    from mmseg.registry import MODELS
    deep_stem, path, cls_sd = checkpoint
    cfg = _mim_config('mmseg', '_base_/models/deeplabv3_r50-d8.py')
    norm = dict(type='BN', requires_grad=True)
    model_cfg = cfg.model
    model_cfg.pretrained = None
    model_cfg.backbone.update(backbone(norm_cfg=norm))
    # ResNetV1c -> AttnResNetV1c (deep stem, mmseg names) or AttnResNet (7×7 stem)
    model_cfg.backbone.type = 'AttnResNetV1c' if deep_stem else 'AttnResNet'
    model_cfg.backbone.init_cfg = dict(type='Pretrained', checkpoint=path, prefix='backbone.')
    model_cfg.decode_head.update(in_channels=512, channels=32, norm_cfg=norm)
    model_cfg.auxiliary_head.update(in_channels=256, channels=16, norm_cfg=norm)
    with DefaultScope.overwrite_default_scope('mmseg'):
        model = MODELS.build(model_cfg)
    model.init_weights()
    _assert_transferred(model.backbone, path, cls_sd)


def test_missing_plugin_key_is_detected(checkpoint, tmp_path):
    """The check above fails when the downstream backbone lacks the attention weights' source."""
    from mmengine.registry import MODELS
    _, path, cls_sd = checkpoint
    stripped = {k: v for k, v in cls_sd.items() if '.se.' not in k}
    bad = str(tmp_path / 'no_se.pth')
    torch.save(dict(state_dict=stripped), bad)
    target = MODELS.build(backbone(deep_stem=checkpoint[0]))
    result = target.load_state_dict(_load_checkpoint_with_prefix('backbone.', bad), strict=False)
    assert result.missing_keys and all('.se.' in k for k in result.missing_keys)
