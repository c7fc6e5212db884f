"""Strict loading of pretrained backbones: the ``Pretrained`` initializer of
:mod:`attn_plugins.compat` (shim 3) with ``strict=True`` refuses a missing, unused or mis-shaped key
with one line naming it and loads nothing, except what ``allow_missing`` / ``allow_unexpected``
name; ``strict=False`` (the default) keeps mmengine's behaviour. The pre-flight check of
``tools/train.py`` says the same before the run; ``--pretrained-backbone`` loads strictly and
``--skip-pretrained-check`` relaxes it. A released downstream config loads a converted file."""
import os.path as osp

import pytest
import torch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _backbone(plugins=True, **init):
    from attn_plugins.backbones import AttnResNet
    kw = dict(depth=18, base_channels=8, stem_channels=8)
    if plugins:
        kw['plugins'] = [dict(cfg=dict(type='SE', reduction=4), position='after_last_bn')]
    return AttnResNet(init_cfg=init or None, **kw)


@pytest.fixture
def plain_ckpt(tmp_path):
    """A plain (no plugins) checkpoint of the small backbone, with torchvision's ``fc``."""
    torch.manual_seed(0)
    sd = _backbone(plugins=False).state_dict()
    sd = {k: torch.randn_like(v) if v.is_floating_point() else v for k, v in sd.items()}
    sd['fc.weight'], sd['fc.bias'] = torch.zeros(10, 64), torch.zeros(10)
    path = str(tmp_path / 'plain.pth')
    torch.save(sd, path)
    return path, sd


def test_the_shim_is_registered_and_non_strict_by_default(plain_ckpt):
    from mmengine.registry import WEIGHT_INITIALIZERS

    from attn_plugins.compat import PretrainedInit
    assert WEIGHT_INITIALIZERS.get('Pretrained') is PretrainedInit
    path, sd = plain_ckpt
    bb = _backbone(type='Pretrained', checkpoint=path)  # what mmengine would run: warns only
    bb.init_weights()
    assert torch.equal(bb.conv1.weight, sd['conv1.weight'])


def test_strict_refuses_with_one_line_and_loads_nothing(plain_ckpt):
    from attn_plugins.runtime import ToolError
    path, sd = plain_ckpt
    bb = _backbone(type='Pretrained', checkpoint=path, strict=True)
    with pytest.raises(ToolError) as info:
        bb.init_weights()
    msg = str(info.value)
    assert '\n' not in msg and 'strict=True' in msg
    assert 'first missing: layer1.0.se.fc1.weight [2, 8, 1, 1]' in msg
    assert 'first unexpected: fc.weight [10, 64]' in msg
    assert not any(torch.equal(v, sd[k]) for k, v in bb.state_dict().items()
                   if v.is_floating_point() and k in sd)  # nothing of the checkpoint loaded


def test_allowances_are_explicit(plain_ckpt):
    from attn_plugins.runtime import ToolError
    path, sd = plain_ckpt
    with pytest.raises(ToolError, match=r'first unexpected: fc\.weight'):
        _backbone(type='Pretrained', checkpoint=path, strict=True,
                  allow_missing='plugins').init_weights()
    with pytest.raises(ToolError, match=r'first missing: layer1\.0\.se'):
        _backbone(type='Pretrained', checkpoint=path, strict=True,
                  allow_unexpected=r'fc\.').init_weights()
    bb = _backbone(type='Pretrained', checkpoint=path, strict=True, allow_missing='plugins',
                   allow_unexpected=[r'fc\.'])
    bb.init_weights()
    loaded = bb.state_dict()
    assert all(torch.equal(loaded[k], v) for k, v in sd.items() if not k.startswith('fc.'))
    # a shape mismatch is never allowed
    sd = dict(sd, **{'layer1.0.conv1.weight': torch.zeros(8, 8, 1, 1)})
    torch.save(sd, path)
    with pytest.raises(ToolError, match=r'layer1\.0\.conv1\.weight: checkpoint \[8, 8, 1, 1\] vs '
                                        r'model \[8, 8, 3, 3\]'):
        _backbone(type='Pretrained', checkpoint=path, strict=True, allow_missing='plugins',
                  allow_unexpected=r'fc\.').init_weights()


