"""Every SOURCE against its reference layout (``layouts/<source>.json``): the table's facts are the
layout's, a file fabricated with exactly the layout and the released wrapping converts and loads
with ``strict=True`` into the model of the source's classification config, and the key mapping is
a bijection (every released tensor lands on one model key with its values, every model key gets
one released tensor; only ``num_batches_tracked`` buffers are filled)."""
import os.path as osp

import pytest
import torch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SHARED = osp.join(osp.dirname(REPO), 'shared', 'reference', 'checkpoint_layouts')


def test_source_names_are_the_layout_stems(layouts):
    from attn_plugins.converters import SOURCES
    assert list(SOURCES) and sorted(SOURCES) == sorted(layouts)
    assert len(SOURCES) == 28


@pytest.mark.skipif(not osp.isdir(SHARED), reason='no shared/ folder beside the checkout')
def test_layout_copies_equal_the_shared_reference(layouts):
    import json
    for name, layout in layouts.items():
        with open(osp.join(SHARED, f'{name}.json')) as f:
            assert json.load(f) == layout, name


def test_table_facts_are_the_layouts(source_name, layouts, models):
    """Published top-1, parameter count, wrapping and description as in the layout; the
    classification config exists and its model has exactly the released parameter count."""
    from attn_plugins.converters import get_source
    layout, source = layouts[source_name], get_source(source_name)
    assert source.published_top1 == layout['published_top1']
    assert source.num_parameters == layout['num_parameters']
    assert source.wrapping == layout['file_wrapping']
    assert source.description == layout['description']
    for config in source.configs().values():
        assert osp.isfile(osp.join(REPO, config)), config
    model = models.meta(source.config())
    assert sum(p.numel() for p in model.parameters()) == layout['num_parameters']


def _convert(source, obj, tmp_path, name='src.pth'):
    from attn_plugins.converters import convert
    src, dst = tmp_path / name, tmp_path / f'{name}.converted'
    torch.save(obj, src)
    info = convert(source, str(src), str(dst))
    return info, torch.load(dst, map_location='cpu', weights_only=True)


def test_fabricated_release_converts_and_loads_strictly(source_name, layouts, fabricated, models,
                                                        load_strict, tmp_path):
    from attn_plugins.converters import get_source
    from attn_plugins.converters.core import map_state_dict, sha256_of, unwrap
    layout, source = layouts[source_name], get_source(source_name)
    obj = fabricated(layout)
    info, ckpt = _convert(source, obj, tmp_path)
    assert set(ckpt) == {'state_dict', 'meta'}
    meta = ckpt['meta']
    assert meta['source'] == source_name and meta['config'] == source.config()
    assert meta['sha256'] == sha256_of(str(tmp_path / 'src.pth'))
    load_strict(models.fresh_meta(source.config()), ckpt['state_dict'])

    # both directions: released key -> one model key, values kept; model key -> one released key
    released = unwrap(obj, 'src')
    out, origin = map_state_dict(source, released, 'src')
    model_keys = set(models.meta(source.config()).state_dict())
    assert set(origin.values()) == set(released), 'a released tensor was dropped'
    assert set(out) <= model_keys, sorted(set(out) - model_keys)[:3]
    filled = model_keys - set(out)
    assert all(k.endswith('num_batches_tracked') for k in filled), sorted(filled)[:3]
    for k, v in out.items():
        value = released[origin[k]].reshape(-1)[0]
        assert torch.equal(ckpt['state_dict'][k].reshape(-1)[0], value), k
        assert ckpt['state_dict'][k].numel() == released[origin[k]].numel(), k


# ---- the wrappings and naming variants the releases use ----------------------------------------
def _strict_into_config(tmp_path, source_name, obj, models, load_strict, name='v.pth'):
    info, ckpt = _convert(source_name, obj, tmp_path, name)
    load_strict(models.fresh_meta(info['config']), ckpt['state_dict'])
    return info, ckpt


