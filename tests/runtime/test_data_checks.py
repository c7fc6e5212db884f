"""The data check (``attn_plugins.runtime.data_checks.check_data``) against the libraries themselves.

Every case is a dataset config that the real library class builds under its scope from small files
made here (the project's generator, renamed into custom layouts, plus a hand-written mmdet VOC set).
"The library accepts it" means: ``DATASETS.build`` succeeds and the first and last samples load through
the config's pipeline. For each case: the library accepts it <=> the check passes, and where it does
not, the check's error is one line naming the missing path.
"""
import copy
import os
import os.path as osp
import shutil

import pytest
from mmengine.config import Config
from PIL import Image

from attn_plugins.data import make_cifar100, make_cityscapes, make_coco, make_imagenet, make_voc
from attn_plugins.runtime.common import ToolError
from attn_plugins.runtime.data_checks import _leaves, check_data, dataset_needs

DET = [dict(type='LoadImageFromFile'), dict(type='LoadAnnotations', with_bbox=True)]
SEG = [dict(type='LoadImageFromFile'), dict(type='LoadAnnotations')]
CLS = [dict(type='LoadImageFromFile')]


def _copy(src, dst):
    os.makedirs(osp.dirname(dst), exist_ok=True)
    (shutil.copytree if osp.isdir(src) else shutil.copy)(src, dst)


def _mmdet_voc(root, names):
    """A VOC2007-style detection set (mmdet ``VOCDataset``): JPEGImages/, Annotations/*.xml and
    ImageSets/Main/trainval.txt, from the given JPEG files."""
    for sub in ('JPEGImages', 'Annotations', 'ImageSets/Main'):
        os.makedirs(osp.join(root, sub), exist_ok=True)
    ids = []
    for i, src in enumerate(names):
        img_id = f'{i:06d}'
        ids.append(img_id)
        shutil.copy(src, osp.join(root, 'JPEGImages', f'{img_id}.jpg'))
        w, h = Image.open(src).size
        with open(osp.join(root, 'Annotations', f'{img_id}.xml'), 'w') as f:
            f.write(f'<annotation><size><width>{w}</width><height>{h}</height><depth>3</depth></size>'
                    '<object><name>dog</name><difficult>0</difficult><bndbox><xmin>2</xmin>'
                    '<ymin>2</ymin><xmax>20</xmax><ymax>20</ymax></bndbox></object></annotation>')
    with open(osp.join(root, 'ImageSets', 'Main', 'trainval.txt'), 'w') as f:
        f.write('\n'.join(ids) + '\n')


