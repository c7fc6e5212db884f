"""The machinery every checkpoint family shares: a :class:`Source` (what one release is, as data),
the key renaming (:class:`Rule` stages), and :func:`convert`, which reads a released file,
unwraps it, renames its keys, fills what old files lack, checks the result against the model of
the source's classification config and writes an mmengine checkpoint — or refuses with one line.

A converted file is ``{'state_dict': {model key: tensor}, 'meta': {...}}`` and loads with
``strict=True`` into the model that ``configs/<module>/<classification config>.py`` builds
(``backbone.*``, ``head.fc.*``; ABN also ``att_branch.*``), so ``tools/test.py CONFIG FILE``
evaluates it and a downstream ``init_cfg=dict(type='Pretrained', prefix='backbone.', strict=True)``
takes its backbone.
"""
import copy
import hashlib
import os
import os.path as osp
import pickle
import re
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Dict, List, Optional, Tuple, Union

import torch

from ..runtime.common import ToolError

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TORCHVISION_EVAL = dict(resize=256, crop=224, interpolation='bilinear')  # pytorch/examples


# ----------------------------------------------------------------------------------------------
# key renaming
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rule:
    """Rename the part of a key that ``pattern`` matches (``re.sub``, once) to ``repl`` (a
    replacement string or a function of the match); ``transform`` reshapes the tensor."""
    pattern: str
    repl: Union[str, Callable]
    transform: Optional[Callable[[torch.Tensor], torch.Tensor]] = None

    def apply(self, key: str) -> Optional[str]:
        regex = _compiled(self.pattern)
        if regex.search(key) is None:
            return None
        return regex.sub(self.repl, key, count=1)


@lru_cache(maxsize=None)
def _compiled(pattern: str):
    return re.compile(pattern)


def rules(*pairs) -> Tuple[Rule, ...]:
    """``rules((pattern, repl), ...)`` -> a stage of :class:`Rule` (first match wins)."""
    return tuple(p if isinstance(p, Rule) else Rule(*p) for p in pairs)


def linear_to_conv1x1(t: torch.Tensor) -> torch.Tensor:
    """A Linear weight (out, in) as the weight of a 1×1 conv (out, in, 1, 1)."""
    return t[:, :, None, None] if t.dim() == 2 else t


# MobileNetV2: features.N (N = 1..17) -> layer L block i, by the layer sizes (1, 2, 3, 4, 3, 3, 1)
MNV2_BLOCKS = {}
for _layer, _n in enumerate((1, 2, 3, 4, 3, 3, 1), start=1):
    for _i in range(_n):
        MNV2_BLOCKS[len(MNV2_BLOCKS) + 1] = (_layer, _i)


def _mnv2_block(m) -> str:
    where = MNV2_BLOCKS.get(int(m.group(1)))
    return m.group(0) if where is None else f'layer{where[0]}.{where[1]}.'


