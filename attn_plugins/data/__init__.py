"""Data for attn_plugins: small synthetic datasets in the real COCO / VOC / Cityscapes / ImageNet /
CIFAR-100 on-disk formats (:mod:`.synthetic`, CLI ``tools/data/make_datasets.py``), the standard
layouts of the base configs, to check a generated copy and to word hints (:mod:`.layout`), and the
offline ``CIFAR100Local`` dataset (:mod:`.cifar`).

Importing this package registers ``CIFAR100Local`` in mmpretrain's ``DATASETS`` registry, so a config
uses it with ``custom_imports=dict(imports=['attn_plugins.data'])`` and ``type='CIFAR100Local'``.
"""
from .cifar import CIFAR100Local, load_cifar_pickle
from .layout import (KINDS, LAYOUTS, check_layout, find_layout, kind_of_dataset, layout_hint,
                     layout_problem)
from .synthetic import (CIFAR100_COARSE_NAMES, CIFAR100_FINE_NAMES, CITYSCAPES_CLASSES,
                        CITYSCAPES_USED_CLASSES, COCO_CLASSES, COCO_REAL_NAMES, DEFAULT_DATA_ROOTS,
                        PATTERN_CLASSES, VOC_CLASSES, VOC_SHAPE_CLASSES, make_all, make_cifar100,
                        make_cityscapes, make_coco, make_imagenet, make_voc, voc_palette)

__all__ = [
    'CIFAR100Local', 'load_cifar_pickle', 'KINDS', 'LAYOUTS', 'check_layout', 'layout_problem',
    'kind_of_dataset', 'find_layout', 'layout_hint', 'make_coco', 'make_voc', 'make_cityscapes',
    'make_imagenet', 'make_cifar100', 'make_all', 'voc_palette', 'COCO_CLASSES', 'COCO_REAL_NAMES', 'VOC_CLASSES',
    'VOC_SHAPE_CLASSES', 'CITYSCAPES_CLASSES', 'CITYSCAPES_USED_CLASSES', 'PATTERN_CLASSES',
    'CIFAR100_FINE_NAMES', 'CIFAR100_COARSE_NAMES', 'DEFAULT_DATA_ROOTS'
]
