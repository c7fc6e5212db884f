"""Converters for the released ImageNet checkpoints of the attention backbones.

One file per checkpoint family (the repository or hub that released it) holds its sources as data
(:class:`~.core.Source`: origin, published top-1, key renaming rules, the backbone that computes the
released network, the evaluation pipeline); :mod:`.core` holds the shared machinery and
:func:`convert`. ``tools/model_converters/convert.py`` is the command line (:mod:`.cli`).

SOURCE names are the stems of the reference layouts (``checkpoint_layouts/<source>.json``).
Every source converts into a checkpoint that loads with ``strict=True`` into the model of its
classification config (``Source.config()``); the known releases that no backbone here computes
exactly are listed in :data:`UNSUPPORTED` and refused.
"""
from collections import OrderedDict
from typing import Dict, List, Union

from ..runtime.common import ToolError
from . import (abn, attention_module, cadene, coordatt, ecanet, gct, pytorchinsight, sanet,
               timm, torchvision, triplet)
from .core import (Rule, Source, Unsupported, Variant, build_model, convert, expected_state,
                   read_checkpoint, unwrap)
from .unsupported import UNSUPPORTED

FAMILIES = (torchvision, timm, cadene, attention_module, pytorchinsight, ecanet, gct, sanet,
            triplet, coordatt, abn)


def _register() -> Dict[str, Source]:
    import dataclasses
    out = OrderedDict()
    for family in FAMILIES:
        for s in family.SOURCES:
            if s.name in out:
                raise RuntimeError(f'duplicate converter SOURCE {s.name}')
            out[s.name] = dataclasses.replace(s, family=family.__name__.rsplit('.', 1)[-1])
    return out


SOURCES: Dict[str, Source] = _register()
UNSUPPORTED_BY_NAME: Dict[str, Unsupported] = {u.name: u for u in UNSUPPORTED}


def get_source(name: Union[str, Source]) -> Source:
    """The :class:`Source` called ``name``; one line naming the choices otherwise."""
    if isinstance(name, Source):
        return name
    if name in SOURCES:
        return SOURCES[name]
    if name in UNSUPPORTED_BY_NAME:
        u = UNSUPPORTED_BY_NAME[name]
        raise ToolError(f'{name} ({u.description}) cannot be converted exactly: {u.reason}')
    raise ToolError(f'unknown SOURCE {name!r}; known: {", ".join(SOURCES)} (convert.py --list)')


def downstream_sources() -> List[Source]:
    """The source per module that the detection/segmentation configs start from."""
    return [s for s in SOURCES.values() if s.downstream]


__all__ = ['SOURCES', 'UNSUPPORTED', 'UNSUPPORTED_BY_NAME', 'get_source', 'downstream_sources',
           'convert', 'Source', 'Rule', 'Variant', 'Unsupported', 'build_model', 'expected_state',
           'read_checkpoint', 'unwrap']