def mnv2_stages(layout: str, attention: Optional[str] = None) -> Tuple[Tuple[Rule, ...], ...]:
    """Stages renaming a MobileNetV2 1.0 state dict onto mmpretrain's ``MobileNetV2`` names
    (``conv1``, ``layerL.i.conv.{0,1,2}.{conv,bn}``, ``conv2``).

    ``layout='torchvision'``: ``features.N.conv`` of nested ConvBNReLU (torchvision, ECANet,
    Triplet): t=1 ``[dw(0.0, 0.1), pw 1, bn 2, attention 3]``, t=6 ``[pw(0.0, 0.1), dw(1.0, 1.1),
    pw-linear 2, bn 3, attention 4]``, last conv ``features.18``. ``layout='flat'`` (d-li14, the
    Coordinate Attention file): flat ``conv`` lists, t=1 ``[dw 0, bn 1, relu, pw 3, bn 4]``, t=6
    ``[pw 0, bn 1, relu, dw 3, bn 4, relu, CoordAtt 6, pw-linear 7, bn 8]``, last conv ``conv``.
    ``attention``: the plugin name the module appended to the block's ``conv`` gets (torchvision
    layout).
    """
    last = r'^features\.18\.' if layout == 'torchvision' else r'^conv\.'
    structure = rules(
        (r'^features\.0\.0\.', 'conv1.conv.'), (r'^features\.0\.1\.', 'conv1.bn.'),
        (last + r'0\.', 'conv2.conv.'), (last + r'1\.', 'conv2.bn.'),
        (r'^features\.(\d+)\.', _mnv2_block))
    b, t1 = r'^(layer\d\.\d+)\.conv\.', r'^(layer1\.0)\.conv\.'
    if layout == 'torchvision':
        inner = [(t1 + r'0\.0\.', r'\1.conv.0.conv.'), (t1 + r'0\.1\.', r'\1.conv.0.bn.'),
                 (t1 + r'1\.', r'\1.conv.1.conv.'), (t1 + r'2\.', r'\1.conv.1.bn.')]
        if attention:
            inner.append((t1 + r'3\.', rf'\1.{attention}.'))
        inner += [(b + r'([01])\.0\.', r'\1.conv.\2.conv.'),
                  (b + r'([01])\.1\.', r'\1.conv.\2.bn.'),
                  (b + r'2\.', r'\1.conv.2.conv.'), (b + r'3\.', r'\1.conv.2.bn.')]
        if attention:
            inner.append((b + r'4\.', rf'\1.{attention}.'))
    elif layout == 'flat':
        inner = [(b + r'0\.', r'\1.conv.0.conv.'), (b + r'1\.', r'\1.conv.0.bn.'),
                 (b + r'3\.', r'\1.conv.1.conv.'), (b + r'4\.', r'\1.conv.1.bn.'),
                 (b + r'6\.conv1\.', r'\1.coord_att.conv1.'),
                 (b + r'6\.bn1\.', r'\1.coord_att.bn1.'),
                 (b + r'6\.conv2\.', r'\1.coord_att.conv_h.'),
                 (b + r'6\.conv3\.', r'\1.coord_att.conv_w.'),
                 (b + r'7\.', r'\1.conv.2.conv.'), (b + r'8\.', r'\1.conv.2.bn.')]
    else:
        raise ValueError(f'unknown MobileNetV2 layout {layout!r}')
    return structure, rules(*inner)


# ----------------------------------------------------------------------------------------------
# sources
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Variant:
    """A hyper-parameter in which the released files of one SOURCE differ, read from the weights:
    the size ``dim`` of the first converted tensor whose key matches ``key`` (e.g. Triplet's kernel
    size from ``...triplet.cw.conv.conv.weight``). ``values`` are the released ones, the first
    is the layout's (the default)."""
    name: str
    key: str
    dim: int
    values: Tuple[int, ...]

    def read(self, state_dict: Dict[str, torch.Tensor]) -> Optional[int]:
        regex = _compiled(self.key)
        need = -self.dim if self.dim < 0 else self.dim + 1
        for k, v in state_dict.items():
            if regex.search(k) and v.dim() >= need:
                return int(v.shape[self.dim])
        return None


