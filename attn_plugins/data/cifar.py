"""``CIFAR100Local``: mmpretrain's CIFAR-100 dataset that reads local pickles only.

mmpretrain's ``CIFAR100`` checks the md5 sums of the official files and, when they do not match or
are missing, downloads the archive (``download=True`` by default). That fails offline and rejects
the synthetic copy written by :func:`attn_plugins.data.synthetic.make_cifar100`. ``CIFAR100Local``
reads the same ``<data_root>/cifar-100-python/{train,test,meta}`` pickles (real or synthetic)
without md5 checks and never downloads; missing files raise one ``FileNotFoundError`` line that
names the expected layout and how to get it.

Use it in a config by swapping the type (everything else of ``cifar100_bs16.py`` stays)::

    custom_imports = dict(imports=['attn_plugins.data'], allow_failed_imports=False)
    train_dataloader = dict(dataset=dict(type='CIFAR100Local'))
    val_dataloader = dict(dataset=dict(type='CIFAR100Local'))
"""
import os.path as osp
import pickle
from typing import List, Optional

import numpy as np
from mmengine.fileio import exists, get, join_path
from mmengine.logging import MMLogger
from mmpretrain.datasets import CIFAR100
from mmpretrain.registry import DATASETS

__all__ = ['CIFAR100Local', 'load_cifar_pickle', 'cifar100_missing_message']

_FOLDER = 'cifar-100-python'


def cifar100_missing_message(root: str, missing: List[str]) -> str:
    """The one-line error for a missing CIFAR-100 copy under ``root`` (the dataset's data_root)."""
    root = str(root).rstrip('/\\') or '.'
    parent = osp.dirname(root) or '.'
    if osp.basename(root) == 'cifar100':
        make = f'python tools/data/make_datasets.py cifar100 --out {parent}'
    else:
        make = ('python tools/data/make_datasets.py cifar100 --out DIR (writes DIR/cifar100, '
                'then use data_root=DIR/cifar100)')
    return (f'CIFAR-100 not found: missing {", ".join(missing)}; CIFAR100Local expects the python-version '
            f'pickles at {root}/{_FOLDER}/{{train,test,meta}} (data_root={root!r}) and never downloads. '
            f'Create a small synthetic copy with `{make}`, or download '
            f'{CIFAR100.url} manually and extract it into {root}/')


def load_cifar_pickle(path_or_bytes) -> dict:
    """Load a CIFAR python-version pickle (official Python-2 files, the synthetic ones, or files
    re-pickled under Python 3 with ``bytes`` keys) into a dict with ``str`` keys."""
    raw = path_or_bytes if isinstance(path_or_bytes, (bytes, bytearray)) else get(path_or_bytes)
    entry = pickle.loads(raw, encoding='latin1')
    return {(k.decode('latin1') if isinstance(k, bytes) else k): v for k, v in entry.items()}


def _names(values) -> list:
    return [v.decode('latin1') if isinstance(v, bytes) else str(v) for v in values]


@DATASETS.register_module()
class CIFAR100Local(CIFAR100):
    """CIFAR-100 from local ``<data_root>/cifar-100-python/{train,test,meta}``; no md5, no download.

    Args are those of mmpretrain's ``CIFAR100`` (``data_root``, ``split='train'|'test'``,
    ``metainfo``, ``data_prefix``, ``test_mode``, ``pipeline``, ...). ``download`` is accepted for
    config compatibility and ignored (with a warning when True). Classes default to the 100
    official fine label names (mmpretrain's ``CIFAR100.METAINFO``); ``metainfo=dict(classes=...)``
    overrides them as usual.
    """

    def __init__(self,
                 data_root: str = '',
                 split: str = 'train',
                 metainfo: Optional[dict] = None,
                 download: bool = False,
                 data_prefix: str = '',
                 test_mode: bool = False,
                 **kwargs):
        if download:
            MMLogger.get_current_instance().warning(
                'CIFAR100Local never downloads; ignoring download=True')
        super().__init__(
            data_root=data_root,
            split=split,
            metainfo=metainfo,
            download=False,
            data_prefix=data_prefix,
            test_mode=test_mode,
            **kwargs)

    def _path(self, name: str) -> str:
        return join_path(self.data_prefix['root'], self.base_folder, name)

    def _require(self, names: List[str]) -> None:
        missing = [f'{self.base_folder}/{n}' for n in names if not exists(self._path(n))]
        if missing:
            raise FileNotFoundError(cifar100_missing_message(self.data_prefix['root'], missing))

    def load_data_list(self):
        """Load images (HWC uint8 RGB) and fine labels from the split's pickle."""
        files = [name for name, _ in (self.train_list if self.split == 'train' else self.test_list)]
        self._require(files + ([self.meta['filename']] if self.CLASSES is None else []))
        imgs, gt_labels = [], []
        for name in files:
            entry = load_cifar_pickle(self._path(name))
            imgs.append(np.asarray(entry['data'], dtype=np.uint8))
            gt_labels.extend(entry['labels'] if 'labels' in entry else entry['fine_labels'])
        imgs = np.vstack(imgs).reshape(-1, 3, 32, 32).transpose((0, 2, 3, 1))
        if self.CLASSES is None:
            self._load_meta()
        return [{'img': img, 'gt_label': int(label)} for img, label in zip(imgs, gt_labels)]

    def _load_meta(self):
        """Class names from the ``meta`` pickle (no md5 check)."""
        self._require([self.meta['filename']])
        data = load_cifar_pickle(self._path(self.meta['filename']))
        if self._metainfo.get('classes') is None:
            self._metainfo['classes'] = tuple(_names(data[self.meta['key']]))

    def _check_integrity(self):
        """Presence only (no md5): the pickles of both splits."""
        return all(exists(self._path(name)) for name, _ in self.train_list + self.test_list)
