"""The catalogue of attention modules: what ``python -m attn_plugins list`` prints.

Entries come from the registered :class:`~attn_plugins.modules.AttentionModule` subclasses (their
catalogue attributes and constructor defaults) plus mmcv's GC and NonLocal blocks as baselines.

Name clashes: several short names mean different papers (two "MCA", three "PSA", "EMA" for a
module, an mmseg head and a weight average). Each registered type says which paper it is
(``disambiguation`` in the listing), :func:`check_known` answers an ambiguous name that is not a
type here with the types that are meant, and :func:`registry_clashes` finds a type of ours that a
downstream library registers under the same name (it would shadow ours in that library's scope).
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


# Names users reach for that are not (or not only) types here: what each one could mean.
AMBIGUOUS = {
    'PSA': "'PSA' names three modules: Pyramid Split Attention (EPSANet) is type 'EPSA'; "
           "Polarized Self-Attention (Liu et al. 2021) is not in attn_plugins; mmseg's PSAHead "
           "is PSANet's point-wise spatial attention (a decode head)",
    'MCANET': "'MCANet' is Multidimensional Collaborative Attention (EAAI 2023), not in "
              "attn_plugins; type 'MCA' is Moment Channel Attention (AAAI 2024)",
    'EMAHEAD': "EMAHead is mmseg's EMANet decode head (Expectation-Maximization Attention), not a "
               "backbone plugin; type 'EMA' is Efficient Multi-scale Attention (ICASSP 2023)",
    'PYRAMIDSPLITATTENTION': "use type 'EPSA' (EPSANet's pyramid split attention)",
    'SKNET': "use type 'SK' (the selective kernel unit, position 'replace_conv2'); SKNet-50 is "
             "AttnResNeXt (groups=32, base_width=4) with it",
    'EPSANET': "use type 'EPSA' (position 'replace_conv2')",
    'CRISSCROSSATTENTION': "mmcv's CrissCrossAttention is wrapped as type 'CrissCross' "
                           "(recurrence=2, the RCCA of CCNet)",
    'DANET': "DANet's two modules are types 'PAM' (position) and 'CAM' (channel)",
    'GENET': "use type 'GE' (variant 'theta-', 'theta' or 'theta+')",
}


# Arguments a replace_conv2 module receives from the block (the replaced conv's), not defaults.
CONV_ARGS = ('out_channels', 'stride', 'dilation', 'groups', 'norm_cfg')


def _defaults(cls) -> Dict:
    params = inspect.signature(cls.__init__).parameters
    skip = ('self', 'in_channels', 'init_cfg') + (CONV_ARGS if getattr(cls, 'replaces_conv', False)
                                                  else ())
    return {k: p.default for k, p in params.items()
            if k not in skip and p.default is not inspect.Parameter.empty}


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
                reference=cls.reference, reimplementation=cls.reimplementation, baseline=False,
                disambiguation=cls.disambiguation, replaces_conv=cls.replaces_conv))
    for name, meta in BASELINES.items():
        cls = MODELS.get(name)
        entries.append(dict(type=name, abbr=getattr(cls, '_abbr_', None),
                            reimplementation=False, baseline=True, disambiguation='',
                            replaces_conv=False,
                            **{k: v for k, v in meta.items()}))
    return sorted(entries, key=lambda e: (e['baseline'], e['year'], e['type']))


def check_known(type_name) -> None:
    """Raise a ``KeyError`` naming the known modules if ``type_name`` is not a plugin type."""
    if inspect.isclass(type_name) or MODELS.get(type_name) is not None:
        return
    known = module_names()   # only on failure: the listing walks the whole registry
    if type_name not in known:
        key = str(type_name).replace('_', '').replace('-', '').upper()
        hint = f' ({AMBIGUOUS[key]})' if key in AMBIGUOUS else ''
        raise KeyError(f'unknown attention module {type_name!r}{hint}; known modules: '
                       f'{", ".join(known)} (python -m attn_plugins list)')


def registry_clashes(scopes=('mmdet', 'mmseg', 'mmpretrain')) -> List[str]:
    """Types of ours that a downstream library registers under the same name in its own
    ``MODELS``: from that library's scope the name would build the library's class, not ours.
    Imports each library's model registry (and its models, which register there)."""
    import importlib
    ours = [e['type'] for e in list_modules() if not e['baseline']]
    clashes = []
    for scope in scopes:
        importlib.import_module(f'{scope}.models')
        registry = importlib.import_module(f'{scope}.registry').MODELS
        for name in ours:
            if name in registry.module_dict:
                clashes.append(f'{scope}.MODELS has its own {name!r} '
                               f'({registry.module_dict[name].__module__})')
    return clashes
