"""The catalogue of attention modules: what ``python -m attn_plugins list`` prints.

Entries come from the registered :class:`~attn_plugins.modules.AttentionModule` subclasses (their
catalogue attributes and constructor defaults) plus mmcv's GC and NonLocal blocks as baselines.
"""
import inspect
from typing import Dict, List

from mmengine.registry import MODELS

from .modules import AttentionModule

# mmcv's own plugin layers, offered as baselines through the same listing.
BASELINES = {
    'ContextBlock': dict(
        paper='GCNet: Non-local Networks Meet Squeeze-Excitation Networks and Beyond',
        venue='ICCV Workshops 2019', arxiv='1904.11492', year=2019,
        placement='after conv3 of every Bottleneck; stages c3-c5 for detection (mmdet '
                  'configs/gcnet), all stages for ImageNet',
        reference='mmcv.cnn.ContextBlock (requires ratio, e.g. 1/16)',
        defaults=dict(ratio=1 / 16, pooling_type='att', fusion_types=('channel_add', ))),
    'NonLocal2d': dict(
        paper='Non-local Neural Networks', venue='CVPR 2018', arxiv='1711.07971', year=2018,
        placement='a few blocks of res3/res4 (after conv3); O((HW)^2) memory at detection size',
        reference='mmcv.cnn.NonLocal2d',
        defaults=dict(reduction=2, use_scale=True, mode='embedded_gaussian')),
}


def _defaults(cls) -> Dict:
    params = inspect.signature(cls.__init__).parameters
    return {k: p.default for k, p in params.items()
            if k not in ('self', 'in_channels', 'init_cfg') and p.default is not inspect.Parameter.empty}


def module_names() -> List[str]:
    """Every type name usable as a plugin ``cfg=dict(type=...)``."""
    return sorted(e['type'] for e in list_modules())


def list_modules() -> List[Dict]:
    entries = []
    for name, cls in MODELS.module_dict.items():
        if inspect.isclass(cls) and issubclass(cls, AttentionModule) and cls is not AttentionModule:
            entries.append(dict(
                type=name, abbr=cls._abbr_, paper=cls.paper, venue=cls.venue, arxiv=cls.arxiv,
                year=cls.year, defaults=_defaults(cls), placement=cls.placement,
                reference=cls.reference, reimplementation=cls.reimplementation, baseline=False))
    for name, meta in BASELINES.items():
        cls = MODELS.get(name)
        entries.append(dict(type=name, abbr=getattr(cls, '_abbr_', None),
                            reimplementation=False, baseline=True,
                            **{k: v for k, v in meta.items()}))
    return sorted(entries, key=lambda e: (e['baseline'], e['year'], e['type']))


def check_known(type_name) -> None:
    """Raise a ``KeyError`` naming the known modules if ``type_name`` is not a plugin type."""
    if inspect.isclass(type_name) or MODELS.get(type_name) is not None:
        return
    known = module_names()   # only on failure: the listing walks the whole registry
    if type_name not in known:
        raise KeyError(f'unknown attention module {type_name!r}; known modules: {", ".join(known)} '
                       f'(python -m attn_plugins list)')