@pytest.fixture(scope='module')
def d(tmp_path_factory):
    """Paths of the small datasets (standard, custom-named and one-split copies)."""
    root = str(tmp_path_factory.mktemp('data'))
    p = dict(root=root)
    p['coco'] = coco = osp.join(root, 'coco')
    make_coco(coco, num_train=2, num_val=2)
    p['mine'] = mine = osp.join(root, 'mine')  # annotations/train.json + images/
    _copy(osp.join(coco, 'annotations', 'instances_train2017.json'),
          osp.join(mine, 'annotations', 'train.json'))
    _copy(osp.join(coco, 'train2017'), osp.join(mine, 'images'))
    p['coco_val'] = val = osp.join(root, 'coco_val')  # the usual evaluation download
    _copy(osp.join(coco, 'annotations', 'instances_val2017.json'),
          osp.join(val, 'annotations', 'instances_val2017.json'))
    _copy(osp.join(coco, 'val2017'), osp.join(val, 'val2017'))

    make_voc(root, num_train=2, num_val=2, num_aug=2)
    p['voc'] = voc = osp.join(root, 'VOCdevkit', 'VOC2012')
    p['myvoc'] = myvoc = osp.join(root, 'myvoc')  # imgs/, masks/, lists/tr.txt
    _copy(osp.join(voc, 'JPEGImages'), osp.join(myvoc, 'imgs'))
    _copy(osp.join(voc, 'SegmentationClass'), osp.join(myvoc, 'masks'))
    _copy(osp.join(voc, 'ImageSets', 'Segmentation', 'train.txt'), osp.join(myvoc, 'lists', 'tr.txt'))
    jpgs = sorted(osp.join(voc, 'JPEGImages', n) for n in os.listdir(osp.join(voc, 'JPEGImages')))
    p['voc07'] = osp.join(root, 'VOCdevkit', 'VOC2007')
    _mmdet_voc(p['voc07'], jpgs[:2])
    p['mydet'] = osp.join(root, 'mydet')  # pics/, xml/, lists/mine.txt
    _mmdet_voc(p['mydet'], jpgs[:2])
    for a, b in (('JPEGImages', 'pics'), ('Annotations', 'xml'), ('ImageSets/Main', 'lists')):
        os.rename(osp.join(p['mydet'], a), osp.join(p['mydet'], b))
    os.rename(osp.join(p['mydet'], 'lists', 'trainval.txt'), osp.join(p['mydet'], 'lists', 'mine.txt'))

    p['city'] = city = osp.join(root, 'cityscapes')
    make_cityscapes(city, num_train=2, num_val=1)
    p['city_val'] = osp.join(root, 'city_val')
    for sub in ('leftImg8bit/val', 'gtFine/val'):
        _copy(osp.join(city, sub), osp.join(p['city_val'], sub))

    p['imagenet'] = inet = osp.join(root, 'imagenet')
    make_imagenet(inet, num_classes=2, train_per_class=1, val_per_class=1)
    p['in_custom'] = osp.join(root, 'in_custom')  # images/train + meta/train.txt
    _copy(osp.join(inet, 'train'), osp.join(p['in_custom'], 'images', 'train'))
    _copy(osp.join(inet, 'meta', 'train.txt'), osp.join(p['in_custom'], 'meta', 'train.txt'))
    p['in_val'] = osp.join(root, 'in_val')  # val only
    _copy(osp.join(inet, 'val'), osp.join(p['in_val'], 'val'))
    _copy(osp.join(inet, 'meta', 'val.txt'), osp.join(p['in_val'], 'meta', 'val.txt'))

    p['cifar'] = osp.join(root, 'cifar100')
    make_cifar100(p['cifar'], num_train=10, num_test=5, num_classes=2)
    return p


def _coco(root, ann='annotations/train.json', img='images/', pipeline=DET, **kw):
    return dict(type='CocoDataset', data_root=root, ann_file=ann, data_prefix=dict(img=img),
                pipeline=pipeline, **kw)


def _voc_seg(root, ann='ImageSets/Segmentation/train.txt', img='JPEGImages',
             seg='SegmentationClass'):
    return dict(type='PascalVOCDataset', data_root=root, ann_file=ann,
                data_prefix=dict(img_path=img, seg_map_path=seg), pipeline=SEG)


def _city(root, split='train', **kw):
    return dict(type='CityscapesDataset', data_root=root, pipeline=SEG,
                data_prefix=dict(img_path=f'leftImg8bit/{split}', seg_map_path=f'gtFine/{split}'), **kw)


def _j(*parts):
    return osp.join(*parts)


