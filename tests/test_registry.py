"""Registration: our modules are reachable from mmdet/mmseg/mmpretrain scopes and mmcv's compiled ops
work together with them in a real detector."""
import json
import os.path as osp
import subprocess
import sys

import pytest
import torch

import attn_plugins  # noqa: F401
from attn_plugins.catalog import check_known, list_modules, module_names

EXPECTED = {'SE', 'CBAM', 'BAM', 'ECA', 'GCT', 'SGE', 'TripletAttention', 'CoordAtt', 'SA', 'GAM',
            'STEAM', 'ContextBlock', 'NonLocal2d', 'SK', 'SimAM', 'FcaNet', 'EMA', 'CrissCross',
            'PAM', 'CAM', 'MCA', 'GE', 'SRM', 'EPSA'}


def test_every_module_is_listed():
    assert EXPECTED <= set(module_names())


@pytest.mark.parametrize('scope', ['mmdet', 'mmseg', 'mmpretrain'])
def test_plugins_resolve_from_every_downstream_scope(scope):
    """A config in the mmdet/mmseg/mmpretrain scope finds our types by their plain names."""
    import importlib

    from mmengine.registry import DefaultScope
    registry = importlib.import_module(f'{scope}.registry').MODELS
    with DefaultScope.overwrite_default_scope(scope):
        for name in EXPECTED:
            assert registry.get(name) is not None, f'{name} not found from scope {scope}'


def test_unknown_module_names_the_known_ones():
    with pytest.raises(KeyError, match='known modules: .*SE'):
        check_known('SqueezeExcite')


def test_public_names_importable_from_the_modules_package():
    """``from attn_plugins.modules import SE`` (and every other registered class) works."""
    import attn_plugins.modules as mods
    for e in list_modules():
        if not e['baseline']:
            assert getattr(mods, e['type']) is not None and e['type'] in mods.__all__


def test_no_downstream_library_shadows_our_names():
    """No type of ours is also registered in mmdet's, mmseg's or mmpretrain's own MODELS (there it
    would build the library's class, not ours: e.g. mmseg has PSAHead/EMAHead, not PSA/EMA)."""
    from attn_plugins.catalog import registry_clashes
    assert registry_clashes() == []


@pytest.mark.parametrize('name,means', [('PSA', "type 'EPSA'"), ('psa', "type 'EPSA'"),
                                        ('MCANet', "type 'MCA' is Moment"),
                                        ('EMAHead', "type 'EMA' is Efficient Multi-scale"),
                                        ('DANet', "'PAM'.*'CAM'")])
def test_ambiguous_names_say_which_paper_each_type_means(name, means):
    """The field's clashing short names (two MCA, three PSA, EMA) are answered with the type that
    is meant; the listing states it for the registered ones."""
    with pytest.raises(KeyError, match=means):
        check_known(name)
    by_type = {e['type']: e for e in list_modules()}
    assert 'Multidimensional Collaborative' in by_type['MCA']['disambiguation']
    assert 'EMAHead' in by_type['EMA']['disambiguation']
    assert 'Polarized' in by_type['EPSA']['disambiguation']


def test_list_cli_prints_every_module_and_json():
    out = subprocess.run([sys.executable, '-m', 'attn_plugins', 'list'], capture_output=True,
                         text=True, check=True).stdout
    for name in EXPECTED:
        assert f'\n{name}' in '\n' + out
    assert 'STEAM [re-implementation]' in out
    data = json.loads(subprocess.run([sys.executable, '-m', 'attn_plugins', 'list', '--json'],
                                     capture_output=True, text=True, check=True).stdout)
    by_type = {e['type']: e for e in data}
    assert by_type['SE']['defaults']['reduction'] == 16
    assert by_type['SE']['year'] == 2018 and by_type['SE']['arxiv'] == '1709.01507'
    assert all(e['paper'] and e['placement'] and e['venue'] and e['arxiv'] for e in data)
    assert by_type['SK']['defaults'] == dict(path_dilations=[1, 2], path_groups=None,
                                             reduction=16, min_channels=32)
    assert 'stride' not in by_type['EPSA']['defaults']  # the block passes the conv's arguments
    assert 'not:       "MCA" here is Moment Channel Attention' in out
    assert len(data) == len(list_modules())


def test_mmdet_faster_rcnn_r50_with_our_plugin_trains_one_step():
    """mmdet's own Faster R-CNN R-50 base config + an attention plugin from our registry: one
    forward/backward on CPU (RoIAlign and NMS come from mmcv's compiled ops)."""
    import mmdet
    from mmdet.registry import MODELS
    from mmdet.testing import demo_mm_inputs
    from mmdet.utils import register_all_modules
    from mmengine.config import Config

    register_all_modules()
    cfg_path = osp.join(osp.dirname(mmdet.__file__), '.mim', 'configs', 'faster_rcnn',
                        'faster-rcnn_r50_fpn_1x_coco.py')
    cfg = Config.fromfile(cfg_path)
    cfg.model.backbone.init_cfg = None
    cfg.model.backbone.plugins = [dict(cfg=dict(type='SE', reduction=16),
                                       stages=(False, True, True, True), position='after_conv3')]
    model = MODELS.build(cfg.model)
    model.init_weights()
    assert hasattr(model.backbone.layer2[0], 'se') and not hasattr(model.backbone.layer1[0], 'se')

    torch.manual_seed(0)
    packed = demo_mm_inputs(batch_size=1, image_shapes=[(3, 128, 160)], num_items=[3],
                            num_classes=80)
    data = model.data_preprocessor(packed, training=True)
    model.train()
    losses = model(**data, mode='loss')
    loss, _ = model.parse_losses(losses)
    loss.backward()
    assert torch.isfinite(loss)
    assert model.backbone.layer2[0].se.fc1.weight.grad is not None

    import mmcv.ops  # noqa: F401  (the compiled ops are what made the RoI head run)
    model.eval()
    with torch.no_grad():
        results = model(**model.data_preprocessor(packed, training=False), mode='predict')
    assert len(results) == 1
