"""Synthetic datasets: deterministic, in the real on-disk formats, and loadable by the stock OpenMMLab
dataset classes through their base configs with only ``data_root`` (and the class list) changed."""
import importlib.util
import json
import os
import os.path as osp
import pickle
import time

import cv2
import numpy as np
import pytest
from mmengine.config import Config
from mmengine.registry import DefaultScope
from PIL import Image

from attn_plugins.data import (CIFAR100_FINE_NAMES, COCO_CLASSES, PATTERN_CLASSES, VOC_CLASSES,
                               VOC_SHAPE_CLASSES, CIFAR100Local, check_layout, find_layout,
                               layout_hint, layout_problem, make_cifar100, make_cityscapes, make_coco, make_imagenet,
                               make_voc, voc_palette)
from attn_plugins.data.synthetic import _CS_TRAIN2ID, COCO_DEFAULTS, COCO_VARIANTS, MANIFEST

SITE = osp.dirname(osp.dirname(osp.abspath(__import__('mmdet').__file__)))


def base_cfg(lib, name):
    return Config.fromfile(osp.join(SITE, lib, '.mim', 'configs', '_base_', 'datasets', name))


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('data'))
    info = dict(root=root)
    info['coco'] = make_coco(osp.join(root, 'coco'), num_train=8, num_val=4)
    info['voc'] = make_voc(root, num_train=5, num_val=3, num_aug=4)
    info['cityscapes'] = make_cityscapes(osp.join(root, 'cityscapes'), num_train=4, num_val=2)
    info['imagenet'] = make_imagenet(osp.join(root, 'imagenet'), train_per_class=2, val_per_class=1)
    info['cifar100'] = make_cifar100(osp.join(root, 'cifar100'), num_train=60, num_test=20)
    return info


def _read_images(folder):
    return {f: cv2.imread(osp.join(folder, f), cv2.IMREAD_UNCHANGED) for f in sorted(os.listdir(folder))}


# ------------------------------------------------------------------------------------------------ COCO
def test_coco_deterministic(tmp_path):
    a = make_coco(str(tmp_path / 'a'), num_train=5, num_val=2, seed=3)
    make_coco(str(tmp_path / 'b'), num_train=5, num_val=2, seed=3)
    make_coco(str(tmp_path / 'c'), num_train=5, num_val=2, seed=4)
    for split in ('train', 'val'):
        ann = f'annotations/instances_{split}2017.json'
        ja, jb, jc = (open(tmp_path / d / ann, 'rb').read() for d in 'abc')
        assert ja == jb and ja != jc
        ia, ib = (_read_images(tmp_path / d / f'{split}2017') for d in 'ab')
        assert ia.keys() == ib.keys() and all(np.array_equal(ia[k], ib[k]) for k in ia)
    assert a['classes'] == list(COCO_CLASSES)


def test_coco_pycocotools_boxes_masks_and_area_ranges(tmp_path):
    from pycocotools.coco import COCO
    summary = make_coco(str(tmp_path), num_train=30, num_val=2)
    coco = COCO(str(tmp_path / 'annotations/instances_train2017.json'))
    assert set(coco.dataset) >= {'info', 'licenses', 'images', 'annotations', 'categories'}
    assert [c['id'] for c in coco.dataset['categories']] == [1, 2, 3, 4]
    assert [c['name'] for c in coco.dataset['categories']] == list(COCO_CLASSES)
    shapes = {(i['height'], i['width']) for i in coco.dataset['images']}
    assert any(h != w for h, w in shapes) and len({h for h, _ in shapes}) > 1
    for ann in coco.dataset['annotations']:
        img = coco.imgs[ann['image_id']]
        x, y, w, h = ann['bbox']
        assert 0 <= x and 0 <= y and x + w <= img['width'] and y + h <= img['height']
        poly = np.asarray(ann['segmentation'][0]).reshape(-1, 2)
        assert np.allclose([x, y, x + w, y + h], [*poly.min(0), *poly.max(0)], atol=0.011)
        assert ann['iscrowd'] == 0 and ann['category_id'] in (1, 2, 3, 4)
        mask = coco.annToMask(ann)
        ys, xs = np.nonzero(mask)
        assert xs.min() >= x - 1 and xs.max() <= x + w and ys.min() >= y - 1 and ys.max() <= y + h
        assert abs(mask.sum() - ann['area']) <= 0.06 * ann['area'] + 2 * (w + h) ** 0.5 + 4
    assert os.path.isfile(tmp_path / 'train2017' / coco.dataset['images'][0]['file_name'])
    ranges = summary['area_ranges']['train']
    assert all(ranges[k] > 0 for k in ('small', 'medium', 'large')), ranges