# (id, scope, dataset config from the paths, None if the library accepts it else the missing path)
CASES = [
    # ---- COCO (mmdet)
    ('coco-standard', 'mmdet', lambda d: _coco(d['coco'], 'annotations/instances_train2017.json',
                                               'train2017/'), None),
    ('coco-custom-names', 'mmdet', lambda d: _coco(d['mine']), None),
    ('coco-absolute-root-empty', 'mmdet', lambda d: _coco(
        '', _j(d['mine'], 'annotations/train.json'), _j(d['mine'], 'images/')), None),
    ('coco-absolute-root-none', 'mmdet', lambda d: _coco(
        None, _j(d['mine'], 'annotations/train.json'), _j(d['mine'], 'images/')), None),
    ('coco-val-only', 'mmdet', lambda d: _coco(d['coco_val'], 'annotations/instances_val2017.json',
                                               'val2017/', test_mode=True), None),
    ('coco-ann-typo', 'mmdet', lambda d: _coco(d['mine'], 'annotations/trian.json'),
     'annotations/trian.json'),
    ('coco-image-folder-typo', 'mmdet', lambda d: _coco(d['mine'], img='imgs/'), "mine/imgs/'"),
    ('coco-root-typo', 'mmdet', lambda d: _coco(d['mine'] + '2'), "mine2' does not exist"),
    ('coco-train-split-of-val-only-set', 'mmdet', lambda d: _coco(
        d['coco_val'], 'annotations/instances_train2017.json', 'train2017/'),
     'instances_train2017.json'),
    ('coco-no-image-loading', 'mmdet', lambda d: _coco(d['mine'], img='imgs/', pipeline=[]), None),
    ('coco-repeat', 'mmdet', lambda d: dict(type='RepeatDataset', times=2, dataset=_coco(d['mine'])),
     None),
    ('coco-repeat-typo', 'mmdet', lambda d: dict(type='RepeatDataset', times=2, dataset=_coco(
        d['mine'], 'annotations/nope.json')), 'nope.json'),
    ('coco-concat', 'mmdet', lambda d: dict(type='ConcatDataset', datasets=[
        _coco(d['coco'], 'annotations/instances_train2017.json', 'train2017/'), _coco(d['mine'])]),
     None),
    ('coco-concat-second-bad', 'mmdet', lambda d: dict(type='ConcatDataset', datasets=[
        _coco(d['mine']), _coco(d['mine'], img='pictures/')]), "mine/pictures/'"),
    ('coco-class-balanced', 'mmdet', lambda d: dict(
        type='ClassBalancedDataset', oversample_thr=0.5, dataset=_coco(d['mine'])), None),
    ('coco-multi-image-mix', 'mmdet', lambda d: dict(
        type='MultiImageMixDataset', dataset=_coco(d['mine']), pipeline=[]), None),
    ('coco-multi-image-mix-typo', 'mmdet', lambda d: dict(
        type='MultiImageMixDataset', dataset=_coco(d['mine'], img='images2/'), pipeline=[]),
     "mine/images2/'"),
    # ---- VOC detection (mmdet VOCDataset: ann_file lists ids, sub_data_root)
    ('voc-det-standard', 'mmdet', lambda d: dict(
        type='VOCDataset', data_root=_j(d['root'], 'VOCdevkit'), pipeline=DET,
        ann_file='VOC2007/ImageSets/Main/trainval.txt', data_prefix=dict(sub_data_root='VOC2007/')),
     None),
    ('voc-det-custom-names', 'mmdet', lambda d: dict(
        type='VOCDataset', data_root=d['mydet'], ann_file='lists/mine.txt', img_subdir='pics',
        ann_subdir='xml', data_prefix=dict(sub_data_root=''), pipeline=DET), None),
    ('voc-det-absolute', 'mmdet', lambda d: dict(
        type='VOCDataset', data_root='', ann_file=_j(d['mydet'], 'lists/mine.txt'),
        img_subdir='pics', ann_subdir='xml', data_prefix=dict(sub_data_root=d['mydet']),
        pipeline=DET), None),
    ('voc-det-xml-folder-missing', 'mmdet', lambda d: dict(
        type='VOCDataset', data_root=d['mydet'], ann_file='lists/mine.txt', img_subdir='pics',
        data_prefix=dict(sub_data_root=''), pipeline=DET), "mydet/Annotations'"),
    ('voc-det-split-missing', 'mmdet', lambda d: dict(
        type='VOCDataset', data_root=_j(d['root'], 'VOCdevkit'), pipeline=DET,
        ann_file='VOC2007/ImageSets/Main/test.txt', data_prefix=dict(sub_data_root='VOC2007/')),
     'test.txt'),
    # ---- VOC segmentation and VOC-aug (mmseg)
    ('voc-seg-standard', 'mmseg', lambda d: _voc_seg(d['voc']), None),
    ('voc-aug-concat', 'mmseg', lambda d: dict(type='ConcatDataset', datasets=[
        _voc_seg(d['voc']),
        _voc_seg(d['voc'], 'ImageSets/Segmentation/aug.txt', seg='SegmentationClassAug')]), None),
    ('voc-seg-custom-names', 'mmseg', lambda d: _voc_seg(d['myvoc'], 'lists/tr.txt', 'imgs', 'masks'),
     None),
    ('voc-seg-absolute-root-none', 'mmseg', lambda d: dict(
        _voc_seg(None, _j(d['myvoc'], 'lists/tr.txt'), _j(d['myvoc'], 'imgs'),
                 _j(d['myvoc'], 'masks'))), None),
    ('voc-aug-split-missing', 'mmseg', lambda d: dict(type='ConcatDataset', datasets=[
        _voc_seg(d['voc']),
        _voc_seg(d['voc'], 'ImageSets/Segmentation/aug2.txt', seg='SegmentationClassAug')]),
     'aug2.txt'),
    ('voc-aug-maps-missing', 'mmseg', lambda d: _voc_seg(
        d['voc'], 'ImageSets/Segmentation/aug.txt', seg='SegmentationClassAgu'),
     'SegmentationClassAgu'),
    ('voc-seg-images-missing', 'mmseg', lambda d: _voc_seg(d['myvoc'], 'lists/tr.txt', 'images', 'masks'),
     "myvoc/images'"),
    ('pascal-context-no-pipeline', 'mmseg', lambda d: dict(
        type='PascalContextDataset', data_root=d['myvoc'], ann_file='lists/tr.txt',
        data_prefix=dict(img_path='imgs', seg_map_path='masks')), None),
    ('pascal-context-images-missing', 'mmseg', lambda d: dict(  # asserted at build time
        type='PascalContextDataset', data_root=d['myvoc'], ann_file='lists/tr.txt',
        data_prefix=dict(img_path='pics', seg_map_path='masks')), "myvoc/pics'"),
    # ---- Cityscapes (mmseg)
    ('cityscapes-train', 'mmseg', lambda d: _city(d['city']), None),
    ('cityscapes-val-only', 'mmseg', lambda d: _city(d['city_val'], 'val'), None),
    ('cityscapes-train-of-val-only-set', 'mmseg', lambda d: _city(d['city_val']), 'leftImg8bit/train'),
    ('cityscapes-absolute', 'mmseg', lambda d: dict(
        type='CityscapesDataset', data_root=None, pipeline=SEG,
        data_prefix=dict(img_path=_j(d['city'], 'leftImg8bit/val'),
                         seg_map_path=_j(d['city'], 'gtFine/val'))), None),
    ('cityscapes-maps-missing', 'mmseg', lambda d: dict(
        _city(d['city']), data_prefix=dict(img_path='leftImg8bit/train', seg_map_path='gtFine/trian')),
     'gtFine/trian'),
    # ---- ImageNet (mmpretrain)
    ('imagenet-standard', 'mmpretrain', lambda d: dict(
        type='ImageNet', data_root=d['imagenet'], split='train', pipeline=CLS), None),
    ('imagenet-images-train-meta', 'mmpretrain', lambda d: dict(
        type='ImageNet', data_root=d['in_custom'], data_prefix='images/train',
        ann_file='meta/train.txt', pipeline=CLS), None),
    ('imagenet-split-with-custom-prefix', 'mmpretrain', lambda d: dict(
        type='ImageNet', data_root=d['in_custom'], split='train', data_prefix='images/train',
        pipeline=CLS), None),
    ('imagenet-val-only', 'mmpretrain', lambda d: dict(
        type='ImageNet', data_root=d['in_val'], split='val', pipeline=CLS), None),
    ('imagenet-train-of-val-only-set', 'mmpretrain', lambda d: dict(
        type='ImageNet', data_root=d['in_val'], split='train', ann_file='meta/val.txt',
        pipeline=CLS), "in_val/train'"),
    ('imagenet-meta-missing', 'mmpretrain', lambda d: dict(
        type='ImageNet', data_root=d['in_custom'], data_prefix='images/train',
        ann_file='meta/training.txt', pipeline=CLS), 'meta/training.txt'),
    # ---- CIFAR (mmpretrain; attn_plugins' CIFAR100Local reads the synthetic pickles)
    ('cifar-local-train', 'mmpretrain', lambda d: dict(
        type='CIFAR100Local', data_root=d['cifar'], split='train'), None),
    ('cifar-local-test-prefix', 'mmpretrain', lambda d: dict(
        type='CIFAR100Local', data_root=d['root'], data_prefix='cifar100', split='test'), None),
    ('cifar-local-missing', 'mmpretrain', lambda d: dict(
        type='CIFAR100Local', data_root=_j(d['root'], 'cifar10'), split='test'),
     "cifar10' does not exist"),
    ('cifar-no-download-missing', 'mmpretrain', lambda d: dict(
        type='CIFAR100', data_root=d['cifar'], data_prefix='nothing-here', split='test',
        download=False), 'nothing-here/cifar-100-python/'),
    # ---- mmpretrain CustomDataset
    ('custom-class-folders', 'mmpretrain', lambda d: dict(
        type='CustomDataset', data_root='', data_prefix=_j(d['imagenet'], 'train'), pipeline=CLS),
     None),
    ('custom-ann-list', 'mmpretrain', lambda d: dict(
        type='CustomDataset', data_root=d['in_custom'], ann_file='meta/train.txt',
        data_prefix=dict(img_path='images/train'), pipeline=CLS), None),
    ('custom-repeat-root-none', 'mmpretrain', lambda d: dict(type='RepeatDataset', times=3, dataset=dict(
        type='CustomDataset', data_root=None, data_prefix=_j(d['imagenet'], 'val'), pipeline=CLS)),
     None),
    ('custom-folder-missing', 'mmpretrain', lambda d: dict(
        type='CustomDataset', data_root=d['in_custom'], data_prefix='images/val', pipeline=CLS),
     'images/val'),
    ('custom-concat-ann-missing', 'mmpretrain', lambda d: dict(type='ConcatDataset', datasets=[dict(
        type='CustomDataset', data_root=d['in_custom'], ann_file='meta/val.txt',
        data_prefix='images/train', pipeline=CLS)]), 'meta/val.txt'),
]


