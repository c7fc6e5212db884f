"""The standard on-disk layouts of the base configs (and of the data ``tools/data/make_datasets.py``
writes): check a directory against one, find one near a path, word a hint.

    >>> check_layout('coco', 'data/coco/')            # raises FileNotFoundError(one line) if wrong
    >>> layout_problem('voc_aug', 'data/VOCdevkit/VOC2012')   # -> None or the message
    >>> layout_hint('coco', 'data/mine/annotations/train.json')  # -> '' or 'a directory nearby ...'

The standard layout is only the default of the base configs: the run-time data check
(:func:`attn_plugins.runtime.data_checks.check_data`) checks the paths a config names and uses
:func:`layout_hint` to word its message; it never demands this layout.

Standard library only (cheap to import).
"""
import os
import os.path as osp
from typing import List, Optional, Tuple

__all__ = ['KINDS', 'LAYOUTS', 'check_layout', 'layout_problem', 'kind_of_dataset', 'find_layout',
           'layout_hint']

# kind -> (required files, required non-empty dirs, one-line layout description, default data_root)
_REQUIRED = {
    'coco': (['annotations/instances_train2017.json', 'annotations/instances_val2017.json'],
             ['train2017', 'val2017'],
             '<data_root>/annotations/instances_{train,val}2017.json + <data_root>/{train,val}2017/*.jpg '
             "(mmdet coco_detection.py / coco_instance.py)", 'data/coco/'),
    'voc': (['ImageSets/Segmentation/train.txt', 'ImageSets/Segmentation/val.txt'],
            ['JPEGImages', 'SegmentationClass'],
            '<data_root>/{JPEGImages/*.jpg, SegmentationClass/*.png, ImageSets/Segmentation/{train,val}.txt} '
            'with data_root=<...>/VOCdevkit/VOC2012 (mmseg pascal_voc12.py)', 'data/VOCdevkit/VOC2012'),
    'voc_aug': (['ImageSets/Segmentation/train.txt', 'ImageSets/Segmentation/val.txt',
                 'ImageSets/Segmentation/aug.txt'],
                ['JPEGImages', 'SegmentationClass', 'SegmentationClassAug'],
                '<data_root>/{JPEGImages/*.jpg, SegmentationClass/*.png, SegmentationClassAug/*.png, '
                'ImageSets/Segmentation/{train,val,aug}.txt} with data_root=<...>/VOCdevkit/VOC2012 '
                '(mmseg pascal_voc12_aug.py)', 'data/VOCdevkit/VOC2012'),
    'cityscapes': ([], ['leftImg8bit/train', 'leftImg8bit/val', 'gtFine/train', 'gtFine/val'],
                   '<data_root>/leftImg8bit/{train,val}/<city>/*_leftImg8bit.png + '
                   '<data_root>/gtFine/{train,val}/<city>/*_gtFine_labelTrainIds.png (mmseg cityscapes.py)',
                   'data/cityscapes/'),
    'imagenet': ([], ['train', 'val'],
                 '<data_root>/{train,val}/<wnid>/*.JPEG (+ optional <data_root>/meta/{train,val}.txt '
                 '"<path> <label>" lines) (mmpretrain ImageNet, split=train/val)', 'data/imagenet'),
    'cifar100': (['cifar-100-python/train', 'cifar-100-python/test', 'cifar-100-python/meta'], [],
                 '<data_root>/cifar-100-python/{train,test,meta} python-version pickles '
                 '(mmpretrain CIFAR100 / attn_plugins CIFAR100Local)', 'data/cifar100'),
}
KINDS = tuple(_REQUIRED)
LAYOUTS = {k: v[2] for k, v in _REQUIRED.items()}
_ALIASES = {'coco_detection': 'coco', 'coco_instance': 'coco', 'pascal_voc12': 'voc',
            'pascal_voc12_aug': 'voc_aug', 'voc12': 'voc', 'voc12aug': 'voc_aug', 'in1k': 'imagenet',
            'cifar': 'cifar100', 'cifar-100': 'cifar100'}
# Where the dataset usually sits relative to a data_root that is one level off.
_NEAR = {'coco': ['coco'], 'voc': ['VOCdevkit/VOC2012', 'VOC2012'],
         'voc_aug': ['VOCdevkit/VOC2012', 'VOC2012'],
         'cityscapes': ['cityscapes'], 'imagenet': ['imagenet'], 'cifar100': ['cifar100']}
_GENERATOR_KIND = {'voc_aug': 'voc'}


def _norm_kind(kind: str) -> str:
    k = str(kind).lower()
    k = _ALIASES.get(k, k)
    if k not in _REQUIRED:
        raise ValueError(f'unknown dataset kind {kind!r}; known kinds: {", ".join(KINDS)}')
    return k


def _nonempty_dir(path: str) -> bool:
    if not osp.isdir(path):
        return False
    with os.scandir(path) as it:
        return any(True for _ in it)


def _missing(kind: str, data_root: str) -> List[str]:
    files, dirs, _, _ = _REQUIRED[kind]
    missing = [f for f in files if not osp.isfile(osp.join(data_root, f))]
    missing += [d + '/' for d in dirs if not _nonempty_dir(osp.join(data_root, d))]
    return missing


def _generator_out(kind: str, data_root: str) -> Optional[str]:
    """The ``--out`` of make_datasets.py that writes ``data_root`` itself, if its name is the
    generator's (``<out>/coco``, ``<out>/VOCdevkit/VOC2012``, ...); else ``None``."""
    root = str(data_root).rstrip('/\\')
    if not root:
        return None
    if kind in ('voc', 'voc_aug'):
        parts = root.replace('\\', '/').split('/')
        return ('/'.join(parts[:-2]) or '.') if parts[-2:] == ['VOCdevkit', 'VOC2012'] else None
    return (osp.dirname(root) or '.') if osp.basename(root) == _NEAR[kind][0] else None


