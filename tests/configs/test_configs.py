"""Every config of configs/ loads, builds its model and its data pipelines, follows its library's
schedule and data layout, reproduces the published parameter totals, and — downstream — points at a
classification config of the tree whose backbone fits the checkpoint it will load.

Fixtures ``config`` / ``downstream`` / ``tv_pre`` are parametrised in conftest.py; ``tree`` loads
and builds each config once per session (meta device, see conftest.py).
"""
import os
import os.path as osp
import re

import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG_ROOT = osp.join(REPO, 'configs')
IMPORTS = "custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)"


def _text(rel):
    with open(osp.join(CONFIG_ROOT, rel), encoding='utf-8') as f:
        return f.read()


def _leaf_datasets(ds):
    """Dataset configs of a dataloader's ``dataset`` (through Concat/Repeat-style wrappers)."""
    if ds is None:
        return []
    out = [ds]
    if ds.get('datasets') is not None:
        for d in ds['datasets']:
            out += _leaf_datasets(d)
    if ds.get('dataset') is not None:
        out += _leaf_datasets(ds['dataset'])
    return out


# ----------------------------------------------------------------------------------------------
def test_config_loads_and_builds_model_and_pipelines(tree, config):
    from mmengine.registry import DATASETS, TRANSFORMS, init_default_scope
    assert IMPORTS in _text(config), 'every config states custom_imports itself'
    cfg = tree.cfg(config)
    assert cfg.custom_imports == dict(imports=['attn_plugins'], allow_failed_imports=False)
    assert cfg.default_scope in ('mmpretrain', 'mmdet', 'mmseg')

    summary = tree.model_summary(config)
    assert summary['params'] > 0 and summary['backbone']

    init_default_scope(cfg.default_scope)
    with DATASETS.switch_scope_and_registry(cfg.default_scope) as datasets, \
            TRANSFORMS.switch_scope_and_registry(cfg.default_scope) as transforms:
        for split in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
            loader = cfg.get(split)
            assert loader is not None, f'{config}: no {split}'
            for ds in _leaf_datasets(loader.get('dataset')):
                assert datasets.get(ds['type']) is not None, f'{split}: no dataset {ds["type"]}'
                for t in ds.get('pipeline') or []:
                    transforms.build(t)


# ----------------------------------------------------------------------------------------------
def _family(config, cfg):
    return cfg.default_scope, osp.basename(config)


def test_follows_library_schedule_and_data_layout(tree, config):
    """The library's schedule and data roots are kept (the brief's data_root values)."""
    cfg = tree.cfg(config)
    scope, name = _family(config, cfg)
    roots = {ds.get('data_root') for split in ('train_dataloader', 'val_dataloader',
                                               'test_dataloader')
             for ds in _leaf_datasets(cfg[split].dataset) if ds.get('data_root') is not None}
    if scope == 'mmpretrain':
        if 'cifar100' in name:
            assert roots == {'data/cifar100'}
            for split in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
                assert cfg[split].dataset.type == 'CIFAR100Local'
            assert cfg.train_cfg.max_epochs == 200
            assert cfg.param_scheduler.milestones == [60, 120, 160]
            assert cfg.model.head.num_classes == 100
        else:
            assert roots == {'data/imagenet'}
            assert cfg.train_cfg.max_epochs == (300 if 'mobilenet-v2' in name else 100)
            assert cfg.model.head.num_classes == 1000
    elif scope == 'mmdet':
        assert roots == {'data/coco/'}
        assert cfg.train_cfg.max_epochs == 12
        bb = cfg.model.backbone
        assert bb.type == 'AttnResNet' and bb.frozen_stages == 1 and bb.norm_eval
        lr = 0.01 if name.startswith('retinanet') else 0.02
        assert cfg.optim_wrapper.optimizer.lr == lr
    else:
        assert cfg.train_cfg.type == 'IterBasedTrainLoop'
        if 'voc12aug' in name:
            assert roots == {'data/VOCdevkit/VOC2012'} and cfg.crop_size == (512, 512)
            assert cfg.train_cfg.max_iters == 40000
        else:
            assert roots == {'data/cityscapes/'} and cfg.crop_size == (512, 1024)
            assert cfg.train_cfg.max_iters == 80000
        # R-50b (the 7x7 stem of a released ResNet-50, as mmseg's r50b configs): AttnResNet
        allowed = ('AttnResNet', ) if '-r50b-d8_' in name else ('AttnResNetV1c', 'AttnMobileNetV2')
        assert cfg.model.backbone.type in allowed


