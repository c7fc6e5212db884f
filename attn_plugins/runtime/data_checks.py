"""Data checks that run before any dataset is built (:func:`check_data`): the paths each dataset
config of the run names, through dataset wrappers."""
import os
import os.path as osp
from typing import Iterator, Sequence, Tuple

from .common import ToolError
from .config import scope_of


# ==============================================================================================
# data checks
# ==============================================================================================
def iter_datasets(node, where: str) -> Iterator[Tuple[str, dict]]:
    """Leaf dataset configs of a dataset config, through wrappers (Concat/Repeat/ClassBalanced)."""
    if not isinstance(node, dict):
        return
    if isinstance(node.get('dataset'), dict):
        yield from iter_datasets(node['dataset'], where + '.dataset')
    elif isinstance(node.get('datasets'), (list, tuple)):
        for i, sub in enumerate(node['datasets']):
            yield from iter_datasets(sub, f'{where}.datasets[{i}]')
    else:
        yield where, node


def _is_remote(path: str) -> bool:
    return '://' in str(path)


def _dataset_class(type_name, scope: str):
    if not isinstance(type_name, str):
        return type_name
    try:
        from mmengine.registry import DATASETS
        with DATASETS.switch_scope_and_registry(scope) as registry:
            return registry.get(type_name)
    except Exception:  # noqa: BLE001
        return None


def _downloads(ds: dict, scope: str) -> bool:
    """True if the dataset fetches missing files itself (mmpretrain CIFAR/MNIST ``download``)."""
    import inspect
    if 'download' in ds:
        return bool(ds['download'])
    cls = _dataset_class(ds.get('type'), scope)
    if cls is None or not inspect.isclass(cls):
        return False
    param = inspect.signature(cls.__init__).parameters.get('download')
    return bool(param is not None and param.default is True)


def _join(root: str, path: str) -> str:
    return path if (osp.isabs(path) or not root) else osp.join(root, path)


def check_dataset_paths(ds: dict, where: str, scope: str = 'mmengine') -> None:
    """Raise a :class:`ToolError` naming the first missing path of one dataset config: the layout
    of known dataset types first (:func:`check_dataset_layout`), then ``data_root``, ``ann_file``
    and ``data_prefix`` of any type. Remote storage and self-downloading datasets are skipped."""
    backend = (ds.get('backend_args') or {}).get('backend', 'local')
    root = ds.get('data_root', '') or ''
    if backend != 'local' or _is_remote(root) or _downloads(ds, scope):
        return
    check_dataset_layout(ds, where)
    hint = f'fix it in the config or pass --cfg-options {where}.data_root=PATH'
    if root and not osp.isdir(root):
        raise ToolError(f'{where}: data_root {root!r} does not exist (cwd {os.getcwd()}); {hint}')
    ann = ds.get('ann_file', '') or ''
    if ann and not _is_remote(ann):
        path = _join(root, ann)
        if not osp.isfile(path):
            raise ToolError(f'{where}: annotation file {path!r} not found (ann_file={ann!r}, '
                            f'data_root={root!r})')
    prefix = ds.get('data_prefix', '') or ''
    prefixes = prefix.items() if isinstance(prefix, dict) else [('data_prefix', prefix)]
    for key, value in prefixes:
        if isinstance(value, str) and value and not _is_remote(value):
            path = _join(root, value)
            if not osp.exists(path):
                raise ToolError(f'{where}: data_prefix {key}={value!r} -> {path!r} does not exist '
                                f'(data_root={root!r})')


def check_dataset_layout(ds: dict, where: str) -> None:
    """The data helper's layout check (:func:`attn_plugins.data.check_layout`) for dataset types
    it knows (COCO, VOC, Cityscapes, ImageNet, CIFAR-100): its one-line ``FileNotFoundError`` names
    what is missing, the expected layout, a nearby directory that has it and how to generate data."""
    try:
        from attn_plugins.data import check_layout, kind_of_dataset
    except ImportError:  # the data helper is optional for the tools
        return
    found = kind_of_dataset(ds)
    if found is None or _is_remote(found[1]):
        return
    try:
        check_layout(*found)
    except (FileNotFoundError, NotADirectoryError) as e:
        raise ToolError(f'{where}: {" ".join(str(e).split())}') from e
    except ValueError:  # a kind the helper does not check
        return


def check_data(cfg, fields: Sequence[str]) -> None:
    """Check the data paths of the dataloaders ``fields`` before anything is built."""
    scope = scope_of(cfg)
    for field in fields:
        loader = cfg.get(field)
        if not isinstance(loader, dict) or not isinstance(loader.get('dataset'), dict):
            continue
        for where, ds in iter_datasets(loader['dataset'], f'{field}.dataset'):
            check_dataset_paths(ds, where, scope)