def test_triplet_attribute_names_and_kernel_size_from_the_weights(layouts, fabricated, models,
                                                                  load_strict, tmp_path):
    """The Triplet files name the block attribute differently (``triplet_attention``, ``pcam``,
    ``triplet``; branches ``ChannelGateH/W, SpatialGate`` + ``spatial`` or ``cw/hc/hw`` +
    ``conv``); k=3 files load into the k=3 config."""
    names = {'ChannelGateH.spatial': 'cw.conv', 'ChannelGateW.spatial': 'hc.conv',
             'SpatialGate.spatial': 'hw.conv'}
    layout = layouts['triplet-resnet50']

    def pcam(k):
        return k.replace('.triplet_attention.', '.pcam.')

    def refactored(k):
        k = k.replace('.triplet_attention.', '.triplet.')
        for a, b in names.items():
            k = k.replace(a, b)
        return k

    for i, rename in enumerate((pcam, refactored)):
        info, _ = _strict_into_config(tmp_path, 'triplet-resnet50',
                                      fabricated(layout, rename=rename), models, load_strict,
                                      f'{i}.pth')
        assert info['config'].endswith('/triplet-resnet50_triplet_in1k.py')
        assert info['meta']['kernel_size'] == 7
    for name in ('triplet-resnet50', 'triplet-resnet18', 'triplet-mobilenet_v2'):
        info, _ = _strict_into_config(tmp_path, name, fabricated(layouts[name], kernel=3), models,
                                      load_strict, f'{name}-k3.pth')
        assert '/triplet-k3-' in info['config'] and info['meta']['kernel_size'] == 3


def test_other_wrappings(layouts, state_dict_of, models, load_strict, tmp_path):
    """``model`` nesting, a bare state dict of a DataParallel model, files without
    ``num_batches_tracked`` (torch 0.4.0: ABN), the Coordinate Attention file's bare Linear
    classifier and its reported ``state_dict`` wrapping."""
    sa = state_dict_of(layouts['sanet-sa_resnet50'])
    _strict_into_config(tmp_path, 'sanet-sa_resnet50', dict(model=sa), models, load_strict, 'a')
    _strict_into_config(tmp_path, 'sanet-sa_resnet50', {f'module.{k}': v for k, v in sa.items()},
                        models, load_strict, 'b')
    layout = layouts['abn-resnet50']
    no_nbt = [k for k in layout['keys'] if k.endswith('num_batches_tracked')]
    assert no_nbt
    _, ckpt = _strict_into_config(tmp_path, 'abn-resnet50', dict(state_dict={
        f'module.{k}': v for k, v in state_dict_of(layout, drop=no_nbt).items()}), models,
        load_strict, 'c')
    assert int(ckpt['state_dict']['backbone.bn1.num_batches_tracked']) == 0
    layout = layouts['coordatt-mobilenet_v2']
    bare = state_dict_of(layout, rename=lambda k: k.replace('classifier.1.', 'classifier.'))
    _strict_into_config(tmp_path, 'coordatt-mobilenet_v2', bare, models, load_strict, 'd')
    _strict_into_config(tmp_path, 'coordatt-mobilenet_v2', dict(state_dict=bare), models,
                        load_strict, 'e')


def test_readme_lists_every_source_and_its_configs():
    from attn_plugins.converters import SOURCES, UNSUPPORTED
    with open(osp.join(REPO, 'README.md'), encoding='utf-8') as f:
        readme = f.read()
    section = readme.split('### Released ImageNet weights', 1)[1].split('\n### ', 1)[0]
    for s in SOURCES.values():
        assert f'| `{s.name}` |' in section, s.name
        for config in s.configs().values():
            assert f'`{config[len("configs/"):]}`' in section, config
        if s.downstream:
            assert f'`{s.module}/*_{s.tag}-pre_*`' in section, s.name
    assert len(UNSUPPORTED) == 6  # the releases that cannot be converted, each named
    for word in ('legacy_seresnet18', 'gcresnet50t', 'ecaresnet50t', 'ecaresnetlight',
                 'Caffe SENet', "GCNet's COCO"):
        assert word in section, word