@dataclass(frozen=True)
class Source:
    """One released checkpoint: where it comes from, how its keys map onto our model, and the
    classification config (model and evaluation pipeline) that reproduces its network.

    ``backbone`` (or ``backbone_for(value)`` with a :class:`Variant`) holds the backbone arguments
    on top of the mmpretrain base config (plugins from :mod:`attn_plugins.placements`, style, stem
    pool); ``model`` replaces model-level fields (ABN). Keys are renamed by ``stages`` (in order;
    in each, the first matching :class:`Rule` wins) and prefixed with ``backbone.``, except keys an
    ``outside`` rule renames (the classifier, ABN's branch), which are used as renamed.
    """
    name: str                       # SOURCE (= checkpoint_layouts/<name>.json)
    module: str                     # placements.MODULES name: the config folder
    arch: str                       # 'resnet', 'resnetv1d' or 'mobilenet-v2'
    depth: Optional[int]
    tag: str                        # in config names: '<module>-<arch>_<tag>_in1k'
    description: str
    origin: str                     # repository / model hub and file
    url: str
    published_top1: Optional[float]
    num_parameters: int             # of the released network (= of our classification model)
    wrapping: str                   # the released file's wrapping
    stages: Tuple[Tuple[Rule, ...], ...] = ()
    outside: Tuple[Rule, ...] = rules((r'^fc\.', 'head.fc.'))
    backbone: dict = field(default_factory=dict)
    backbone_for: Optional[Callable[[int], dict]] = None
    model: dict = field(default_factory=dict)
    variant: Optional[Variant] = None
    eval: dict = field(default_factory=lambda: dict(TORCHVISION_EVAL))
    top1_note: str = ''             # how the published top-1 was measured
    caveats: Tuple[str, ...] = ()   # where the released network and ours are not the same function
    downstream: bool = False        # the module's source for the detection/segmentation configs
    family: str = ''                # the converters/<family>.py that defines it (set on register)

    def config_stem(self, value: Optional[int] = None) -> str:
        """Name of the classification config (``value``: a :class:`Variant` value)."""
        slug = self.module.replace('_', '-')
        arch = {'resnet': f'resnet{self.depth}', 'resnetv1d': f'resnetv1d{self.depth}',
                'mobilenet-v2': 'mobilenet-v2'}[self.arch]
        kind = '' if self.module == 'baseline' else f'{slug}-'
        if self.variant is not None and value is not None and value != self.variant.values[0]:
            kind += f'k{value}-'
        return f'{kind}{arch}_{self.tag}_in1k'

    def config(self, value: Optional[int] = None) -> str:
        """The classification config, relative to the repository root."""
        return f'configs/{self.module}/{self.config_stem(value)}.py'

    def configs(self) -> Dict[Optional[int], str]:
        """``{variant value: config}`` (``{None: config}`` without a variant)."""
        if self.variant is None:
            return {None: self.config()}
        return {v: self.config(v) for v in self.variant.values}

    def backbone_args(self, value: Optional[int] = None) -> dict:
        if self.backbone_for is not None:
            default = self.variant.values[0] if self.variant is not None else None
            return copy.deepcopy(self.backbone_for(default if value is None else value))
        return copy.deepcopy(self.backbone)

    def rename(self, key: str) -> Tuple[str, List[Callable]]:
        """Our model's key for the released ``key`` and the tensor transforms on the way."""
        for rule in self.outside:
            new = rule.apply(key)
            if new is not None:
                return new, [rule.transform] if rule.transform else []
        transforms = []
        for stage in self.stages:
            for rule in stage:
                new = rule.apply(key)
                if new is not None:
                    key = new
                    if rule.transform is not None:
                        transforms.append(rule.transform)
                    break
        return 'backbone.' + key, transforms


@dataclass(frozen=True)
class Unsupported:
    """A known release that no backbone here computes exactly: listed, never converted."""
    name: str
    description: str
    origin: str
    published_top1: Optional[float]
    reason: str


def with_cfg(plugins: List[dict], **updates) -> List[dict]:
    """A copy of a placement's ``plugins`` with ``updates`` applied to every module cfg."""
    out = copy.deepcopy(plugins)
    for entry in out:
        cfgs = [entry['cfg']] if entry.get('cfg') is not None else \
            [c for _, c in entry['cfg_by_channels']]
        for c in cfgs:
            c.update(updates)
    return out


# ----------------------------------------------------------------------------------------------
# reading, checking, writing
# ----------------------------------------------------------------------------------------------
def sha256_of(path: str) -> str:
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()


def read_checkpoint(path: str) -> Tuple[object, List[str]]:
    """``torch.load`` the released file: tensors-only unpickling first; files that pickled other
    Python objects (optimizer classes, argparse namespaces) need full unpickling — only convert
    files you trust. Returns ``(object, notes)``."""
    if not osp.isfile(path):
        raise ToolError(f'SRC {path!r} not found')
    try:
        return torch.load(path, map_location='cpu', weights_only=True), []
    except pickle.UnpicklingError:
        pass
    except Exception as e:  # noqa: BLE001  (not a torch file at all)
        raise ToolError(f'cannot read SRC {path!r} as a PyTorch checkpoint: {type(e).__name__}: '
                        f'{" ".join(str(e).split())[:200]}') from e
    try:
        obj = torch.load(path, map_location='cpu', weights_only=False)
    except Exception as e:  # noqa: BLE001
        raise ToolError(f'cannot read SRC {path!r}: {type(e).__name__}: '
                        f'{" ".join(str(e).split())[:200]}') from e
    return obj, [f'{path} holds Python objects besides tensors: read with full unpickling '
                 '(weights_only=False); only convert files you trust']


