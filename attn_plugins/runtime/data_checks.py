"""Data checks that run before any dataset is built (:func:`check_data`).

For the splits the run uses (train: the train dataloader, plus the val dataloader and evaluator when
validating; test: the test dataloader and evaluator), each dataset config that will be built is
checked for exactly the files and folders its class will read, resolved the way the class resolves
them (``data_root`` joined as mmengine's ``BaseDataset._join_prefix`` does, mmdet VOC's
``sub_data_root``, mmseg's split lists, mmpretrain's ``split`` defaults and class folders, CIFAR's
pickles), through dataset wrappers, and for the evaluator's ``ann_file`` (mmdet ``CocoMetric``).
Folders are required only when the dataset reads them at build time or its pipeline loads from them.

A miss is one :class:`ToolError` line naming the path; the standard layout of the base configs only
words a hint (:func:`attn_plugins.data.layout_hint`). What the check does not understand passes
through to the library: a dataset class it does not know (or a subclass that overrides how paths are
read), remote paths (``'://'``), a non-local ``backend_args``, ``lazy_init=True``, a dataset that
downloads itself (CIFAR ``download=True``). ``--skip-data-check`` turns the check off.
"""
import inspect
import os
import os.path as osp
from typing import Iterator, List, NamedTuple, Optional, Sequence, Tuple

from .common import ToolError
from .config import scope_of

_EVALUATOR_OF = {'val_dataloader': 'val_evaluator', 'test_dataloader': 'test_evaluator'}


class Need(NamedTuple):
    """A path a dataset will read: ``kind`` 'file', 'dir' or 'any'; ``what`` it is; ``source``
    the config values it comes from; ``joined``: whether ``data_root`` was prepended."""
    path: str
    kind: str
    what: str
    source: str
    joined: bool = False


# ==============================================================================================
# the dataset configs of a run
# ==============================================================================================
def _leaves(node, where: str, pipelines: tuple) -> Iterator[Tuple[str, dict, tuple]]:
    if not isinstance(node, dict):
        return
    pipelines = pipelines + ((node['pipeline'], ) if 'pipeline' in node else ())
    if isinstance(node.get('dataset'), dict):
        yield from _leaves(node['dataset'], where + '.dataset', pipelines)
    elif isinstance(node.get('datasets'), (list, tuple)):
        for i, sub in enumerate(node['datasets']):
            yield from _leaves(sub, f'{where}.datasets[{i}]', pipelines)
    else:
        yield where, node, pipelines


def iter_datasets(node, where: str) -> Iterator[Tuple[str, dict]]:
    """Leaf dataset configs of a dataset config, through wrappers (Concat/Repeat/ClassBalanced/
    MultiImageMix: ``dataset`` or ``datasets``)."""
    for where, ds, _ in _leaves(node, where, ()):
        yield where, ds


def _is_remote(path) -> bool:
    return '://' in str(path)


def _remote_backend(args) -> bool:
    return isinstance(args, dict) and args.get('backend', 'local') != 'local'


def class_of(type_name, scope: Optional[str], registry_name: str = 'DATASETS'):
    """The class ``type_name`` (a class, or a name looked up in mmengine's registry
    ``registry_name`` under ``scope``; ``None``: the current default scope) names; ``None`` if it
    names none."""
    if inspect.isclass(type_name):
        return type_name
    if not isinstance(type_name, str):
        return None
    try:
        from mmengine import registry as registries
        registry = getattr(registries, registry_name)
        with registry.switch_scope_and_registry(scope) as reg:
            cls = reg.get(type_name)
    except Exception:  # noqa: BLE001  (an unknown type is the library's to report)
        return None
    return cls if inspect.isclass(cls) else None


def _qualnames(cls) -> List[str]:
    return [f'{c.__module__}.{c.__qualname__}' for c in cls.__mro__]


def _owner(cls, name: str) -> Optional[str]:
    for c in cls.__mro__:
        if name in c.__dict__:
            return f'{c.__module__}.{c.__qualname__}'
    return None


