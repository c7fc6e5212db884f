"""attn_plugins: CNN attention modules as OpenMMLab plugins.

Importing the package applies the compatibility shims (:mod:`attn_plugins.compat`) and registers every
attention module and backbone in MMEngine's root ``MODELS`` registry (and ``CIFAR100Local`` in
mmpretrain's ``DATASETS``), so mmdet, mmseg and mmpretrain
configs find them with ``custom_imports=dict(imports=['attn_plugins'])``.
"""
from . import compat  # noqa: F401  (shims first: they patch checkpoint loading)
from . import modules  # noqa: F401
from . import backbones  # noqa: F401
from . import data  # noqa: F401  (registers CIFAR100Local)
from .modules import AttentionModule

__version__ = '0.1.0'
__all__ = ['AttentionModule', '__version__']