def unwrap(obj, path: str) -> Dict[str, torch.Tensor]:
    """The state dict inside a released file: a bare ``{key: tensor}``, or nested under
    ``'state_dict'`` (pytorch/examples, mmengine) or ``'model'``; DataParallel's ``module.``
    prefixes removed."""
    if isinstance(obj, dict):
        for name in ('state_dict', 'model'):
            if isinstance(obj.get(name), dict):
                obj = obj[name]
                break
    if not isinstance(obj, dict) or not obj:
        what = type(obj).__name__ if not isinstance(obj, dict) else 'an empty dict'
        raise ToolError(f'SRC {path!r} holds no state dict ({what})')
    bad = [k for k, v in obj.items() if not isinstance(v, torch.Tensor)]
    if bad:
        top = ', '.join(map(repr, list(obj)[:6]))
        raise ToolError(f'SRC {path!r} holds no state dict: entry {bad[0]!r} is a '
                        f'{type(obj[bad[0]]).__name__}, not a tensor (top-level keys: {top})')
    return {re.sub(r'^(module\.)+', '', str(k)): v for k, v in obj.items()}


@lru_cache(maxsize=None)
def meta_model(config: str):
    """The model of ``config`` (relative to the repository root) on the meta device (shapes, no
    memory), built once per process. Do not modify it (copy it)."""
    if not osp.isfile(osp.join(REPO, config)):
        raise ToolError(f'classification config {config} not found under {REPO} (configs/ is '
                        'written by tools/misc/generate_configs.py)')
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return build_model(config, device='meta')


def expected_state(config: str) -> Dict[str, Tuple[Tuple[int, ...], torch.dtype]]:
    """``{key: (shape, dtype)}`` of the model that ``config`` builds."""
    return {k: (tuple(v.shape), v.dtype) for k, v in meta_model(config).state_dict().items()}


def build_model(config: str, device: str = 'cpu'):
    """The model of ``config`` (relative to the repository root), in its scope."""
    import warnings

    import attn_plugins  # noqa: F401  (registers the backbones and modules)
    from mmengine.config import Config
    from mmengine.registry import MODELS, init_default_scope
    with warnings.catch_warnings():
        warnings.filterwarnings('ignore', message='pkg_resources is deprecated')
        cfg = Config.fromfile(osp.join(REPO, config))
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    with torch.device(device):
        return MODELS.build(cfg.model)


def _shape(t) -> List[int]:
    return list(t.shape) if isinstance(t, torch.Tensor) else list(t)


def map_state_dict(source: Source, sd: Dict[str, torch.Tensor], path: str
                   ) -> Tuple[Dict[str, torch.Tensor], Dict[str, str]]:
    """Rename (and reshape) every tensor; returns ``(converted, {our key: released key})``."""
    out, origin = {}, {}
    for key, value in sd.items():
        new, transforms = source.rename(key)
        for t in transforms:
            value = t(value)
        if new in out:
            raise ToolError(f'SRC {path!r} does not fit {source.name}: keys {origin[new]!r} and '
                            f'{key!r} both map to {new!r}')
        out[new], origin[new] = value, key
    return out, origin