def _default(cls, name: str, fallback=None):
    """The default of ``__init__`` argument ``name`` along the MRO (subclasses pass ``**kwargs``)."""
    for c in cls.__mro__:
        init = c.__dict__.get('__init__')
        if init is None:
            continue
        try:
            param = inspect.signature(init).parameters.get(name)
        except (TypeError, ValueError):
            continue
        if param is not None and param.default is not inspect.Parameter.empty:
            return param.default
    return fallback


def _transforms(node) -> Iterator[Tuple[str, dict]]:
    """(type name, config) of every transform in a pipeline, nested ones (TestTimeAug) included."""
    if isinstance(node, (list, tuple)):
        for item in node:
            yield from _transforms(item)
    elif isinstance(node, dict):
        t = node.get('type')
        name = t if isinstance(t, str) else getattr(t, '__name__', '')
        if name:
            yield name.split('.')[-1], node
        for value in node.values():
            if isinstance(value, (list, tuple)):
                yield from _transforms(value)


def _loads(pipelines, what: str) -> bool:
    """Whether the pipelines load images from files (``what='img'``), annotation maps
    (``'ann'``) or mmdet segmentation masks from ``seg`` files (``'seg'``)."""
    for name, t in _transforms(pipelines):
        if not name.startswith('Load'):
            continue
        if what == 'img' and 'Image' in name and 'File' in name:
            return True
        if what == 'ann' and 'Annotation' in name:
            return True
        if what == 'seg' and ('Panoptic' in name or ('Annotation' in name and t.get('with_seg'))):
            return True
    return False


# ==============================================================================================
# what each dataset class reads
# ==============================================================================================
def _join(root, path: str) -> Tuple[str, bool]:
    """mmengine ``BaseDataset._join_prefix`` (``is_abs``: absolute or http(s)/s3)."""
    if root and not (osp.isabs(path) or _is_remote(path)):
        return osp.join(root, path), True
    return path, False


def _ann_need(ds, root, kind='file', ann=None) -> List[Need]:
    ann = ds.get('ann_file', '') if ann is None else ann
    if not isinstance(ann, str) or not ann:
        return []
    path, joined = _join(root, ann)
    return [Need(path, kind, 'annotation file', f'ann_file={ann!r}', joined)]


def _prefix_need(prefix: dict, key: str, root, what: str) -> List[Need]:
    value = prefix.get(key)
    if not isinstance(value, str):
        return []
    path, joined = _join(root, value)
    if not path:  # '' without data_root: the working directory
        return []
    return [Need(path, 'dir', what, f'data_prefix.{key}={value!r}', joined)]


def _prefix_dict(ds, cls) -> Optional[dict]:
    prefix = ds.get('data_prefix', _default(cls, 'data_prefix', {}))
    return prefix if isinstance(prefix, dict) else None


def _needs_generic(ds, cls, root, pipelines) -> List[Need]:
    """mmengine ``BaseDataset``: the OpenMMLab 2.0 annotation file; ``data_prefix`` entries are
    joined to the names it lists (image folders read by the pipeline)."""
    prefix = _prefix_dict(ds, cls) or {}
    needs = _ann_need(ds, root)
    if _loads(pipelines, 'img'):
        for key in prefix:
            if 'img' in key:
                needs += _prefix_need(prefix, key, root, 'image folder')
    return needs


def _needs_coco(ds, cls, root, pipelines) -> List[Need]:
    """mmdet ``CocoDataset``: ``ann_file`` (JSON) at build time; ``data_prefix.img`` (+ ``seg``)
    joined to each image's ``file_name``; ``proposal_file``."""
    prefix = _prefix_dict(ds, cls) or {}
    needs = _ann_need(ds, root)
    proposals = ds.get('proposal_file')
    if isinstance(proposals, str) and proposals:
        path, joined = _join(root, proposals)
        needs.append(Need(path, 'file', 'proposal file', f'proposal_file={proposals!r}', joined))
    if _loads(pipelines, 'img'):
        needs += _prefix_need(prefix, 'img', root, 'image folder')
    if _loads(pipelines, 'seg'):
        needs += _prefix_need(prefix, 'seg', root, 'segmentation folder')
    return needs