def _generator_hint(kind: str, data_root: str) -> str:
    gen = _GENERATOR_KIND.get(kind, kind)
    out = _generator_out(kind, data_root)
    if out is None:
        return (f'python tools/data/make_datasets.py {gen} --out DIR writes a small synthetic copy to '
                f'DIR/{_NEAR[kind][0]}')
    return f'a small synthetic copy: python tools/data/make_datasets.py {gen} --out {out}'


def layout_problem(kind: str, data_root: str) -> Optional[str]:
    """``None`` if ``data_root`` has the layout of ``kind``, else a one-line message naming what is
    missing, the expected layout, a nearby directory that has it (if any) and how to generate data.
    Kinds: coco, voc, voc_aug, cityscapes, imagenet, cifar100 (aliases: coco_detection, coco_instance,
    pascal_voc12, pascal_voc12_aug)."""
    kind = _norm_kind(kind)
    data_root = str(data_root)
    if not data_root:
        return f'{kind}: data_root is empty; expected {LAYOUTS[kind]}'
    missing = _missing(kind, data_root)
    if not missing:
        return None
    if not osp.isdir(data_root):
        what = 'does not exist'
    else:
        what = 'is missing ' + ', '.join(missing)
    msg = f'{kind} data_root {data_root!r} {what}; expected {LAYOUTS[kind]}'
    stripped = data_root.rstrip('/\\')
    candidates = [osp.join(stripped, sub) for sub in _NEAR[kind]]
    candidates += [osp.dirname(stripped), osp.dirname(osp.dirname(stripped))]
    for cand in candidates:
        if (cand and osp.normpath(cand) != osp.normpath(stripped) and osp.isdir(cand)
                and not _missing(kind, cand)):
            msg += f"; did you mean data_root='{cand}'?"
            break
    return f'{msg}; {_generator_hint(kind, data_root)}'


def check_layout(kind: str, data_root: str) -> str:
    """Raise ``FileNotFoundError`` with :func:`layout_problem`'s one-line message if the layout is
    wrong; return ``data_root`` otherwise."""
    problem = layout_problem(kind, data_root)
    if problem:
        raise FileNotFoundError(problem)
    return data_root


# (not mmpretrain's CIFAR100: its md5 check rejects the generated copy)
_TYPE_KIND = {'CocoDataset': 'coco', 'PascalVOCDataset': 'voc', 'CityscapesDataset': 'cityscapes',
              'ImageNet': 'imagenet', 'CIFAR100Local': 'cifar100'}


def find_layout(kind: str, path: str, levels: int = 2) -> Optional[str]:
    """A directory at or near ``path`` that has the full standard layout of ``kind``: the nearest
    existing directory of ``path``, up to ``levels`` of its parents, and each one's usual
    sub-directories (``coco``, ``VOCdevkit/VOC2012``, ``data/coco``, ...). ``None`` if there is none."""
    kind = _norm_kind(kind)
    here = osp.abspath(str(path) or '.')
    while not osp.isdir(here) and osp.dirname(here) != here:
        here = osp.dirname(here)
    seen = set()
    for _ in range(levels + 1):
        for cand in [here] + [osp.join(here, p, sub) for p in ('', 'data') for sub in _NEAR[kind]]:
            cand = osp.normpath(cand)
            if cand not in seen and osp.isdir(cand) and not _missing(kind, cand):
                return cand
            seen.add(cand)
        if osp.dirname(here) == here:
            break
        here = osp.dirname(here)
    return None


def layout_hint(kind: str, path: str, data_root: str = '') -> str:
    """A hint for a path of a ``kind`` dataset that is missing: the directory near ``path`` that has
    the standard layout (:func:`find_layout`), if any, and how to generate small data in that
    layout (straight into ``data_root`` when its name is the generator's, e.g. ``data/coco/``)."""
    kind = _norm_kind(kind)
    found = find_layout(kind, path)
    gen = _GENERATOR_KIND.get(kind, kind)
    out = _generator_out(kind, data_root)
    make = (f'python tools/data/make_datasets.py {gen} --out {out}' if out else
            f'python tools/data/make_datasets.py {gen} --out DIR (writes DIR/{_NEAR[kind][0]})')
    if found:
        return (f'a directory nearby has the standard {kind} layout: {found!r}; or generate small '
                f'data in that layout with {make}')
    return f'to generate small data in the standard {kind} layout: {make}'


def _get(cfg, key, default=None):
    try:
        return cfg.get(key, default)
    except AttributeError:
        return getattr(cfg, key, default)


def kind_of_dataset(dataset_cfg) -> Optional[Tuple[str, str]]:
    """``(kind, data_root)`` of a single dataset config of a type whose base config has a standard
    layout (COCO, VOC / VOC-aug segmentation, Cityscapes, ImageNet, CIFAR-100), else ``None``."""
    t = _get(dataset_cfg, 'type')
    t = t if isinstance(t, str) else getattr(t, '__name__', str(t))
    t = t.split('.')[-1]
    kind = _TYPE_KIND.get(t)
    if kind is None:
        return None
    prefix = _get(dataset_cfg, 'data_prefix') or {}
    seg_dir = str(prefix.get('seg_map_path', '')) if isinstance(prefix, dict) else ''
    if kind == 'voc' and 'SegmentationClassAug' in seg_dir:
        kind = 'voc_aug'
    return kind, str(_get(dataset_cfg, 'data_root', '') or '')