def test_coco_real_names_option(tmp_path):
    s = make_coco(str(tmp_path), num_train=2, num_val=1, names='coco')
    cats = json.load(open(tmp_path / 'annotations/instances_val2017.json'))['categories']
    assert {(c['id'], c['name']) for c in cats} == {(5, 'airplane'), (37, 'sports ball'), (38, 'kite'),
                                                    (62, 'tv')}
    assert s['classes'] == ['airplane', 'sports ball', 'kite', 'tv']


# The annotation files of make_coco(num_train=6, num_val=2) as the built-in set was before the variants
# existed: every random draw of the geometry is in them, so they pin the default set's RNG streams.
_DEFAULT_COCO_MD5 = {'train': '814a5b3960ffa03daf2c684ae7b96c88', 'val': '3bed75c26d607fbb78c00ac06ab2a6c4'}


def test_coco_default_set_is_unchanged_by_the_variants(tmp_path):
    import hashlib
    make_coco(str(tmp_path / 'a'), num_train=6, num_val=2)
    for split, md5 in _DEFAULT_COCO_MD5.items():
        data = open(tmp_path / 'a' / f'annotations/instances_{split}2017.json', 'rb').read()
        assert hashlib.md5(data).hexdigest() == md5, split


@pytest.mark.parametrize('variant', sorted(COCO_VARIANTS))
def test_coco_variant_has_its_properties(variant, tmp_path):
    from pycocotools.coco import COCO
    opt = dict(COCO_DEFAULTS, **COCO_VARIANTS[variant])
    summary = make_coco(str(tmp_path / 'v'), num_train=8, num_val=2, variant=variant)
    assert summary['variant'] == variant and summary['classes'] == list(opt['shapes'])
    with open(tmp_path / 'v' / MANIFEST) as f:
        params = json.load(f)['params']
    assert params['variant'] == variant and params['shapes'] == list(opt['shapes'])
    coco = COCO(str(tmp_path / 'v' / 'annotations/instances_train2017.json'))
    assert [c['name'] for c in coco.dataset['categories']] == list(opt['shapes'])
    (h0, h1), (w0, w1) = opt['image_size']
    per_image = {i: 0 for i in coco.imgs}
    for ann in coco.dataset['annotations']:
        per_image[ann['image_id']] += 1
        if opt['object_px'] is not None:
            lo, hi = opt['object_px']
            assert lo * 0.98 <= ann['area'] ** 0.5 <= hi * 1.02, ann
    assert all(1 <= n <= opt['max_objects'] for n in per_image.values()), per_image
    assert max(per_image.values()) >= min(opt['min_objects'] + 1, opt['max_objects'])
    if opt['min_objects'] > 1:  # placement may drop an object now and then, not often
        assert np.mean(list(per_image.values())) >= opt['min_objects']
    for info in coco.dataset['images']:
        assert h0 <= info['height'] <= h1 and w0 <= info['width'] <= w1, info
        img = cv2.imread(str(tmp_path / 'v' / 'train2017' / info['file_name']))
        assert img.shape[:2] == (info['height'], info['width'])
        spread = int((img.max(2).astype(int) - img.min(2)).max())  # largest channel difference
        if opt['colour'] == 'grey':
            assert spread <= 3, (info['file_name'], spread)  # grey up to JPEG rounding
        else:
            assert spread > 40
    # a held-out set: its own random stream, none of its images is one of the built-in set's
    make_coco(str(tmp_path / 'd'), num_train=8, num_val=2)
    a, d = _read_images(tmp_path / 'v' / 'train2017'), _read_images(tmp_path / 'd' / 'train2017')
    assert not any(a[k].shape == d[k].shape and np.array_equal(a[k], d[k]) for k in a)