def _needs_xml(ds, cls, root, pipelines) -> List[Need]:
    """mmdet ``XMLDataset``/``VOCDataset``: ``ann_file`` lists image ids (e.g.
    ``ImageSets/Main/trainval.txt``); ``<sub_data_root>/<ann_subdir>/<id>.xml`` are parsed at build
    time, images are ``<sub_data_root>/<img_subdir>/<id>.jpg``. ``sub_data_root`` is
    ``data_prefix.sub_data_root`` joined to ``data_root`` ('' when the key is absent)."""
    prefix = _prefix_dict(ds, cls) or {}
    needs = _ann_need(ds, root)
    sub = prefix.get('sub_data_root', '')
    if not isinstance(sub, str):
        return needs
    sub_path, joined = _join(root, sub) if 'sub_data_root' in prefix else ('', False)
    source = f'data_prefix.sub_data_root={sub!r}'
    for key, what, needed in (('ann_subdir', 'XML annotation folder', True),
                              ('img_subdir', 'image folder', _loads(pipelines, 'img'))):
        subdir = ds.get(key, _default(cls, key, ''))
        if needed and isinstance(subdir, str):
            needs.append(Need(osp.join(sub_path, subdir), 'dir', what,
                              f'{source}, {key}={subdir!r}', joined))
    return needs


def _needs_seg(ds, cls, root, pipelines) -> List[Need]:
    """mmseg ``BaseSegDataset``: ``ann_file`` (a split list of names; a folder means 'scan') or,
    without one, a recursive scan of ``data_prefix.img_path`` at build time; images
    ``<img_path>/<name><img_suffix>``, maps ``<seg_map_path>/<name><seg_map_suffix>`` (read by
    ``LoadAnnotations``). ``PascalVOCDataset`` requires both ``img_path`` and the split file,
    ``PascalContextDataset(59)`` ``img_path``, at build time."""
    prefix = _prefix_dict(ds, cls)
    if prefix is None:
        return []
    names = _qualnames(cls)
    voc = 'mmseg.datasets.voc.PascalVOCDataset' in names
    asserts_img = voc or any(n.startswith('mmseg.datasets.pascal_context.') for n in names)
    ann = ds.get('ann_file', _default(cls, 'ann_file', ''))
    needs = _ann_need(ds, root, kind='file' if voc else 'any', ann=ann)
    scans = not needs or (not voc and osp.isdir(needs[0].path))
    if scans or asserts_img or _loads(pipelines, 'img'):
        needs += _prefix_need(prefix, 'img_path', root, 'image folder')
    if _loads(pipelines, 'ann'):
        needs += _prefix_need(prefix, 'seg_map_path', root, 'segmentation map folder')
    return needs


def _mmpretrain_args(ds, cls) -> Tuple[str, dict]:
    """mmpretrain ``BaseDataset``: ``~`` expanded, a string ``data_prefix`` is ``img_path``;
    ``ImageNet(split=...)`` defaults ``data_prefix`` to the split and ``ann_file`` to
    ``meta/<split>.txt`` when that file exists."""
    ann = ds.get('ann_file', _default(cls, 'ann_file', ''))
    prefix = ds.get('data_prefix', _default(cls, 'data_prefix', ''))
    split = ds.get('split', '')
    if 'mmpretrain.datasets.imagenet.ImageNet' in _qualnames(cls) and split:
        prefix = split if prefix == '' else prefix
        root = ds.get('data_root', '') or ''
        if ann == '' and osp.exists(osp.join(root, 'meta', f'{split}.txt')):
            ann = osp.join('meta', f'{split}.txt')
    if isinstance(ann, str):
        ann = osp.expanduser(ann)
    if isinstance(prefix, str):
        prefix = dict(img_path=osp.expanduser(prefix))
    return ann, prefix