# ----------------------------------------------------------------------------------------------
# Published parameter totals (reference/param_tables.md), reproduced by the configs themselves.
PARAMS = {
    # CIFAR-100 ResNet-50: the GAM paper's table
    'baseline/resnet50_8xb16_cifar100.py': 23_705_252,
    'se/se-resnet50_8xb16_cifar100.py': 26_220_196,  # SE without FC biases
    'bam/bam-resnet50_8xb16_cifar100.py': 24_063_319,
    'cbam/cbam-resnet50_8xb16_cifar100.py': 26_237_844,
    'gam/gam-resnet50_8xb16_cifar100.py': 149_470_388,
    'gam_gc/gam-gc-resnet50_8xb16_cifar100.py': 57_046_196,
    'triplet/triplet-resnet50_8xb16_cifar100.py': 23_710_052,
    'abn/abn-resnet50_8xb16_cifar100.py': 38_889_986,
    # ImageNet ResNet-50
    'baseline/resnet50_8xb32_in1k.py': 25_557_032,
    'se/se-resnet50_8xb32_in1k.py': 28_088_024,
    'cbam/cbam-resnet50_8xb32_in1k.py': 28_089_624,
    'bam/bam-resnet50_8xb32_in1k.py': 25_915_099,
    'eca/eca-resnet50_8xb32_in1k.py': 25_557_112,
    'sge/sge-resnet50_8xb32_in1k.py': 25_559_080,
    'triplet/triplet-resnet50_8xb32_in1k.py': 25_561_832,
    'gc/gc-resnet50_8xb32_in1k.py': 28_105_032,
    'gct/gct-resnet50_8xb32_in1k.py': 25_624_625,
    'sa/sa-resnet50_8xb32_in1k.py': 25_557_740,
    'coord_att/coord-att-resnet50_8xb32_in1k.py': 27_474_864,
    'abn/abn-resnet50_8xb32_in1k.py': 43_584_866,
    # ImageNet ResNet-18 / ResNet-101
    'baseline/resnet18_8xb32_in1k.py': 11_689_512,
    'se/se-resnet18_8xb32_in1k.py': 11_778_592,
    'cbam/cbam-resnet18_8xb32_in1k.py': 11_779_392,
    'bam/bam-resnet18_8xb32_in1k.py': 11_712_503,
    'eca/eca-resnet18_8xb32_in1k.py': 11_689_556,  # k3577
    'gct/gct-resnet18_8xb32_in1k.py': 11_701_041,
    'sge/sge-resnet18_8xb32_in1k.py': 11_690_536,
    'triplet/triplet-resnet18_8xb32_in1k.py': 11_691_912,
    'gc/gc-resnet18_8xb32_in1k.py': 11_780_760,
    'abn/abn-resnet18_8xb32_in1k.py': 21_607_266,
    'baseline/resnet101_8xb32_in1k.py': 44_549_160,
    'se/se-resnet101_8xb32_in1k.py': 49_326_872,
    'cbam/cbam-resnet101_8xb32_in1k.py': 49_330_172,
    'bam/bam-resnet101_8xb32_in1k.py': 44_907_227,
    'eca/eca-resnet101_8xb32_in1k.py': 44_549_317,  # k3357
    'gct/gct-resnet101_8xb32_in1k.py': 44_695_089,
    'sge/sge-resnet101_8xb32_in1k.py': 44_553_384,
    'triplet/triplet-resnet101_8xb32_in1k.py': 44_559_060,
    'sa/sa-resnet101_8xb32_in1k.py': 44_550_684,
    'gc/gc-resnet101_8xb32_in1k.py': 49_363_481,
    'abn/abn-resnet101_8xb32_in1k.py': 62_576_994,
    # MobileNetV2 1.0, ImageNet head
    'baseline/mobilenet-v2_8xb32_in1k.py': 3_504_872,
    'coord_att/coord-att-mobilenet-v2_8xb32_in1k.py': 3_951_504,
    'eca/eca-mobilenet-v2_8xb32_in1k.py': 3_504_903,
    'triplet/triplet-mobilenet-v2_8xb32_in1k.py': 3_509_972,
    # the second survey (reference/modules_more.md §23): published / official-code totals
    'sknet/sknet-resnext50-32x4d_8xb32_in1k.py': 27_479_784,   # SKNet-50
    'sk/sk-resnet50_8xb32_in1k.py': 26_154_496,                # PytorchInsight SK-ResNet-50*
    'epsa/epsa-resnet50_8xb32_in1k.py': 22_561_715,            # EPSANet-50 (small)
    'epsa/epsa-resnet101_8xb32_in1k.py': 38_900_279,           # EPSANet-101
    'fcanet/fcanet-resnet50_8xb32_in1k.py': 28_071_976,
    'simam/simam-resnet50_8xb32_in1k.py': 25_557_032,
    'simam/simam-mobilenet-v2_8xb32_in1k.py': 3_504_872,
    'srm/srm-resnet50_8xb32_in1k.py': 25_617_448,
    'ema/ema-resnet50_8xb32_in1k.py': 25_755_400,
    'ema/ema-resnet50_8xb16_cifar100.py': 23_903_620,          # README "23.85M" not reproduced
    'ema/ema-mobilenet-v2_8xb32_in1k.py': 3_550_156,           # README 3.55M (24 groups at 144)
    'mca/mca-resnet50_8xb32_in1k.py': 25_557_144,
    'ge/ge-resnet50_8xb32_in1k.py': 33_637_592,                # GE-θ⁺
    'steam/steam-resnet50_8xb32_in1k.py': 25_557_352,          # 5 units × 64 (author code)
    'steam/steam-resnet18_8xb32_in1k.py': 11_689_512 + 256,
    'steam/steam-resnet101_8xb32_in1k.py': 44_549_160 + 256,
    'pam/pam-resnet50_8xb32_in1k.py': 25_557_032 + 1_312_001 + 5_245_441,   # 1.25C²+1.25C+1
    'crisscross/crisscross-resnet50_8xb32_in1k.py': 25_557_032 + 1_312_001 + 5_245_441,
    'cam/cam-resnet50_8xb32_in1k.py': 25_557_032 + 2,
    # the Coordinate Attention paper's "+SE 3.89M" / "+CBAM 3.89M" (our inferred placement)
    'se/se-mobilenet-v2_8xb32_in1k.py': 3_888_305,
    'cbam/cbam-mobilenet-v2_8xb32_in1k.py': 3_890_005,
}


