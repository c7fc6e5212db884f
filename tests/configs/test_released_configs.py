"""The configs that use the released ImageNet weights (``attn_plugins.converters``) and the strict
loading of every backbone checkpoint of the tree.

- Each SOURCE has its classification config(s) in its module's folder, built from the source's
  backbone, with the test pipeline the source was evaluated with.
- Each module's downstream source has Faster R-CNN, RetinaNet, Mask R-CNN and DeepLabV3/V3+
  (VOC-aug, Cityscapes) configs (MobileNetV2: DeepLabV3), named with the source, reading
  ``backbone_checkpoint = 'checkpoints/<SOURCE>.pth'`` strictly; the converted file fits: every
  backbone key of the downstream model is in the classification model's backbone with the same
  shape, and what it leaves unused is exactly what the config allows.
- Every backbone ``init_cfg`` of the tree that loads a checkpoint is strict, and its
  ``allow_unexpected`` covers exactly the classification checkpoint's keys the downstream backbone
  does not have (nothing silently unused, nothing needlessly allowed).

Uses the session's ``tree`` (conftest.py: one parse and one meta-device build per config).
"""
import os.path as osp
import re

import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _sources():
    import attn_plugins.converters as conv
    return conv.SOURCES


def _released_downstream():
    out = []
    for s in _sources().values():
        if not s.downstream:
            continue
        folder = osp.join(REPO, 'configs', s.module)
        import os
        for f in sorted(os.listdir(folder)):
            if f'_{s.tag}-pre_' in f:
                out.append((s.name, f'{s.module}/{f}'))
    return out


RELEASED = _released_downstream()


def _rel(config):
    return config[len('configs/'):]


def test_every_module_with_a_released_resnet50_or_mobilenet_v2_has_downstream_configs():
    sources = _sources()
    by_module = {}
    for s in sources.values():
        if s.module not in ('baseline', 'abn') and (s.depth == 50 or s.arch == 'mobilenet-v2'):
            by_module.setdefault(s.module, []).append(s)
    chosen = {s.module: s for s in sources.values() if s.downstream}
    assert set(chosen) == set(by_module), 'one downstream source per module'
    names = [p for _, p in RELEASED]
    for module, s in chosen.items():
        mine = [p for n, p in RELEASED if n == s.name]
        if s.arch == 'mobilenet-v2':
            assert len(mine) == 2 and all('deeplabv3' in p for p in mine)
            continue
        for det in ('faster-rcnn', 'retinanet', 'mask-rcnn'):
            assert f'{module}/{det}_{module.replace("_", "-")}-r50_{s.tag}-pre_fpn_1x_coco.py' \
                in names
        assert len([p for p in mine if '-r50b-d8_' in p]) == 4  # DeepLabV3/V3+, VOC/Cityscapes


@pytest.mark.parametrize('path', sorted({_rel(c) for s in _sources().values()
                                         for c in s.configs().values()}))
def test_classification_config_of_a_source(tree, path):
    cfg = tree.cfg(path)
    source = next(s for s in _sources().values() if _rel(s.config()) == path or
                  path in [_rel(c) for c in s.configs().values()])
    value = next(v for v, c in source.configs().items() if _rel(c) == path)
    assert cfg.default_scope == 'mmpretrain' and osp.dirname(path) == source.module
    for name in ('val_dataloader', 'test_dataloader'):
        pipeline = cfg[name].dataset.pipeline
        assert pipeline[1] == dict(type='ResizeEdge', scale=source.eval['resize'], edge='short',
                                   backend='pillow', interpolation=source.eval['interpolation'])
        assert pipeline[2] == dict(type='CenterCrop', crop_size=source.eval['crop'])
    want = source.backbone_args(value)
    for k, v in want.items():
        assert cfg.model.backbone[k] == v, k
    if value is None or value == source.variant.values[0]:  # the layout's (released) network
        assert tree.model_summary(path)['params'] == source.num_parameters


@pytest.mark.parametrize('name,path', RELEASED, ids=[p for _, p in RELEASED])
def test_released_downstream_config_loads_the_converted_file(tree, name, path):
    source = _sources()[name]
    cfg = tree.cfg(path)
    init = cfg.model.backbone.init_cfg
    assert cfg.backbone_checkpoint == f'checkpoints/{name}.pth' == init.checkpoint
    assert init.type == 'Pretrained' and init.prefix == 'backbone.' and init.strict is True
    if cfg.default_scope == 'mmseg':
        assert cfg.model.pretrained is None
    else:
        assert cfg.model.backbone.frozen_stages == 1 and cfg.model.backbone.norm_eval
    _fits(tree.model_summary(path)['backbone'],
          tree.model_summary(_rel(source.config()))['backbone'], init)


def _fits(down, up, init):
    """The converted classification backbone ``up`` loads strictly into ``down`` under ``init``'s
    allowances, and the allowances are needed."""
    missing = [k for k in down if k not in up and not k.endswith('num_batches_tracked')]
    assert not missing, missing[:3]
    wrong = [(k, up[k], down[k]) for k in down if k in up and up[k] != down[k]]
    assert not wrong, wrong[:3]
    unused = [k for k in up if k not in down and not k.endswith('num_batches_tracked')]
    allow = init.get('allow_unexpected')
    allow = [allow] if isinstance(allow, str) else list(allow or [])
    assert all(any(re.match(p, k) for p in allow) for k in unused), unused[:3]
    assert all(any(re.match(p, k) for k in unused) for p in allow), (allow, 'allows nothing')


def test_every_checkpoint_init_of_the_tree_is_strict(tree):
    """Experiment configs (not ``_base_``, which are the libraries' own) that give the backbone a
    ``Pretrained`` init_cfg load it strictly; those from our classification checkpoints allow
    exactly what the classification backbone has beyond theirs."""
    from attn_plugins.placements import MODULE_BY_NAME  # noqa: F401  (registers the modules)
    import glob
    checked = 0
    for full in sorted(glob.glob(osp.join(REPO, 'configs', '*', '*.py'))):
        rel = osp.relpath(full, osp.join(REPO, 'configs'))
        if rel.startswith(('_base_', 'demo')):
            continue
        cfg = tree.cfg(rel)
        init = cfg.model.backbone.get('init_cfg')
        if not (isinstance(init, dict) and init.get('type') == 'Pretrained'):
            continue
        assert init.get('strict') is True, rel
        checked += 1
        m = re.fullmatch(r'work_dirs/([^/]+)/epoch_\d+\.pth', init.checkpoint)
        if m:
            cls = f'{osp.dirname(rel)}/{m.group(1)}.py'
            _fits(tree.model_summary(rel)['backbone'], tree.model_summary(cls)['backbone'], init)
    assert checked > 200