def library_error(scope, ds_cfg):
    """``None`` if the library builds the dataset and loads its first and last samples, else the
    exception it raised."""
    from mmengine.registry import DATASETS, DefaultScope
    with DefaultScope.overwrite_default_scope(scope):
        try:
            ds = DATASETS.build(copy.deepcopy(ds_cfg))
            for i in sorted({0, len(ds) - 1}):
                ds[i]
        except Exception as e:  # noqa: BLE001  (whatever the library raises is the answer)
            return e
    return None


def check_error(scope, ds_cfg, field='train_dataloader', **extra):
    cfg = Config({'default_scope': scope, field: dict(batch_size=1, dataset=copy.deepcopy(ds_cfg)),
                  **extra})
    try:
        check_data(cfg, [field])
    except ToolError as e:
        return str(e)
    return None


@pytest.mark.parametrize('name,scope,make,missing', CASES, ids=[c[0] for c in CASES])
def test_check_agrees_with_the_library(d, name, scope, make, missing):
    ds_cfg = make(d)
    for _, leaf, pipelines in _leaves(ds_cfg, 'dataset', ()):  # the check reads every leaf
        assert dataset_needs(leaf, scope, pipelines), leaf
    lib, msg = library_error(scope, ds_cfg), check_error(scope, ds_cfg)
    assert (lib is None) == (missing is None), f'library: {lib!r}'
    assert (msg is None) == (lib is None), f'library: {lib!r}; check: {msg}'
    if missing is not None:
        assert '\n' not in msg and missing in msg, msg
        assert msg.startswith('train_dataloader.dataset'), msg