@pytest.mark.parametrize('path,total', sorted(PARAMS.items()))
def test_published_parameter_totals(tree, path, total):
    assert tree.model_summary(path)['params'] == total


def test_abn_configs_use_the_abn_classifier(tree):
    assert tree.model_summary('abn/abn-resnet50_8xb32_in1k.py')['type'] == 'ABNClassifier'


# ----------------------------------------------------------------------------------------------
_CKPT = re.compile(r'work_dirs/(?P<stem>[^/]+)/epoch_(?P<epoch>\d+)\.pth')


def _plugin_types(plugins):
    out = set()
    for p in plugins or []:
        cfgs = [p['cfg']] if p.get('cfg') is not None else [c for _, c in p['cfg_by_channels']]
        out |= {c['type'] for c in cfgs}
    return out


def test_downstream_points_at_a_matching_classification_config(tree, downstream):
    """Step 2 of the recipe loads ``work_dirs/<cls config stem>/epoch_<last>.pth``: that config
    exists in the tree (same module folder, ImageNet), its last epoch is the one named, its
    backbone type/depth/stem and plugin types match, and every backbone weight of the downstream
    model is in the classification backbone with the same shape (nothing left at random)."""
    cfg = tree.cfg(downstream)
    bb = cfg.model.backbone
    init = bb.init_cfg
    assert init.type == 'Pretrained' and init.prefix == 'backbone.', init
    m = _CKPT.fullmatch(init.checkpoint)
    assert m, f'checkpoint {init.checkpoint!r} is not work_dirs/<config>/epoch_N.pth'
    matches = [
        c for c in _configs() if not c.startswith('_base_/') and
        osp.splitext(osp.basename(c))[0] == m['stem']
    ]
    assert len(matches) == 1, f'no classification config named {m["stem"]}.py in configs/'
    cls = matches[0]
    if osp.dirname(downstream):
        assert osp.dirname(cls) == osp.dirname(downstream), 'checkpoint of another module'
    cls_cfg = tree.cfg(cls)
    assert cls_cfg.default_scope == 'mmpretrain' and 'in1k' in cls
    assert int(m['epoch']) == cls_cfg.train_cfg.max_epochs
    if cfg.default_scope == 'mmseg':
        assert cfg.model.pretrained is None
    else:
        assert bb.frozen_stages == 1 and bb.norm_eval and not bb.get('train_plugins', False)

    cls_bb = cls_cfg.model.backbone
    assert cls_bb.type == bb.type
    assert cls_bb.get('depth') == bb.get('depth')
    assert _plugin_types(cls_bb.get('plugins')) == _plugin_types(bb.get('plugins'))

    down = tree.model_summary(downstream)['backbone']
    up = tree.model_summary(cls)['backbone']
    missing = sorted(k for k in down if k not in up)
    assert not missing, f'{len(missing)} backbone weights not in {cls}: {missing[:5]}'
    wrong = sorted(k for k in down if up[k] != down[k])
    assert not wrong, f'shape mismatch with {cls}: {[(k, up[k], down[k]) for k in wrong[:5]]}'
    unused = [k for k in up if k not in down]
    if osp.basename(osp.dirname(downstream)) == 'gc':  # c3-c5 downstream, all stages upstream
        unused = [k for k in unused if not re.match(r'layer1\.\d+\.context_block', k)]
    # MobileNetV2's last 1x1 conv is not part of a segmentation backbone
    assert all(k.startswith('conv2.') for k in unused), unused[:5]