def check_against(source: Source, out: Dict[str, torch.Tensor], origin: Dict[str, str],
                  expected: Dict[str, Tuple[tuple, torch.dtype]], config: str, path: str) -> None:
    """Fill the ``num_batches_tracked`` buffers old files lack, then require exactly the model's
    keys and shapes; otherwise one line naming the first offending key (in file order: unused or
    mis-shaped keys, then missing ones) and its shape."""
    for k, (shape, dtype) in expected.items():
        if k.endswith('num_batches_tracked') and k not in out:
            out[k] = torch.zeros(shape, dtype=dtype)
    unexpected = [k for k in out if k not in expected]
    mismatched = [k for k in out if k in expected and tuple(out[k].shape) != expected[k][0]]
    missing = [k for k in expected if k not in out]
    if not (unexpected or mismatched or missing):
        return
    first = [k for k in out if k in unexpected or k in mismatched][:1]
    if first:
        k = first[0]
        if k in unexpected:
            what = (f'key {origin[k]!r} {_shape(out[k])} has no place in the model of {config} '
                    f'(it would be {k!r})')
        else:
            what = (f'key {origin[k]!r} has shape {_shape(out[k])}, the model of {config} '
                    f'expects {list(expected[k][0])} at {k!r}')
    else:
        k = missing[0]
        what = f'the model of {config} needs {k!r} {list(expected[k][0])}, which the file lacks'
    counts = ', '.join(f'{n} {label}' for n, label in ((len(missing), 'missing'),
                                                        (len(unexpected), 'unexpected'),
                                                        (len(mismatched), 'of another shape'))
                       if n)
    raise ToolError(f'SRC {path!r} does not fit SOURCE {source.name}: {what} ({counts}); it is '
                    f'not the released {source.origin} file (another module or architecture?). '
                    'convert.py --list shows what each SOURCE is')


def convert(source: Union[str, Source], src: str, dst: str, overwrite: bool = False) -> dict:
    """Convert the released file ``src`` of ``source`` into the mmengine checkpoint ``dst``.

    Nothing is written unless every check passes; an existing ``dst`` is replaced only with
    ``overwrite`` (atomically). Returns a summary (``config``, ``meta``, ``notes``, ...).
    """
    from . import get_source
    source = get_source(source) if isinstance(source, str) else source
    if osp.exists(dst) and not overwrite:
        raise ToolError(f'DST {dst!r} exists; pass --overwrite to replace it')
    if osp.exists(dst) and osp.isdir(dst):
        raise ToolError(f'DST {dst!r} is a directory; give the output file name')
    if osp.exists(src) and osp.exists(dst) and osp.samefile(src, dst):
        raise ToolError(f'DST {dst!r} is SRC; write the converted file elsewhere')
    obj, notes = read_checkpoint(src)
    sha = sha256_of(src)
    sd = unwrap(obj, src)
    del obj
    out, origin = map_state_dict(source, sd, src)
    value = None
    if source.variant is not None:
        value = source.variant.read(out)
        if value is not None and value not in source.variant.values:
            k = next(k for k in out if re.search(source.variant.key, k))
            raise ToolError(f'SRC {src!r}: {source.variant.name}={value} (key {origin[k]!r} '
                            f'{_shape(out[k])}) is none of the released {source.name} files '
                            f'({", ".join(map(str, source.variant.values))})')
        if value is None:
            value = source.variant.values[0]
    config = source.config(value)
    check_against(source, out, origin, expected_state(config), config, src)
    import attn_plugins
    meta = dict(source=source.name, sha256=sha, config=config, src=osp.basename(src),
                origin=source.origin, url=source.url, published_top1=source.published_top1,
                converter=f'attn_plugins {attn_plugins.__version__} '
                          'tools/model_converters/convert.py')
    if value is not None:
        meta[source.variant.name] = value
    _write({'state_dict': out, 'meta': meta}, dst, overwrite)
    return dict(source=source.name, config=config, dst=dst, meta=meta, notes=notes,
                num_tensors=len(out),
                num_parameters=sum(out[k].numel() for k in out if out[k].is_floating_point()
                                   and not re.search(r'running_(mean|var)$', k)))


def _write(obj, dst: str, overwrite: bool) -> None:
    directory = osp.dirname(osp.abspath(dst))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f'.{osp.basename(dst)}.', suffix='.tmp', dir=directory)
    os.close(fd)
    try:
        torch.save(obj, tmp)
        if osp.exists(dst) and not overwrite:  # appeared meanwhile
            raise ToolError(f'DST {dst!r} exists; pass --overwrite to replace it')
        os.replace(tmp, dst)
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        raise