class _Det(torch.nn.Module):
    def __init__(self, backbone):
        super().__init__()
        self.backbone = backbone


def test_preflight_check_reports_the_strict_mismatch(plain_ckpt):
    from attn_plugins import runtime
    path, _ = plain_ckpt
    det = _Det(_backbone(type='Pretrained', checkpoint=path, strict=True))
    with pytest.raises(runtime.ToolError) as info:
        runtime.check_pretrained_backbone(det)
    msg = str(info.value)
    assert 'does not match model.backbone (AttnResNet)' in msg and 'strict=True' in msg
    assert 'layer1.0.se.fc1.weight' in msg and '--skip-pretrained-check' in msg
    notes = runtime.check_pretrained_backbone(det, strict=False)
    assert any('does not match' in n for n in notes)
    ok = _Det(_backbone(type='Pretrained', checkpoint=path, strict=True, allow_missing='plugins',
                        allow_unexpected=r'fc\.'))
    notes = runtime.check_pretrained_backbone(ok)
    assert len(notes) == 2 and 'allow_missing' in notes[0] and 'allow_unexpected' in notes[1]
    with pytest.raises(runtime.ToolError, match='not a regular expression'):
        runtime.check_pretrained_backbone(_Det(_backbone(
            type='Pretrained', checkpoint=path, strict=True, allow_unexpected='fc[')))


def test_pretrained_backbone_option_is_strict_and_skip_relaxes_it():
    from mmengine.config import Config

    from attn_plugins import runtime
    cfg = Config(dict(model=dict(backbone=dict(type='AttnResNet', init_cfg=dict(
        type='Pretrained', checkpoint='work_dirs/a/epoch_100.pth', prefix='backbone.',
        strict=True, allow_unexpected=r'layer1\.\d+\.context_block\.')))))
    runtime.apply_pretrained_backbone(cfg, '/x/cls.pth')
    assert cfg.model.backbone.init_cfg == dict(
        type='Pretrained', checkpoint='/x/cls.pth', prefix='backbone.', strict=True,
        allow_unexpected=r'layer1\.\d+\.context_block\.')  # the config's allowance is kept
    assert runtime.relax_strict_pretrained(cfg.model) == 1
    assert cfg.model.backbone.init_cfg.strict is False


def test_a_released_detector_config_loads_the_converted_file(layouts, fabricated, tmp_path):
    """RetinaNet R-50 from the converted SA-Net release: every backbone tensor is the file's; a
    converted file with a key removed stops init_weights() with one line."""
    from mmengine.config import Config
    from mmengine.registry import MODELS, init_default_scope

    from attn_plugins.converters import convert
    from attn_plugins.runtime import ToolError
    src, dst = tmp_path / 'sa.pth.tar', tmp_path / 'sanet-sa_resnet50.pth'
    torch.save(fabricated(layouts['sanet-sa_resnet50']), src)
    convert('sanet-sa_resnet50', str(src), str(dst))
    cfg = Config.fromfile(osp.join(REPO, 'configs/sa/retinanet_sa-r50_sanet-pre_fpn_1x_coco.py'))
    assert cfg.backbone_checkpoint == 'checkpoints/sanet-sa_resnet50.pth'
    assert cfg.model.backbone.init_cfg.checkpoint == cfg.backbone_checkpoint
    assert cfg.model.backbone.init_cfg.strict is True
    cfg.model.backbone.init_cfg.checkpoint = str(dst)
    init_default_scope('mmdet')
    model = MODELS.build(cfg.model)
    model.init_weights()
    converted = torch.load(dst, weights_only=True)['state_dict']
    for k, v in model.backbone.state_dict().items():
        assert torch.equal(v, converted['backbone.' + k].to(v.dtype)), k

    broken = torch.load(dst, weights_only=True)
    del broken['state_dict']['backbone.layer4.2.sa.gn.weight']
    torch.save(broken, dst)
    model = MODELS.build(cfg.model)
    with pytest.raises(ToolError, match=r'first missing: layer4\.2\.sa\.gn\.weight \[16\]'):
        model.init_weights()