def _configs():
    out = []
    for dirpath, dirnames, filenames in os.walk(CONFIG_ROOT):
        rel_dir = osp.relpath(dirpath, CONFIG_ROOT)
        if rel_dir == '.':
            dirnames[:] = [d for d in dirnames if d != 'demo']
        for f in filenames:
            if f.endswith('.py'):
                out.append(osp.normpath(osp.join(rel_dir, f)).replace(osp.sep, '/'))
    return out


def test_tv_pre_variants_differ_only_in_initialisation(tree, tv_pre):
    cfg = tree.cfg(tv_pre)
    twin = tree.cfg(tv_pre.replace('_tv-pre_', '_'))
    bb = cfg.model.backbone
    assert bb.train_plugins is True
    # loaded strictly: only torchvision's classifier may be unused, only the plugins missing
    allow = {} if tv_pre.startswith('baseline/') else dict(allow_missing='plugins')
    assert bb.init_cfg == dict(type='Pretrained', checkpoint=f'torchvision://resnet{bb.depth}',
                               strict=True, allow_unexpected=r'fc\.', **allow)
    a, b = cfg.model.to_dict(), twin.model.to_dict()
    for d in (a, b):
        d['backbone'].pop('init_cfg')
        d['backbone'].pop('train_plugins', None)
    assert a == b
    built = tree.model_summary(tv_pre)
    assert built['backbone'] == tree.model_summary(tv_pre.replace('_tv-pre_', '_'))['backbone']


def test_flagship_inherits_the_gam_faster_rcnn_config(tree):
    assert "_base_ = './gam/faster-rcnn_gam-r50_fpn_1x_coco.py'" in _text('gam_faster_rcnn.py')
    cfg = tree.cfg('gam_faster_rcnn.py')
    assert cfg.model.type == 'FasterRCNN'
    assert [p['cfg']['type'] for p in cfg.model.backbone.plugins] == ['GAM']