def test_message_names_the_path_the_root_and_a_nearby_standard_layout(d):
    msg = check_error('mmdet', _coco(d['root'], 'annotations/instances_train2017.json',
                                     'train2017/'))
    path = _j(d['root'], 'annotations/instances_train2017.json')
    assert msg.startswith(f"train_dataloader.dataset: annotation file {path!r} not found "
                          f"(ann_file='annotations/instances_train2017.json', data_root="), msg
    assert f"a directory nearby has the standard coco layout: {d['coco']!r}" in msg
    assert 'python tools/data/make_datasets.py coco --out DIR' in msg
    assert msg.endswith('fix the path in the config (or with --cfg-options) or pass --skip-data-check')
    msg = check_error('mmdet', _coco(_j(d['root'], 'nowhere')))
    assert f"data_root {_j(d['root'], 'nowhere')!r} does not exist" in msg, msg
    wrapped = check_error('mmseg', dict(type='ConcatDataset', datasets=[
        _voc_seg(d['voc']), _voc_seg(d['voc'], 'ImageSets/Segmentation/aug.txt', seg='Nope')]))
    assert wrapped.startswith('train_dataloader.dataset.datasets[1]: segmentation map folder '), wrapped


def test_only_the_evaluator_of_the_split_in_use(d):
    """test.py checks the test split and its CocoMetric ann_file; a val-only download passes."""
    ann = _j(d['coco_val'], 'annotations', 'instances_val2017.json')
    ds_cfg = _coco(d['coco_val'], 'annotations/instances_val2017.json', 'val2017/', test_mode=True)
    missing_train = _coco(d['coco_val'], 'annotations/instances_train2017.json', 'train2017/')
    metric = dict(type='CocoMetric', ann_file=ann, metric='bbox')
    assert check_error('mmdet', ds_cfg, 'test_dataloader', test_evaluator=metric,
                       train_dataloader=dict(dataset=missing_train)) is None
    bad = dict(metric, ann_file=ann.replace('val2017.json', 'test2017.json'))
    msg = check_error('mmdet', ds_cfg, 'test_dataloader', test_evaluator=[bad])
    assert msg.startswith('test_evaluator[0]: annotation file ') and 'test2017.json' in msg, msg
    assert check_error('mmdet', ds_cfg, 'val_dataloader', val_evaluator=bad) is not None
    # the evaluator of another split is not looked at
    assert check_error('mmdet', ds_cfg, 'test_dataloader', val_evaluator=bad) is None