def _band_energy(folder):
    """Mean std of the images' 2-24 px structure (pixel noise and the smooth field filtered out)."""
    out = []
    for img in _read_images(folder).values():
        g = img.astype(np.float32).mean(2)
        out.append(float((cv2.GaussianBlur(g, (0, 0), 1.2) - cv2.GaussianBlur(g, (0, 0), 10)).std()))
    return float(np.mean(out))


def test_coco_textured_background_has_structure_at_object_scales(tmp_path):
    make_coco(str(tmp_path / 't'), num_train=12, num_val=1, variant='textured')
    make_coco(str(tmp_path / 'd'), num_train=12, num_val=1)
    assert _band_energy(tmp_path / 't' / 'train2017') > 1.3 * _band_energy(tmp_path / 'd' / 'train2017')


def test_coco_star_shape_and_option_errors(tmp_path):
    s = make_coco(str(tmp_path / 's'), num_train=3, num_val=1, shapes=('star', 'circle'))
    assert s['classes'] == ['star', 'circle'] and s['variant'] is None
    bad = [(dict(variant='nope'), 'unknown COCO variant .nope.; choose one of large_images'),
           (dict(shapes=('hexagon', )), 'shapes must be distinct names'),
           (dict(shapes=('star', ), names='coco'), "names='coco' maps only"),
           (dict(min_objects=3, max_objects=2), 'min_objects <= max_objects'),
           (dict(object_px=(2, 10)), 'object_px must be'),
           (dict(background='plaid'), 'background must be one of')]
    for kw, msg in bad:
        with pytest.raises(ValueError, match=msg):
            make_coco(str(tmp_path / 'x'), num_train=1, num_val=1, **kw)
        assert not osp.exists(tmp_path / 'x')  # refused before anything is written


