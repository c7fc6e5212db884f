"""Fast (not slow): every CPU-scale config of configs/demo/ loads, builds its model (with its
attention plugin) and every transform of its data pipelines — the generated tree has the same test
in tests/configs/; configs/demo/ is written by hand and checked here."""
import glob
import os.path as osp

import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEMO_CONFIGS = sorted(osp.relpath(p, REPO)
                      for p in glob.glob(osp.join(REPO, 'configs', 'demo', '*.py')))
# the attention module each demo config exercises (its file name says it)
EXPECTED_PLUGIN = {'gam': 'GAM', 'eca': 'ECA', 'se': 'SE', 'coord': 'CoordAtt'}


def _leaf_datasets(ds):
    if ds is None:
        return []
    out = [ds]
    for d in ds.get('datasets') or []:
        out += _leaf_datasets(d)
    if ds.get('dataset') is not None:
        out += _leaf_datasets(ds['dataset'])
    return out


def test_demo_configs_exist():
    names = {osp.basename(p) for p in DEMO_CONFIGS}
    assert 'gam_faster_rcnn_shapes_cpu.py' in names, names


@pytest.mark.parametrize('config', DEMO_CONFIGS)
def test_demo_config_builds_model_and_pipelines(config):
    import torch
    from mmengine.config import Config
    from mmengine.registry import DATASETS, MODELS, TRANSFORMS, init_default_scope

    import attn_plugins  # noqa: F401
    cfg = Config.fromfile(osp.join(REPO, config))
    init_default_scope(cfg.default_scope)
    with MODELS.switch_scope_and_registry(cfg.default_scope) as models:
        model = models.build(cfg.model)
    model.init_weights()
    kinds = {type(m).__name__ for m in model.modules()}
    key = osp.basename(config).split('_')[0]
    assert EXPECTED_PLUGIN[key] in kinds, f'{config}: no {EXPECTED_PLUGIN[key]} in the model'
    n = sum(p.numel() for p in model.parameters())
    assert 0 < n < 20_000_000, f'{config}: {n} parameters is not CPU scale'
    assert all(torch.isfinite(p).all() for p in model.parameters())

    with DATASETS.switch_scope_and_registry(cfg.default_scope) as datasets, \
            TRANSFORMS.switch_scope_and_registry(cfg.default_scope) as transforms:
        for split in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
            leaves = _leaf_datasets(cfg[split].get('dataset'))
            assert leaves, f'{config}: no dataset in {split}'
            for ds in leaves:
                if 'type' in ds:
                    assert datasets.get(ds['type']) is not None, f'{split}: no {ds["type"]}'
                for t in ds.get('pipeline') or []:
                    transforms.build(t)