def _needs_custom(ds, cls, root, pipelines) -> List[Need]:
    """mmpretrain ``CustomDataset`` (and ``ImageNet``): with ``ann_file``, a list of
    ``<path> <label>`` lines under ``data_prefix``; without, class folders scanned in
    ``data_prefix`` at build time."""
    ann, prefix = _mmpretrain_args(ds, cls)
    if not isinstance(prefix, dict):
        return []
    needs = _ann_need(ds, root, ann=ann)
    if not needs or _loads(pipelines, 'img'):
        what = 'image folder' if needs else 'class-folder root'
        needs += _prefix_need(prefix, 'img_path', root, what)
    return needs


def _needs_mmpretrain_generic(ds, cls, root, pipelines) -> List[Need]:
    ann, prefix = _mmpretrain_args(ds, cls)
    if not isinstance(prefix, dict):
        return []
    return _needs_generic(dict(ds, ann_file=ann, data_prefix=prefix), cls, root, pipelines)


def _cifar_root(ds, cls, root) -> Tuple[str, str, bool]:
    prefix = ds.get('data_prefix', _default(cls, 'data_prefix', ''))
    prefix = prefix if isinstance(prefix, str) else ''
    path, joined = _join(root, prefix)
    return path, f'data_prefix={prefix!r}', joined


def _needs_cifar(ds, cls, root, pipelines) -> List[Need]:
    """mmpretrain ``CIFAR10``/``CIFAR100`` with ``download=False``: every pickle of both splits
    under ``<data_prefix>/<base_folder>`` (its integrity check); ``download=True`` fetches them."""
    if ds.get('download', _default(cls, 'download', True)):
        return []
    path, source, joined = _cifar_root(ds, cls, root)
    return [Need(osp.join(path, cls.base_folder, name), 'file', 'CIFAR pickle', source, joined)
            for name, _ in list(cls.train_list) + list(cls.test_list)]


def _needs_cifar_local(ds, cls, root, pipelines) -> List[Need]:
    """attn_plugins ``CIFAR100Local``: the pickles of its split (never downloads)."""
    path, source, joined = _cifar_root(ds, cls, root)
    split = ds.get('split', 'train')
    files = cls.train_list if split == 'train' else cls.test_list
    return [Need(osp.join(path, cls.base_folder, name), 'file', 'CIFAR pickle', source, joined)
            for name, _ in files]


# owner of load_data_list -> what the class reads
_READERS = {
    'mmengine.dataset.base_dataset.BaseDataset': _needs_generic,
    'mmdet.datasets.coco.CocoDataset': _needs_coco,
    'mmdet.datasets.xml_style.XMLDataset': _needs_xml,
    'mmseg.datasets.basesegdataset.BaseSegDataset': _needs_seg,
    'mmpretrain.datasets.custom.CustomDataset': _needs_custom,
    'mmpretrain.datasets.cifar.CIFAR10': _needs_cifar,
    'attn_plugins.data.cifar.CIFAR100Local': _needs_cifar_local,
}
# Classes whose path handling (_join_prefix, full_init, parse_data_info) the readers follow; a
# class that overrides one of these elsewhere is not understood and passes through.
_FOLLOWED = set(_READERS) | {'mmpretrain.datasets.base_dataset.BaseDataset',
                             'mmdet.datasets.base_det_dataset.BaseDetDataset'}


def dataset_needs(ds: dict, scope: str = 'mmengine', pipelines=()) -> Optional[List[Need]]:
    """The paths one (leaf) dataset config will read, as its class resolves them; ``None`` if
    the check does not understand the config (then the library alone decides)."""
    cls = class_of(ds.get('type'), scope)
    if cls is None or ds.get('lazy_init') or _remote_backend(ds.get('backend_args')):
        return None
    owner = _owner(cls, 'load_data_list')
    reader = _READERS.get(owner)
    if owner == 'mmengine.dataset.base_dataset.BaseDataset' and \
            'mmpretrain.datasets.base_dataset.BaseDataset' in _qualnames(cls):
        reader = _needs_mmpretrain_generic
    if reader is None or any(_owner(cls, m) not in _FOLLOWED | {None}
                             for m in ('_join_prefix', 'full_init', 'parse_data_info')):
        return None
    root = ds.get('data_root', _default(cls, 'data_root', ''))
    if root is not None and not isinstance(root, str):
        return None
    needs = reader(ds, cls, root or '', pipelines)
    return [n for n in needs if not _is_remote(n.path)]