@pytest.mark.parametrize('ds_cfg', [
    dict(type='NoSuchDataset', data_root='/nowhere', ann_file='x.json'),  # the library reports it
    dict(type='CocoDataset', data_root='s3://bucket/coco/', ann_file='annotations/x.json',
         data_prefix=dict(img='train2017/'), pipeline=DET),
    dict(type='CocoDataset', data_root='/nowhere', ann_file='x.json', pipeline=DET,
         backend_args=dict(backend='petrel')),
    dict(type='CocoDataset', data_root='/nowhere', ann_file='x.json', lazy_init=True),
], ids=['unknown-type', 'remote-root', 'remote-backend', 'lazy-init'])
def test_what_the_check_does_not_understand_passes_through(ds_cfg):
    assert check_error('mmdet', ds_cfg) is None


def test_self_downloading_cifar_passes(tmp_path):
    cfg = dict(type='CIFAR10', data_root=str(tmp_path / 'cifar10'), split='train')
    assert check_error('mmpretrain', cfg) is None  # mmpretrain's CIFAR10 downloads by default
    msg = check_error('mmpretrain', dict(cfg, download=False))
    assert "cifar10' does not exist" in msg and 'cifar10/cifar-10-batches-py/data_batch_1' in msg


def test_a_subclass_that_reads_paths_its_own_way_passes_through(d):
    from mmdet.datasets import CocoDataset
    from mmdet.registry import DATASETS

    class MyCoco(CocoDataset):  # reads its annotations from elsewhere
        def load_data_list(self):
            return []

    DATASETS.register_module('_DataCheckMyCoco', module=MyCoco, force=True)
    assert check_error('mmdet', dict(type='_DataCheckMyCoco', data_root=d['root'],
                                     ann_file='not/there.json', pipeline=DET)) is None


# ---------------------------------------------------------------------------------------------
# through the real tools: a custom-layout COCO that used to be refused, one split only, a miss
# ---------------------------------------------------------------------------------------------
REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEMO = 'configs/demo/eca_retinanet_shapes_cpu.py'


