"""Attention modules, one file per paper. Importing this package registers each of them in
MMEngine's root ``MODELS`` registry (visible from the mmdet, mmseg and mmpretrain scopes)."""
import mmcv.cnn  # noqa: F401  (registers mmcv's baselines: ContextBlock, NonLocal2d)

from ._base import AttentionModule
from . import (se, cbam, bam, eca, gct, sge, triplet, coord_att, sa, gam, steam)  # noqa: F401

__all__ = ['AttentionModule']