# ==============================================================================================
# the check
# ==============================================================================================
def _exists(need: Need) -> bool:
    return {'file': osp.isfile, 'dir': osp.isdir}.get(need.kind, osp.exists)(need.path)


def _hint(ds: dict, path: str) -> str:
    try:
        from attn_plugins.data import kind_of_dataset, layout_hint
    except ImportError:  # the data helper is optional for the tools
        return ''
    found = kind_of_dataset(ds)
    return f'; {layout_hint(found[0], path, found[1])}' if found else ''


def _missing_message(where: str, need: Need, root: str) -> str:
    if need.joined and root and not osp.isdir(root):
        return (f'{where}: data_root {root!r} does not exist (cwd {os.getcwd()}); the dataset '
                f'reads its {need.what} {need.path!r} ({need.source}) from there')
    if osp.exists(need.path):
        problem = 'is not a directory' if need.kind == 'dir' else 'is a directory, not a file'
    else:
        problem = 'does not exist' if need.kind == 'dir' else 'not found'
    via = f', data_root={root!r}' if need.joined else ''
    cwd = '' if osp.isabs(need.path) else f', cwd {os.getcwd()}'
    return f'{where}: {need.what} {need.path!r} {problem} ({need.source}{via}{cwd})'


def _refuse(msg: str) -> None:
    raise ToolError(f'{msg}; fix the path in the config (or with --cfg-options) or pass '
                    '--skip-data-check')


def check_dataset_paths(ds: dict, where: str, scope: str = 'mmengine', pipelines=()) -> None:
    """Raise one :class:`ToolError` line for the first path of :func:`dataset_needs` that is
    missing, with a hint from the standard layout (a nearby directory that has it; how to
    generate small data) for the dataset types that have one. Configs the check does not
    understand pass."""
    needs = dataset_needs(ds, scope, pipelines) or []
    root = ds.get('data_root') or ''
    for need in needs:
        if not _exists(need):
            _refuse(_missing_message(where, need, root) + _hint(ds, need.path))


def _metrics(node, where: str) -> Iterator[Tuple[str, dict]]:
    if isinstance(node, (list, tuple)):
        for i, sub in enumerate(node):
            yield from _metrics(sub, f'{where}[{i}]')
    elif isinstance(node, dict) and 'metrics' in node:
        yield from _metrics(node['metrics'], f'{where}.metrics')
    elif isinstance(node, dict):
        yield where, node


def check_evaluator_paths(evaluator, where: str, scope: str = 'mmengine') -> None:
    """The ``ann_file`` of mmdet ``CocoMetric`` (and subclasses), loaded when it is built."""
    for at, metric in _metrics(evaluator, where):
        ann = metric.get('ann_file')
        if not isinstance(ann, str) or not ann or _is_remote(ann) or \
                _remote_backend(metric.get('backend_args')):
            continue
        cls = class_of(metric.get('type'), scope, 'METRICS')
        if cls is None or 'mmdet.evaluation.metrics.coco_metric.CocoMetric' not in _qualnames(cls):
            continue
        if not osp.isfile(ann):
            need = Need(ann, 'file', 'annotation file', f'ann_file={ann!r}')
            _refuse(_missing_message(at, need, '') + _hint(dict(type='CocoDataset'), ann))


def check_data(cfg, fields: Sequence[str]) -> None:
    """Check the data paths of the dataloaders ``fields`` (and of the evaluators of the val/test
    dataloaders among them) before anything is built."""
    scope = scope_of(cfg)
    for field in fields:
        loader = cfg.get(field)
        if isinstance(loader, dict) and isinstance(loader.get('dataset'), dict):
            for where, ds, pipelines in _leaves(loader['dataset'], f'{field}.dataset', ()):
                check_dataset_paths(ds, where, scope, pipelines)
        evaluator = _EVALUATOR_OF.get(field)
        if evaluator and cfg.get(evaluator) is not None:
            check_evaluator_paths(cfg.get(evaluator), evaluator, scope)