def test_make_datasets_variant_option(tmp_path, capsys):
    cli = _cli()
    assert cli.main(['coco', '--variant', 'grey', '--out', str(tmp_path), '--num-train', '2',
                     '--num-val', '1']) == 0
    assert 'coco_grey' in capsys.readouterr().out
    with open(tmp_path / 'coco_grey' / MANIFEST) as f:
        assert json.load(f)['params']['variant'] == 'grey'
    assert not osp.exists(tmp_path / 'coco')  # the built-in set's place stays free
    assert cli.main(['coco', '--variant', 'plaid', '--out', str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("make_datasets.py: error: unknown COCO variant 'plaid'") and '\n' not in err
    with pytest.raises(SystemExit) as e:
        cli.main(['voc', '--variant', 'grey', '--out', str(tmp_path)])
    assert e.value.code == 2 and '--variant applies to coco only' in capsys.readouterr().err


def test_coco_mmdet_dataset_with_config_pipeline(data):
    import mmdet.datasets  # noqa: F401  (registers the transforms)
    from mmdet.registry import DATASETS
    from pycocotools.coco import COCO
    cfg = base_cfg('mmdet', 'coco_instance.py')
    ds_cfg = cfg.train_dataloader.dataset
    ds_cfg.data_root = data['coco']['data_root']
    ds_cfg.metainfo = dict(classes=COCO_CLASSES)
    ds_cfg.pipeline = cfg.train_pipeline[:2]  # LoadImageFromFile + LoadAnnotations(with_bbox, with_mask)
    with DefaultScope.overwrite_default_scope('mmdet'):
        ds = DATASETS.build(ds_cfg)
        assert len(ds) == 8
        coco = COCO(osp.join(ds_cfg.data_root, ds_cfg.ann_file))
        for i in range(3):
            out = ds[i]
            anns = coco.loadAnns(coco.getAnnIds(imgIds=[out['img_id']]))
            assert out['img'].shape[:2] == (out['height'], out['width'])
            boxes = np.array([[x, y, x + w, y + h] for x, y, w, h in (a['bbox'] for a in anns)])
            assert np.allclose(out['gt_bboxes'].numpy(), boxes, atol=0.01)
            assert list(out['gt_bboxes_labels']) == [a['category_id'] - 1 for a in anns]
            masks = out['gt_masks'].to_ndarray()
            assert masks.shape == (len(anns), out['height'], out['width'])
            for m, (x0, y0, x1, y1) in zip(masks, boxes):
                ys, xs = np.nonzero(m)
                assert abs(xs.min() - x0) <= 1.5 and abs(xs.max() + 1 - x1) <= 1.5
                assert abs(ys.min() - y0) <= 1.5 and abs(ys.max() + 1 - y1) <= 1.5
        # the full base-config pipeline (Resize 1333x800, flip, PackDetInputs) runs unchanged
        ds_cfg.pipeline = cfg.train_pipeline
        packed = DATASETS.build(ds_cfg)[0]
        assert packed['inputs'].shape[0] == 3 and len(packed['data_samples'].gt_instances) > 0


def test_coco_val_json_works_with_the_config_evaluator(data):
    """The config's CocoMetric (bbox + segm), pointed at the new data_root, scores the ground truth 1.0."""
    import torch
    from mmdet.registry import METRICS
    from pycocotools.coco import COCO
    cfg = base_cfg('mmdet', 'coco_instance.py')
    ann_file = data['coco']['data_root'] + 'annotations/instances_val2017.json'  # configs concatenate
    with DefaultScope.overwrite_default_scope('mmdet'):
        metric = METRICS.build(dict(cfg.val_evaluator, ann_file=ann_file))
    metric.dataset_meta = dict(classes=COCO_CLASSES)
    coco = COCO(ann_file)
    samples = []
    for img_id in coco.getImgIds():
        anns = coco.loadAnns(coco.getAnnIds(imgIds=[img_id]))
        x, y, w, h = np.array([a['bbox'] for a in anns], np.float32).T
        info = coco.imgs[img_id]
        samples.append(dict(img_id=img_id, ori_shape=(info['height'], info['width']),
                            pred_instances=dict(
                                bboxes=torch.from_numpy(np.stack([x, y, x + w, y + h], 1)),
                                scores=torch.ones(len(anns)),
                                labels=torch.tensor([a['category_id'] - 1 for a in anns]),
                                masks=torch.from_numpy(np.stack([coco.annToMask(a) for a in anns])).bool())))
    metric.process({}, samples)
    results = metric.evaluate(len(samples))
    assert results['coco/bbox_mAP'] == pytest.approx(1.0) and results['coco/segm_mAP'] == pytest.approx(1.0)


# ------------------------------------------------------------------------------------------------- VOC
def test_voc_layout_and_mmseg_datasets(data):
    import mmseg.datasets  # noqa: F401
    from mmseg.registry import DATASETS
    root = data['voc']['data_root']
    assert root == osp.join(data['root'], 'VOCdevkit', 'VOC2012')
    seg = osp.join(root, 'ImageSets', 'Segmentation')
    lists = {n: open(osp.join(seg, f'{n}.txt')).read().split() for n in ('train', 'val', 'trainval', 'aug')}
    assert len(lists['train']) == 5 and len(lists['val']) == 3
    assert lists['trainval'] == lists['train'] + lists['val']
    assert set(lists['train']) <= set(lists['aug']) and not set(lists['val']) & set(lists['aug'])
    assert len(lists['aug']) == 9
    ids = {VOC_CLASSES.index(c) for c in VOC_SHAPE_CLASSES}
    assert ids == {1, 4, 5, 20}
    png = Image.open(osp.join(root, 'SegmentationClass', lists['train'][0] + '.png'))
    assert png.mode == 'P' and png.getpalette()[:63] == voc_palette()[:63]
    assert np.unique(np.asarray(png)).tolist()[-1] == 255  # void borders
    aug = Image.open(osp.join(root, 'SegmentationClassAug', lists['aug'][-1] + '.png'))
    assert aug.mode == 'L' and 255 not in np.unique(np.asarray(aug))

    cfg = base_cfg('mmseg', 'pascal_voc12_aug.py')
    for d in cfg.train_dataloader.dataset.datasets:
        d.data_root = root
    cfg.val_dataloader.dataset.data_root = root
    with DefaultScope.overwrite_default_scope('mmseg'):
        train = DATASETS.build(cfg.train_dataloader.dataset)
        assert len(train) == 5 + 9
        val_cfg = cfg.val_dataloader.dataset
        val_cfg.pipeline = [dict(type='LoadImageFromFile'), dict(type='LoadAnnotations')]
        val = DATASETS.build(val_cfg)
        assert len(val) == 3
        for i in range(3):
            out = val[i]
            values = set(np.unique(out['gt_seg_map']).tolist())
            assert values <= ids | {0, 255} and values & ids and 255 in values
            assert out['gt_seg_map'].shape == out['img'].shape[:2]
        sample = train[len(train) - 1]  # an aug sample through the full train pipeline (crop 512, pad)
        assert tuple(sample['inputs'].shape) == (3, 512, 512)


# ------------------------------------------------------------------------------------------ Cityscapes
def test_cityscapes_layout_and_mmseg_dataset(data):
    import mmseg.datasets  # noqa: F401
    from mmseg.registry import DATASETS
    root = data['cityscapes']['data_root']
    cfg = base_cfg('mmseg', 'cityscapes.py')
    ds_cfg = cfg.train_dataloader.dataset
    ds_cfg.data_root = root
    ds_cfg.pipeline = [dict(type='LoadImageFromFile'), dict(type='LoadAnnotations')]
    with DefaultScope.overwrite_default_scope('mmseg'):
        ds = DATASETS.build(ds_cfg)
        assert len(ds) == 4
        used = {0, 1, 2, 5, 7, 8, 10, 11, 13}
        for i in range(len(ds)):
            out = ds[i]
            assert out['img'].shape == (128, 256, 3)
            assert osp.basename(out['img_path']).endswith('_leftImg8bit.png')
            values = set(np.unique(out['gt_seg_map']).tolist())
            assert values <= used | {255} and {0, 1, 10, 255} <= values
            label_ids = np.asarray(Image.open(out['seg_map_path'].replace('labelTrainIds', 'labelIds')))
            train_ids = out['gt_seg_map']
            valid = train_ids != 255
            assert np.array_equal(label_ids[valid], _CS_TRAIN2ID[train_ids[valid]])
            assert set(np.unique(label_ids[~valid]).tolist()) <= {0, 1}
            inst_path = out['seg_map_path'].replace('labelTrainIds', 'instanceIds')
            inst = cv2.imread(inst_path, cv2.IMREAD_UNCHANGED)
            assert inst.dtype == np.uint16 and inst.shape == train_ids.shape
        assert len(DATASETS.build(dict(cfg.val_dataloader.dataset, data_root=root))) == 2


# ------------------------------------------------------------------------------------------- ImageNet
def test_imagenet_split_and_folder_modes(data):
    import mmpretrain.datasets  # noqa: F401
    from mmpretrain.registry import DATASETS
    root = data['imagenet']['data_root']
    cfg = base_cfg('mmpretrain', 'imagenet_bs32.py')
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        for split, per_class in (('train', 2), ('val', 1)):
            ds_cfg = dict(cfg[f'{split}_dataloader'].dataset, data_root=root,
                          pipeline=[dict(type='LoadImageFromFile')])
            ds = DATASETS.build(ds_cfg)
            assert len(ds) == 10 * per_class
            labels = [ds.get_data_info(i)['gt_label'] for i in range(len(ds))]
            assert sorted(labels) == sorted(list(range(10)) * per_class)
            for i in range(len(ds)):
                info = ds.get_data_info(i)
                assert f'/{split}/n{info["gt_label"]:08d}/' in info['img_path'].replace(os.sep, '/')
            assert ds[0]['img'].ndim == 3
        # folder-scan mode (no meta/*.txt) gives the same labels, class names from classes.txt
        folder = DATASETS.build(dict(type='CustomDataset', data_root=root, data_prefix='val',
                                     classes=osp.join(root, 'meta', 'classes.txt')))
        assert folder.CLASSES == PATTERN_CLASSES
        assert sorted(folder.get_data_info(i)['gt_label'] for i in range(len(folder))) == list(range(10))


# ------------------------------------------------------------------------------------------ CIFAR-100
def test_cifar100_pickles_are_in_the_real_format(data):
    from mmpretrain.datasets.categories import CIFAR100_CATEGORIES
    base = osp.join(data['cifar100']['data_root'], 'cifar-100-python')
    raw = open(osp.join(base, 'train'), 'rb').read()
    as_bytes = pickle.loads(raw, encoding='bytes')
    assert set(as_bytes) == {b'data', b'fine_labels', b'coarse_labels', b'filenames', b'batch_label'}
    as_str = pickle.loads(raw, encoding='latin1')
    assert set(as_str) == {'data', 'fine_labels', 'coarse_labels', 'filenames', 'batch_label'}
    assert as_bytes[b'data'].dtype == np.uint8 and as_bytes[b'data'].shape == (60, 3072)
    assert np.array_equal(as_bytes[b'data'], as_str['data'])
    assert set(as_str['fine_labels']) == set(range(10)) and as_str['batch_label'] == 'training batch 1 of 1'
    meta = pickle.load(open(osp.join(base, 'meta'), 'rb'), encoding='latin1')
    assert tuple(meta['fine_label_names']) == CIFAR100_CATEGORIES == CIFAR100_FINE_NAMES
    assert len(meta['coarse_label_names']) == 20
    assert meta['coarse_label_names'][as_str['coarse_labels'][as_str['fine_labels'].index(0)]] == \
        'fruit_and_vegetables'  # apple


def test_cifar100_local_loads_without_md5_or_download(data, monkeypatch):
    import mmpretrain.datasets.cifar as mm_cifar
    from mmpretrain.registry import DATASETS

    def forbidden(*args, **kwargs):
        raise AssertionError('CIFAR100Local must not check md5 or download')

    monkeypatch.setattr(mm_cifar, 'download_and_extract_archive', forbidden)
    monkeypatch.setattr(mm_cifar, 'check_md5', forbidden)
    root = data['cifar100']['data_root']
    cfg = base_cfg('mmpretrain', 'cifar100_bs16.py')
    assert cfg.train_dataloader.dataset.type == 'CIFAR100'  # the stock type; we swap it
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        train = DATASETS.build(dict(cfg.train_dataloader.dataset, type='CIFAR100Local', data_root=root))
        test = DATASETS.build(dict(cfg.val_dataloader.dataset, type='CIFAR100Local', data_root=root))
    assert isinstance(train, CIFAR100Local) and len(train) == 60 and len(test) == 20
    assert len(train.CLASSES) == 100
    entry = pickle.load(open(osp.join(root, 'cifar-100-python', 'test'), 'rb'), encoding='latin1')
    info = test.get_data_info(5)
    assert info['gt_label'] == entry['fine_labels'][5]
    assert np.array_equal(info['img'], entry['data'][5].reshape(3, 32, 32).transpose(1, 2, 0))
    out = train[0]
    assert tuple(out['inputs'].shape) == (3, 32, 32)


def test_cifar100_local_reads_python3_pickles_with_bytes_keys(tmp_path):
    base = tmp_path / 'cifar-100-python'
    base.mkdir()
    data = np.arange(2 * 3072, dtype=np.uint8).reshape(2, 3072)
    for split in ('train', 'test'):
        pickle.dump({b'data': data, b'fine_labels': [3, 7], b'coarse_labels': [8, 7],
                     b'filenames': [b'a', b'b'],
                     b'batch_label': b'x'}, open(base / split, 'wb'), protocol=2)
    pickle.dump({b'fine_label_names': [n.encode() for n in CIFAR100_FINE_NAMES]}, open(base / 'meta', 'wb'))
    ds = CIFAR100Local(data_root=str(tmp_path), split='test', metainfo=dict(classes=None))
    assert [ds.get_data_info(i)['gt_label'] for i in range(2)] == [3, 7]
    assert ds.CLASSES == CIFAR100_FINE_NAMES


def test_cifar100_local_missing_files_one_line_error(tmp_path, monkeypatch):
    import mmpretrain.datasets.cifar as mm_cifar
    monkeypatch.setattr(mm_cifar, 'download_and_extract_archive',
                        lambda *a, **k: (_ for _ in ()).throw(AssertionError('downloaded')))
    root = str(tmp_path / 'cifar100')
    with pytest.raises(FileNotFoundError) as err:
        CIFAR100Local(data_root=root, split='train')
    msg = str(err.value)
    assert '\n' not in msg
    assert 'cifar-100-python/{train,test,meta}' in msg and 'cifar-100-python/train' in msg
    assert f'make_datasets.py cifar100 --out {tmp_path}' in msg and 'never downloads' in msg


# -------------------------------------------------------------------------------------- layout checker
def test_check_layout_accepts_generated_roots(data):
    for kind, key in (('coco', 'coco'), ('voc', 'voc'), ('voc_aug', 'voc'), ('cityscapes', 'cityscapes'),
                      ('imagenet', 'imagenet'), ('cifar100', 'cifar100')):
        assert layout_problem(kind, data[key]['data_root']) is None
        check_layout(kind, data[key]['data_root'])


def test_check_layout_messages_for_wrong_roots(data, tmp_path):
    root = data['root']
    # one level too high: names what is missing and the directory that has the layout
    with pytest.raises(FileNotFoundError) as err:
        check_layout('coco', root)
    msg = str(err.value)
    assert '\n' not in msg and 'annotations/instances_train2017.json' in msg and 'train2017/' in msg
    assert f"did you mean data_root='{osp.join(root, 'coco')}'" in msg
    msg = layout_problem('voc_aug', root)
    assert "did you mean data_root='" + osp.join(root, 'VOCdevkit/VOC2012') + "'" in msg
    msg = layout_problem('cifar100', osp.join(root, 'cifar100', 'cifar-100-python'))
    assert 'cifar-100-python/train' in msg and f"did you mean data_root='{osp.join(root, 'cifar100')}'" in msg
    # non-existent root
    msg = layout_problem('cityscapes', str(tmp_path / 'nowhere' / 'cityscapes'))
    assert 'does not exist' in msg and 'leftImg8bit' in msg and 'make_datasets.py cityscapes --out' in msg
    # voc ok but not voc_aug
    (tmp_path / 'v').mkdir()
    for d in ('JPEGImages', 'SegmentationClass'):
        (tmp_path / 'v' / d).mkdir()
        (tmp_path / 'v' / d / 'x').write_text('')
    (tmp_path / 'v' / 'ImageSets' / 'Segmentation').mkdir(parents=True)
    for n in ('train', 'val'):
        (tmp_path / 'v' / 'ImageSets' / 'Segmentation' / f'{n}.txt').write_text('x\n')
    assert layout_problem('voc', str(tmp_path / 'v')) is None
    assert 'SegmentationClassAug/' in layout_problem('voc_aug', str(tmp_path / 'v'))
    with pytest.raises(ValueError, match='known kinds'):
        layout_problem('kitti', root)


def test_layout_hint_points_at_the_standard_layout_nearby(data, tmp_path):
    root = data['root']
    coco = osp.normpath(data['coco']['data_root'])
    # from a missing file one level too high, from the directory itself, from a custom sibling
    for path in (osp.join(root, 'annotations', 'instances_train2017.json'), coco,
                 osp.join(root, 'mine', 'annotations', 'train.json')):
        assert find_layout('coco', path) == coco
    hint = layout_hint('coco', osp.join(root, 'annotations', 'train.json'))
    assert hint.startswith(f'a directory nearby has the standard coco layout: {coco!r}')
    assert hint.endswith('python tools/data/make_datasets.py coco --out DIR (writes DIR/coco)')
    assert find_layout('voc_aug', root) == osp.join(root, 'VOCdevkit', 'VOC2012')
    assert find_layout('coco', str(tmp_path / 'elsewhere' / 'x.json')) is None
    assert layout_hint('coco', 'data/coco/annotations/x.json', 'data/coco/').endswith(
        'python tools/data/make_datasets.py coco --out data')
    assert layout_hint('voc', 'x', 'VOCdevkit/VOC2012/').endswith('make_datasets.py voc --out .')
    assert layout_hint('cityscapes', str(tmp_path)).startswith(
        'to generate small data in the standard cityscapes layout: python tools/data/make_datasets.py')


# ------------------------------------------------------------------------------------ overwrite policy
def _cli():
    path = osp.join(osp.dirname(__file__), '..', '..', 'tools', 'data', 'make_datasets.py')
    spec = importlib.util.spec_from_file_location('_make_datasets_cli', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_refuses_to_overwrite_and_overwrite_keeps_foreign_files(tmp_path, capsys):
    root = str(tmp_path / 'coco')
    make_coco(root, num_train=4, num_val=1)
    with pytest.raises(FileExistsError, match='refusing to write .*non-empty'):
        make_coco(root, num_train=4, num_val=1)
    user_file = tmp_path / 'coco' / 'train2017' / 'mine.jpg'
    user_file.write_bytes(b'not generated')
    make_coco(root, num_train=2, num_val=1, overwrite=True)
    assert user_file.read_bytes() == b'not generated'
    assert sorted(os.listdir(tmp_path / 'coco' / 'train2017')) == ['000000000001.jpg', '000000000002.jpg',
                                                                    'mine.jpg']
    # a non-empty directory that the generator never wrote is refused too
    (tmp_path / 'cityscapes').mkdir()
    (tmp_path / 'cityscapes' / 'README').write_text('real data')
    cli = _cli()
    assert cli.main(['cityscapes', '--out', str(tmp_path), '--num-train', '1', '--num-val', '1']) == 1
    assert 'refusing' in capsys.readouterr().err
    assert os.listdir(tmp_path / 'cityscapes') == ['README']
    assert cli.main(['cifar100', '--out', str(tmp_path), '--num-train', '10', '--num-val', '5']) == 0
    assert 'cifar100' in capsys.readouterr().out
    assert layout_problem('cifar100', str(tmp_path / 'cifar100')) is None


@pytest.mark.slow
def test_default_coco_generation_is_fast(tmp_path):
    t0 = time.time()
    s = make_coco(str(tmp_path / 'coco'))
    assert s['images'] == dict(train=240, val=60)
    assert time.time() - t0 < 20