def _train_opts(root, ann='annotations/train.json'):
    """Train the demo detector for one iteration on ``root`` (annotations/train.json + images/);
    its val split keeps the config's data/coco/, which does not exist here."""
    return ['--cfg-options', f'train_dataloader.dataset.data_root={osp.join(root, "")}',
            f'train_dataloader.dataset.ann_file={ann}', 'train_dataloader.dataset.data_prefix.img=images/',
            'train_dataloader.batch_size=2', 'train_dataloader.num_workers=0', 'train_cfg.max_epochs=1',
            'default_hooks.logger.interval=1']


def _error_line(err):
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and 'Traceback' not in err, err
    return lines[0]


def _test_argv(d, ckpt, work):
    val = osp.join(d['coco_val'], '')
    return [DEMO, ckpt, '--work-dir', work, '--cfg-options', f'test_dataloader.dataset.data_root={val}',
            'test_dataloader.num_workers=0',
            f'test_evaluator.ann_file={val}annotations/instances_val2017.json']


def _subprocess(script, argv):
    import subprocess
    import sys
    env = dict(os.environ, PYTHONPATH=REPO, OMP_NUM_THREADS='1')
    env.pop('ATTN_PLUGINS_DEBUG', None)
    return subprocess.run([sys.executable, script, *argv], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=600)


def test_tools_train_on_custom_layout_then_test_on_a_val_only_download(d, tmp_path, monkeypatch):
    """train.py's entry point on annotations/train.json + images/ with validation off (the
    config's val data do not exist), then test.py's on a directory that has only val2017."""
    from attn_plugins import runtime
    monkeypatch.chdir(REPO)
    work = str(tmp_path / 'work')
    assert runtime.train_main([DEMO, '--work-dir', work, '--no-validate', *_train_opts(d['mine'])]) == 0
    ckpt = osp.join(work, 'epoch_1.pth')
    assert runtime.test_main(_test_argv(d, ckpt, str(tmp_path / 'test'))) == 0


@pytest.mark.slow
def test_real_scripts_on_custom_layout_val_only_and_a_miss(d, tmp_path):
    """The same through tools/train.py and tools/test.py in subprocesses, and a miss: stderr is
    one ``error:`` line, exit code 1."""
    work = str(tmp_path / 'work')
    proc = _subprocess('tools/train.py', [DEMO, '--work-dir', work, '--no-validate',
                                          *_train_opts(d['mine'])])
    assert proc.returncode == 0, proc.stderr[-3000:]
    proc = _subprocess('tools/test.py', _test_argv(d, osp.join(work, 'epoch_1.pth'),
                                                   str(tmp_path / 'test')))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'Epoch(test) [1/1]' in proc.stdout  # the val-only set was read (the 1-iteration
    # detector predicts nothing, so CocoMetric reports an empty result)
    proc = _subprocess('tools/train.py', [DEMO, '--work-dir', str(tmp_path / 'w'), '--no-validate',
                                          *_train_opts(d['mine'], 'annotations/trian.json')])
    assert proc.returncode == 1
    line = _error_line(proc.stderr)
    assert line.startswith('train.py: error: train_dataloader.dataset: annotation file ') and \
        'trian.json' in line, line


def test_tools_train_missing_path_is_one_line_and_skip_data_check_hands_over(d, tmp_path, capsys,
                                                                             monkeypatch):
    from attn_plugins import runtime
    monkeypatch.chdir(REPO)
    work = str(tmp_path / 'w')
    argv = [DEMO, '--work-dir', work, '--no-validate', *_train_opts(d['mine'], 'annotations/trian.json')]
    assert runtime.train_main(argv) == 1
    line = _error_line(capsys.readouterr().err)
    path = osp.join(d['mine'], 'annotations', 'trian.json')
    assert line.startswith(f'train.py: error: train_dataloader.dataset: annotation file {path!r} '
                           'not found'), line
    assert not osp.exists(work)  # refused before anything was built or written
    # without the check the library meets the same miss and the tool reports its error instead
    assert runtime.train_main(argv + ['--skip-data-check']) == 1
    line = _error_line(capsys.readouterr().err)
    assert line.startswith('train.py: error: ') and 'trian.json' in line, line
    assert 'skip-data-check' not in line and 'train_dataloader.dataset:' not in line, line
