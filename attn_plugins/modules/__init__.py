"""Attention modules, one file per paper. Importing this package registers each of them in
MMEngine's root ``MODELS`` registry (visible from the mmdet, mmseg and mmpretrain scopes); the
classes are importable from here (``from attn_plugins.modules import SE``)."""
import mmcv.cnn  # noqa: F401  (registers mmcv's baselines: ContextBlock, NonLocal2d)

from ._base import AttentionModule
from .bam import BAM
from .cbam import CBAM
from .coord_att import CoordAtt
from .crisscross import CrissCross
from .danet import CAM, PAM
from .eca import ECA
from .ema import EMA
from .epsa import EPSA
from .fcanet import FcaNet
from .gam import GAM
from .gct import GCT
from .ge import GE
from .mca import MCA
from .sa import SA
from .se import SE
from .sge import SGE
from .simam import SimAM
from .sk import SK
from .srm import SRM
from .steam import STEAM
from .triplet import TripletAttention

__all__ = [
    'AttentionModule', 'BAM', 'CAM', 'CBAM', 'CoordAtt', 'CrissCross', 'ECA', 'EMA', 'EPSA',
    'FcaNet', 'GAM', 'GCT', 'GE', 'MCA', 'PAM', 'SA', 'SE', 'SGE', 'SimAM', 'SK', 'SRM', 'STEAM',
    'TripletAttention'
]
