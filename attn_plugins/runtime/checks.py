"""Checks that run before any training starts (the data checks are in :mod:`.data_checks`):
work-dir safety (:func:`guard_work_dir`), pretrained backbone vs model
(:func:`check_pretrained_backbone`), test checkpoint vs model (:func:`check_checkpoint_matches`) and
the checkpoint a training run resumes or loads (``--resume``, auto-resume, ``load_from``): readable
and resumable before anything is built (:func:`check_train_checkpoint_file`), against the built
model and optimizer before ``runner.train()`` (:func:`check_train_checkpoint`)."""
import copy
import os
import os.path as osp
import pickle
import re
import shutil
import time
import zipfile
from typing import Dict, List, Optional, Sequence, Tuple

import torch

from .common import CKPT_STEP_RE, REMOTE_CKPT_PREFIXES, ToolError
from .data_checks import _is_remote
from .errors import _first_line


# ==============================================================================================
# work-dir safety
# ==============================================================================================
def _checkpoint_dirs(cfg) -> List[str]:
    """Where the CheckpointHook writes: the work dir, or ``out_dir/<work dir name>``."""
    work_dir = osp.abspath(cfg.work_dir)
    dirs = [work_dir]
    hook = (cfg.get('default_hooks') or {}).get('checkpoint') or {}
    out_dir = hook.get('out_dir') if isinstance(hook, dict) else None
    if out_dir and not _is_remote(out_dir):
        dirs.append(osp.join(osp.abspath(out_dir), osp.basename(work_dir.rstrip(os.sep))))
    return dirs


def existing_checkpoints(directory: str) -> List[str]:
    """Checkpoint files of an earlier run directly inside ``directory`` (sorted names)."""
    if not osp.isdir(directory):
        return []
    names = []
    for name in os.listdir(directory):
        if osp.isfile(osp.join(directory, name)) and (name == 'last_checkpoint'
                                                      or name.endswith('.pth')):
            names.append(name)
    return sorted(names, key=_ckpt_sort_key)


def _ckpt_sort_key(name: str):
    m = CKPT_STEP_RE.search(name)
    return (m.group(1), int(m.group(2)), name) if m else ('~', 0, name)


def _step_of(path: str) -> Optional[Tuple[str, int]]:
    m = CKPT_STEP_RE.search(osp.basename(str(path)))
    return (m.group(1), int(m.group(2))) if m else None


def _move_aside(directory: str, names: Sequence[str], stamp: str) -> str:
    dest = osp.join(directory, f'previous_run_{stamp}')
    n = 1
    while osp.exists(dest):
        n += 1
        dest = osp.join(directory, f'previous_run_{stamp}_{n}')
    os.makedirs(dest)
    for name in names:
        shutil.move(osp.join(directory, name), osp.join(dest, name))
    return dest


def _summary(names: Sequence[str], limit: int = 4, unit: str = 'files') -> str:
    shown = ', '.join(names[:limit])
    return shown + (f', ... ({len(names)} {unit})' if len(names) > limit else '')


def guard_work_dir(cfg, overwrite: bool = False, stamp: Optional[str] = None) -> List[str]:
    """Never let a new run overwrite an earlier run's checkpoints silently.

    - new run (``cfg.resume`` false) into a directory with checkpoints: :class:`ToolError`, unless
      ``overwrite``: then they are moved into ``previous_run_<stamp>/`` (reported);
    - ``--resume`` (auto or CKPT): nothing is touched here; the checkpoints after CKPT are moved
      by :func:`set_aside_later_checkpoints`, once CKPT is known to fit the model;
    - auto-resume (``--resume`` without CKPT) into a directory with checkpoints but no
      ``last_checkpoint``: mmengine would start from scratch and overwrite them, so it is refused
      as a new run is (the line names the latest one to pass as ``--resume CKPT``).

    Returns the notes to report.
    """
    if cfg.get('resume', False):
        # mmengine writes last_checkpoint into the work dir, also when out_dir holds the files
        auto = cfg.get('load_from', None) is None
        if auto and latest_checkpoint(osp.abspath(cfg.work_dir)) is None:
            for directory in _checkpoint_dirs(cfg):
                names = [n for n in existing_checkpoints(directory) if n.endswith('.pth')]
                if names:
                    stepped = [n for n in names if _step_of(n)] or names
                    latest = osp.join(directory, stepped[-1])
                    raise ToolError(
                        f'--resume: work_dir {directory!r} holds checkpoints '
                        f'({_summary(names)}) but no last_checkpoint, so mmengine would start '
                        f'from scratch and overwrite them: pass --resume {latest} to continue '
                        'from it, or start over with --overwrite instead of --resume (they are '
                        'moved into previous_run_<timestamp>/)')
        return []
    stamp = stamp or time.strftime('%Y%m%d_%H%M%S')
    notes = []
    for directory in _checkpoint_dirs(cfg):
        names = existing_checkpoints(directory)
        if not names:
            continue
        if not overwrite:
            raise ToolError(
                f'work_dir {directory!r} already holds checkpoints of an earlier run '
                f'({_summary(names)}); a new run would overwrite them: pass --resume to '
                'continue that run, --work-dir to start elsewhere, or --overwrite to start '
                'over here (the earlier checkpoints are moved into previous_run_<timestamp>/)')
        dest = _move_aside(directory, names, stamp)
        notes.append(f'--overwrite: moved the earlier run\'s checkpoints ({_summary(names)}) '
                     f'into {dest}')
    return notes


def set_aside_later_checkpoints(cfg, stamp: Optional[str] = None) -> List[str]:
    """``--resume CKPT`` (``resume`` with ``load_from``): the checkpoints of later steps than CKPT
    (which the resumed run would overwrite) are moved into ``previous_run_<stamp>/`` (reported).
    Call it after CKPT was checked (:func:`check_train_checkpoint`), so a refused resume moves
    nothing. Auto-resume and new runs: nothing. Returns the notes to report."""
    load_from = cfg.get('load_from', None)
    if not (cfg.get('resume', False) and load_from):
        return []
    step = _step_of(load_from)
    if step is None:
        return []
    stamp = stamp or time.strftime('%Y%m%d_%H%M%S')
    notes = []
    for directory in _checkpoint_dirs(cfg):
        later = [n for n in existing_checkpoints(directory)
                 if (_step_of(n) or ('', -1))[0] == step[0] and _step_of(n)[1] > step[1]]
        if later:
            dest = _move_aside(directory, later, stamp)
            notes.append(f'resuming from {step[0]} {step[1]}: moved the later checkpoints '
                         f'({_summary(later)}) into {dest} so the resumed run does not '
                         'overwrite them')
    return notes


# ==============================================================================================
# checkpoint checks
# ==============================================================================================
def unwrap_model(model):
    """The model under DDP/TTA wrappers (what checkpoints are loaded into)."""
    from mmengine.model import BaseTTAModel, is_model_wrapper
    while is_model_wrapper(model) or isinstance(model, BaseTTAModel):
        model = model.module
    return model


def _torch_load(path: str):
    try:  # memory-mapped: only the pickled structure is read (cheap for large files)
        return torch.load(path, map_location='cpu', weights_only=False, mmap=True)
    except Exception:  # noqa: BLE001  (legacy, non-zip format: no mmap)
        return torch.load(path, map_location='cpu', weights_only=False)


def _is_corrupt(e: Exception) -> bool:
    """What torch.load raises for a truncated or damaged file: a zip cut short gives RuntimeError
    (no central directory) or OSError (errno 22, cut inside the records), a legacy pickle
    RuntimeError (unexpected EOF) or EOFError, other bytes UnpicklingError / ValueError. Not a
    missing file, a directory or one without read permission."""
    if isinstance(e, (PermissionError, FileNotFoundError, IsADirectoryError)):
        return False
    return isinstance(e, (RuntimeError, OSError, EOFError, pickle.UnpicklingError, ValueError,
                          OverflowError, zipfile.BadZipFile))


_RESUME_ADVICE = ('resume from the {which} one: --resume {prev}',
                  'no earlier checkpoint in {dir} can be read: start a new run there with '
                  '--overwrite (without --resume), or elsewhere with --work-dir')
_ADVICE = {  # what to do with the previous checkpoint of the work dir (None: there is none)
    'resume': _RESUME_ADVICE,
    'auto-resume': _RESUME_ADVICE,
    'load_from': ('load the {which} one: --cfg-options load_from={prev}',
                  'save it again or point load_from at another checkpoint'),
    'test': ('test the {which} one: {prev}', 'save it again or test another checkpoint'),
    None: (None, 'save it again or use another checkpoint'),
}


def readable_checkpoint_before(directory: str, step: Optional[Tuple[str, int]] = None
                               ) -> Optional[str]:
    """The latest checkpoint in ``directory`` that ``torch.load`` can read, among those before
    ``step`` (``('epoch', 3)``: epoch_1/2.pth, by number; ``None``: all of them); plain
    ``epoch_N.pth``/``iter_N.pth`` before ``best_*`` at the same step."""
    found = []
    for name in existing_checkpoints(directory):
        s = _step_of(name)
        if s is None or (step is not None and (s[0] != step[0] or s[1] >= step[1])):
            continue
        found.append((s[1], not CKPT_STEP_RE.fullmatch(name), name))
    found.sort(key=lambda t: (-t[0], t[1], t[2]))
    for _, _, name in found:
        path = osp.join(directory, name)
        try:
            _torch_load(path)
        except Exception:  # noqa: BLE001
            continue
        return path
    return None


def _advice(how: Optional[str], directory: str, prev: Optional[str],
            which: str = 'previous') -> str:
    with_prev, without = _ADVICE[how]
    if prev is not None and with_prev is not None:
        return with_prev.format(prev=prev, which=which)
    return without.format(dir=directory)


def read_checkpoint(path: str, how: Optional[str] = None, what: Optional[str] = None):
    """The checkpoint object in ``path`` (memory-mapped). A file ``torch.load`` cannot read is a
    :class:`ToolError` naming it; a corrupt / truncated one also names the previous readable
    checkpoint of its directory (by epoch/iteration) and what to do with it, per ``how``:
    ``'resume'``, ``'auto-resume'``, ``'load_from'``, ``'test'`` or ``None``. ``what`` starts the
    line (default ``checkpoint '<path>'``)."""
    what = what or f'checkpoint {path!r}'
    try:
        return _torch_load(path)
    except Exception as e:  # noqa: BLE001
        if not _is_corrupt(e):  # a class the pickle needs, permissions, ...
            raise ToolError(f'cannot read {what}: {type(e).__name__}: '
                            f'{_first_line(str(e))}') from e
        directory = osp.dirname(osp.abspath(path))
        prev = readable_checkpoint_before(directory, _step_of(path))
        reason = _first_line(str(e)).split('. ')[0].rstrip('.')  # torch adds "please report"
        raise ToolError(f'{what} is corrupt or truncated ({type(e).__name__}: {reason}); '
                        f'{_advice(how, directory, prev)}') from e


def _state_dict_of(ckpt, path: str) -> Dict[str, torch.Tensor]:
    """What mmengine loads into the model: ``ckpt['state_dict']`` or the checkpoint itself."""
    if isinstance(ckpt, dict) and isinstance(ckpt.get('state_dict'), dict):
        ckpt = ckpt['state_dict']
    if not isinstance(ckpt, dict):
        raise ToolError(f'checkpoint {path!r} holds no state dict')
    return ckpt


def _load_state_dict(path: str) -> Dict[str, torch.Tensor]:
    return _state_dict_of(read_checkpoint(path), path)


def _plugin_types() -> tuple:
    from mmcv.cnn import ContextBlock, GeneralizedAttention, NonLocal2d

    from ..modules import AttentionModule
    return (AttentionModule, ContextBlock, GeneralizedAttention, NonLocal2d)


def plugin_prefixes(module: torch.nn.Module) -> List[str]:
    """Prefixes (``'layer1.0.se.'``) of the attention plugins inside ``module``: attn_plugins
    modules, mmcv's plugin layers and every child a host lists in ``plugin_names`` or mmdet's
    ``after_conv{1,2,3}_plugin_names``."""
    plugin_types = _plugin_types()
    prefixes = set()
    for name, m in module.named_modules():
        if name and isinstance(m, plugin_types):
            prefixes.add(name + '.')
        listed = list(getattr(m, 'plugin_names', ()) or ())
        for attr in ('after_conv1_plugin_names', 'after_conv2_plugin_names',
                     'after_conv3_plugin_names'):
            listed += list(getattr(m, attr, ()) or ())
        for child in listed:
            if isinstance(child, str):
                prefixes.add(f'{name}.{child}.' if name else f'{child}.')
    return sorted(prefixes)


def compare_state_dicts(model_sd: Dict[str, torch.Tensor], ckpt_sd: Dict[str, torch.Tensor],
                        optional_prefixes: Sequence[str] = ()) -> dict:
    """Keys of the model missing from the checkpoint (split into required / optional, the latter
    under ``optional_prefixes``), unexpected keys and shape mismatches."""
    def skip(k):
        return k.endswith('num_batches_tracked')
    missing = [k for k in model_sd if k not in ckpt_sd and not skip(k)]
    optional = [k for k in missing if k.startswith(tuple(optional_prefixes))]
    required = [k for k in missing if not k.startswith(tuple(optional_prefixes))]
    unexpected = [k for k in ckpt_sd if k not in model_sd and not skip(k)]
    mismatched = [(k, tuple(ckpt_sd[k].shape), tuple(model_sd[k].shape)) for k in model_sd
                  if k in ckpt_sd and hasattr(ckpt_sd[k], 'shape')
                  and tuple(ckpt_sd[k].shape) != tuple(model_sd[k].shape)]
    return dict(total=len([k for k in model_sd if not skip(k)]), missing=required,
                optional_missing=optional, unexpected=unexpected, mismatched=mismatched)


def _mismatch_text(report: dict, what: str) -> str:
    parts = [f'{len(report["missing"])} of {report["total"]} {what} keys missing']
    parts.append(f'{len(report["mismatched"])} with a different shape')
    if report['unexpected']:
        parts.append(f'{len(report["unexpected"])} unexpected')
    examples = []
    if report['mismatched']:
        k, c, m = report['mismatched'][0]
        examples.append(f'{k}: checkpoint {list(c)} vs model {list(m)}')
    if report['missing']:
        examples.append(f'missing {report["missing"][0]}')
    return ', '.join(parts) + (f' (e.g. {"; ".join(examples)})' if examples else '')


def _pretrained_inits(module) -> List[dict]:
    init_cfg = getattr(module, 'init_cfg', None)
    inits = init_cfg if isinstance(init_cfg, (list, tuple)) else [init_cfg]
    return [dict(i) for i in inits if isinstance(i, dict) and i.get('type') == 'Pretrained']


PLUGINS_ALLOWANCE = 'plugins'


def _as_patterns(value, name: str) -> List[str]:
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value)
    for p in items:
        if not isinstance(p, str):
            raise ToolError(f'init_cfg {name} entries must be strings (regular expressions, or '
                            f"'{PLUGINS_ALLOWANCE}'), got {p!r}")
        try:
            re.compile(p)
        except re.error as e:
            raise ToolError(f'init_cfg {name} entry {p!r} is not a regular expression ({e})') \
                from e
    return items


def _shape(t) -> list:
    return list(getattr(t, 'shape', ()))


def pretrained_mismatch(module: torch.nn.Module, state_dict: Dict[str, torch.Tensor],
                        allow_missing=(), allow_unexpected=(), what: str = 'backbone'
                        ) -> Tuple[Optional[str], List[str]]:
    r"""Strict comparison of a checkpoint's ``state_dict`` with ``module`` (what a strict
    ``init_cfg=dict(type='Pretrained', ..., strict=True)`` requires).

    Every key of the module must be in the checkpoint with the same shape and every checkpoint key
    must be used (``num_batches_tracked`` buffers excepted, as :func:`compare_state_dicts`), except
    what the config allows explicitly: ``allow_missing`` / ``allow_unexpected`` are regular
    expressions matched at the start of a key (``r'fc\.'``); ``allow_missing='plugins'`` allows
    every key of the attention plugins (a plain pretrained ResNet with randomly initialised
    plugins). A shape mismatch is never allowed. Returns ``(problem or None, notes)``: the problem
    as one line naming the first offending key and its shape, notes on what the allowances let
    through.
    """
    missing_ok = _as_patterns(allow_missing, 'allow_missing')
    unexpected_ok = [re.compile(p) for p in _as_patterns(allow_unexpected, 'allow_unexpected')]
    plugins = plugin_prefixes(module) if PLUGINS_ALLOWANCE in missing_ok else ()
    missing_re = [re.compile(p) for p in missing_ok if p != PLUGINS_ALLOWANCE]
    model_sd = module.state_dict()
    report = compare_state_dicts(model_sd, state_dict, plugins)
    allowed_missing = report['optional_missing'] + [
        k for k in report['missing'] if any(r.match(k) for r in missing_re)]
    report['missing'] = [k for k in report['missing'] if k not in allowed_missing]
    report['optional_missing'] = []
    allowed_unexpected = [k for k in report['unexpected'] if any(r.match(k) for r in unexpected_ok)]
    report['unexpected'] = [k for k in report['unexpected'] if k not in allowed_unexpected]
    notes = []
    if allowed_missing:
        notes.append(f'pretrained: {len(allowed_missing)} {what} keys are not in the checkpoint '
                     f'and keep their initialisation, as the config allows (allow_missing='
                     f'{missing_ok!r}; e.g. {allowed_missing[0]})')
    if allowed_unexpected:
        notes.append(f'pretrained: {len(allowed_unexpected)} checkpoint keys are not used by the '
                     f'{what}, as the config allows (allow_unexpected={allow_unexpected!r}; e.g. '
                     f'{allowed_unexpected[0]})')
    if not (report['missing'] or report['unexpected'] or report['mismatched']):
        return None, notes
    problem = _mismatch_text(report, what)
    if report['unexpected']:
        k = report['unexpected'][0]
        problem += f'; first unexpected: {k} {_shape(state_dict[k])}'
    if report['missing']:
        k = report['missing'][0]
        problem += f'; first missing: {k} {_shape(model_sd[k])}'
    return problem, notes


def _backbone_state_dict(path: str, prefix: Optional[str]) -> Dict[str, torch.Tensor]:
    """The state dict ``init_cfg=dict(type='Pretrained', checkpoint=path, prefix=prefix)``
    loads (mmengine: keys under ``prefix`` with it stripped, else ``module.`` stripped)."""
    sd = _load_state_dict(path)
    if prefix:
        prefix = prefix if prefix.endswith('.') else prefix + '.'
        sd = {k[len(prefix):]: v for k, v in sd.items() if k.startswith(prefix)}
        if not sd:
            raise ToolError(f'pretrained checkpoint {path!r} has no keys starting with '
                            f'{prefix!r} (model.backbone.init_cfg.prefix)')
        return sd
    return {re.sub(r'^module\.', '', k): v for k, v in sd.items()}


def check_pretrained_backbone(model, strict: bool = True) -> List[str]:
    """Compare a pretrained backbone checkpoint with the backbone before training (one line).

    ``init_cfg=dict(type='Pretrained', ..., strict=True)`` (every generated config and
    ``--pretrained-backbone``): any key the config does not allow (``allow_missing`` /
    ``allow_unexpected``, see :func:`pretrained_mismatch`) that is missing, unused or of another
    shape raises a :class:`ToolError` naming it; the initializer itself (the strict ``Pretrained``
    shim in :mod:`attn_plugins.compat`) enforces the same wherever the model is built, so remote
    checkpoints (``torchvision://``, URLs) are checked when they are loaded.

    Plain mmengine ``Pretrained`` (a user's config) loads with ``strict=False`` and only *warns*,
    so here missing keys of attention plugins are allowed and reported, any other missing key or a
    shape mismatch raises, unused keys are reported; local files only.

    ``strict=False`` (``--skip-pretrained-check``) turns the errors into notes. Returns notes.
    """
    backbone = getattr(unwrap_model(model), 'backbone', None)
    if backbone is None:
        return []
    notes = []
    for init in _pretrained_inits(backbone):
        path, prefix = str(init.get('checkpoint')), init.get('prefix')
        if path.startswith(REMOTE_CKPT_PREFIXES):
            continue
        if not osp.isfile(path):
            raise ToolError(f'pretrained checkpoint {path!r} (model.backbone.init_cfg) not found')
        sd = _backbone_state_dict(path, prefix)
        if init.get('strict', False):
            problem, allowed = pretrained_mismatch(backbone, sd, init.get('allow_missing'),
                                                   init.get('allow_unexpected'))
            if problem:
                msg = (f'pretrained checkpoint {path!r} does not match model.backbone '
                       f'({type(backbone).__name__}) and is loaded strictly (init_cfg '
                       f'strict=True): {problem}. Use a checkpoint of the same architecture, allow '
                       'what may differ with init_cfg allow_missing/allow_unexpected, or '
                       '--skip-pretrained-check to load it non-strictly')
                if strict:
                    raise ToolError(msg)
                notes.append(msg)
            notes += allowed
            continue
        report = compare_state_dicts(backbone.state_dict(), sd, plugin_prefixes(backbone))
        if report['missing'] or report['mismatched']:
            msg = (f'pretrained checkpoint {path!r} does not match model.backbone '
                   f'({type(backbone).__name__}): {_mismatch_text(report, "backbone")}; mmengine '
                   'would only warn and train a partly random backbone. Use a checkpoint of the '
                   'same architecture, or --skip-pretrained-check to load it anyway')
            if strict:
                raise ToolError(msg)
            notes.append(msg)
        if report['optional_missing']:
            notes.append(f'pretrained: {len(report["optional_missing"])} attention-plugin keys '
                         f'are not in {path} and keep their initialisation')
        if report['unexpected']:
            notes.append(f'pretrained: {len(report["unexpected"])} keys of {path} are not used by '
                         f'model.backbone (e.g. {report["unexpected"][0]})')
    return notes


# ==============================================================================================
# checkpoints the tools load into the model: tools/test.py, --resume, auto-resume, load_from
# ==============================================================================================
def _plugin_abbreviations() -> List[str]:
    """The names plugin layers get inside a block (mmcv ``build_plugin_layer``: ``_abbr_``, else
    the class name in snake case), for every plugin type (:func:`plugin_prefixes`)."""
    from mmcv.cnn.bricks.plugin import infer_abbr

    def subclasses(cls):
        yield cls
        for sub in cls.__subclasses__():
            yield from subclasses(sub)
    names = set()
    for base in _plugin_types():
        for cls in subclasses(base):
            if cls.__name__ != 'AttentionModule':
                names.add(getattr(cls, '_abbr_', None) or infer_abbr(cls))
    return sorted(n for n in names if n)


def unused_attention_keys(model: torch.nn.Module, keys: Sequence[str]) -> Dict[str, List[str]]:
    """The checkpoint ``keys`` (unexpected by ``model``) that belong to attention plugins the model
    does not have, by plugin prefix (``{'backbone.layer1.0.se.': [...]}``): a key ``P.N.rest``
    where ``P`` is a module of the model, ``N`` is not, and ``N`` is a plugin layer name
    (``<abbr><postfix>``: ``se``, ``cbam_1``, ``gct2``, ``gct_downsample``, ``bam3``,
    ``context_block``, ...)."""
    abbrs = '|'.join(re.escape(a) for a in sorted(_plugin_abbreviations(), key=len, reverse=True))
    name_re = re.compile(rf'(?:{abbrs})(?:\d+|_\w*)?')
    modules = {name for name, _ in model.named_modules()}
    found: Dict[str, List[str]] = {}
    for key in keys:
        parts = key.split('.')
        for i in range(len(parts) - 1):
            parent, prefix = '.'.join(parts[:i]), '.'.join(parts[:i + 1])
            if parent not in modules:
                break
            if prefix not in modules and name_re.fullmatch(parts[i]):
                found.setdefault(prefix + '.', []).append(key)
                break
    return found


def _is_head_key(key: str) -> bool:
    """A key of a model's head (``head.``, ``bbox_head.``, ``roi_head.``, ``decode_head.``,
    ``auxiliary_head.``, ...): what fine-tuning with another number of classes re-initialises."""
    return key.split('.', 1)[0].endswith('head')


def _fit(model: torch.nn.Module, sd: Dict[str, torch.Tensor], mode: str,
         allow_unused_attention: bool) -> Tuple[Optional[str], List[str]]:
    """How a checkpoint's state dict fits ``model`` when loaded for ``mode`` (``'test'``,
    ``'resume'``, ``'load_from'``): ``(problem or None, notes)``.

    Refused in every mode: model keys missing or of another shape (mmengine loads non-strictly, so
    they would keep their random initialisation), and keys of attention modules the model does not
    have (unless ``allow_unused_attention``). ``load_from`` also allows what fine-tuning from
    another model of the family leaves initialised: missing attention-plugin keys and missing or
    misshapen head keys (another number of classes); those are notes. Other unused keys are
    notes. Data preprocessors' buffers (normally non-persistent) are set by the config."""
    model_sd = model.state_dict()
    optional = ('data_preprocessor.', ) + (tuple(plugin_prefixes(model))
                                          if mode == 'load_from' else ())
    report = compare_state_dicts(model_sd, sd, optional)
    notes = []
    plugins_missing = [k for k in report['optional_missing']
                       if not k.startswith('data_preprocessor.')]
    if plugins_missing:
        notes.append(f'load_from: {len(plugins_missing)} attention-plugin keys are not in the '
                     f'checkpoint and keep their initialisation (e.g. {plugins_missing[0]})')
    if mode == 'load_from':
        head_missing = [k for k in report['missing'] if _is_head_key(k)]
        head_shape = [m for m in report['mismatched'] if _is_head_key(m[0])]
        report['missing'] = [k for k in report['missing'] if k not in head_missing]
        report['mismatched'] = [m for m in report['mismatched'] if m not in head_shape]
        if head_missing or head_shape:
            e = (f'{head_shape[0][0]}: checkpoint {list(head_shape[0][1])} vs model '
                 f'{list(head_shape[0][2])}' if head_shape else f'missing {head_missing[0]}')
            notes.append(f'load_from: {len(head_shape)} head keys of another shape and '
                         f'{len(head_missing)} missing keep their initialisation (fine-tuning '
                         f'with a new head; e.g. {e})')
    attention = unused_attention_keys(model, report['unexpected'])
    attention_keys = [k for keys in attention.values() for k in keys]
    others = [k for k in report['unexpected'] if k not in set(attention_keys)]
    if report['missing'] or report['mismatched']:
        return f'does not match the model of the config: {_mismatch_text(report, "model")}', notes
    if attention and not allow_unused_attention:
        first = attention_keys[0]
        doing = dict(test='tools/test.py would evaluate the model without them',
                     resume='the resumed run would train without them',
                     load_from='training would start without them')[mode]
        use = ('test it with the config it was trained with (the same plugins)' if mode == 'test'
               else 'use a config with the plugins it was trained with')
        return (f'holds {len(attention)} attention modules the model of the config does not have '
                f'({len(attention_keys)} keys under {_summary(sorted(attention), 2, "modules")}; '
                f'e.g. {first} {_shape(sd[first])}): {doing}; {use}, or pass '
                '--allow-unused-attention to load it without them'), notes
    if attention:
        notes.append(f'--allow-unused-attention: {len(attention_keys)} keys of {len(attention)} '
                     'attention modules the model does not have are not loaded (e.g. '
                     f'{attention_keys[0]})')
    if others:
        notes.append(f'checkpoint: {len(others)} keys are not used by the model (e.g. '
                     f'{others[0]})')
    return None, notes


def _loaded_keys(ckpt, path: str) -> Dict[str, torch.Tensor]:
    """The state dict as mmengine's ``load_checkpoint`` loads it into the model (``'module.'``
    stripped: ``revise_keys=[(r'^module\.', '')]``)."""
    return {re.sub(r'^module\.', '', k): v for k, v in _state_dict_of(ckpt, path).items()}


def check_checkpoint_matches(model, path: str, allow_unused_attention: bool = False
                             ) -> List[str]:
    """``tools/test.py``: refuse a checkpoint that leaves model weights missing or misshapen
    (mmengine loads it non-strictly and would evaluate random weights) or that holds attention
    modules the model lacks (it would be evaluated without them; ``--allow-unused-attention``
    allows it). A corrupt file is named with the previous checkpoint of its work dir. Notes."""
    if path.startswith(REMOTE_CKPT_PREFIXES):
        return []
    problem, notes = _fit(unwrap_model(model), _loaded_keys(read_checkpoint(path, 'test'), path),
                          'test', allow_unused_attention)
    if problem:
        raise ToolError(f'checkpoint {path!r} {problem}')
    return notes


def latest_checkpoint(work_dir: str) -> Optional[str]:
    """What mmengine's auto-resume loads (``find_latest_checkpoint``): the path written in
    ``WORK_DIR/last_checkpoint`` (stripped), ``None`` without that file."""
    marker = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(marker):
        return None
    with open(marker) as f:
        return f.read().strip()


def train_checkpoint(cfg) -> Optional[Tuple[str, str]]:
    """``(path, how)`` of the checkpoint ``runner.train()`` loads (mmengine ``load_or_resume``):
    ``'auto-resume'`` (``resume`` without ``load_from``: WORK_DIR/last_checkpoint, ``None`` if
    there is none: a new run), ``'resume'`` (``resume`` and ``load_from``) or ``'load_from'``."""
    resume, load_from = bool(cfg.get('resume', False)), cfg.get('load_from', None)
    if resume and load_from is None:
        path = latest_checkpoint(osp.abspath(cfg.work_dir))
        return None if path is None else (path, 'auto-resume')
    if load_from:
        return str(load_from), 'resume' if resume else 'load_from'
    return None


def _what(path: str, how: str, cfg) -> str:
    if how == 'auto-resume':
        marker = osp.join(osp.abspath(cfg.work_dir), 'last_checkpoint')
        return f'--resume: the latest checkpoint {path!r} (named in {marker})'
    return f'{"--resume" if how == "resume" else "load_from"}: checkpoint {path!r}'


def check_train_checkpoint_file(cfg) -> List[str]:
    """Before anything is built or moved: the checkpoint a training run will load
    (:func:`train_checkpoint`) exists and can be read (a corrupt / truncated one is named, with
    the previous checkpoint of its work dir to use instead), and one to resume from holds the
    training state mmengine's ``resume`` reads (``meta`` epoch/iter, ``message_hub``). Remote
    checkpoints are left to mmengine. Returns notes."""
    found = train_checkpoint(cfg)
    if found is None or found[0].startswith(REMOTE_CKPT_PREFIXES):
        return []
    path, how = found
    what = _what(path, how, cfg)
    if not osp.isfile(path):
        if how != 'auto-resume':
            raise ToolError(f'{what} not found')
        work_dir = osp.abspath(cfg.work_dir)
        prev = readable_checkpoint_before(work_dir, None)
        raise ToolError(f'{what} does not exist; {_advice(how, work_dir, prev, "latest")}')
    ckpt = read_checkpoint(path, how, what)
    if how != 'load_from':
        meta = ckpt.get('meta') if isinstance(ckpt, dict) else None
        lacking = [k for k, ok in (('meta.epoch', isinstance(meta, dict) and 'epoch' in meta),
                                   ('meta.iter', isinstance(meta, dict) and 'iter' in meta),
                                   ('message_hub', isinstance(ckpt, dict)
                                    and 'message_hub' in ckpt)) if not ok]
        if lacking:
            raise ToolError(f'{what} holds no training state to resume ({", ".join(lacking)} '
                            'missing: a model file, not a checkpoint of a training run); start '
                            f'from its weights with --cfg-options load_from={path} (without '
                            '--resume)')
    return []


def _optimizers(optim_wrapper) -> Dict[str, torch.optim.Optimizer]:
    from mmengine.optim import OptimWrapperDict
    if isinstance(optim_wrapper, OptimWrapperDict):
        return {name: w.optimizer for name, w in optim_wrapper.items()}
    return {'': optim_wrapper.optimizer}


def optimizer_mismatch(optim_wrapper, saved, names: Optional[Dict[int, str]] = None
                       ) -> Optional[str]:
    """Why ``optim_wrapper.load_state_dict(saved)`` (mmengine ``resume``) would fail or the first
    step after it would: another number of parameter groups or of parameters in a group (torch
    raises at load), or a state tensor (momentum, Adam moments) of another shape than its
    parameter (the step fails). ``names``: ``id(param) -> name`` for the message. ``None`` if it
    fits."""
    names = names or {}
    optimizers = _optimizers(optim_wrapper)
    if list(optimizers) == ['']:
        pairs = [('', optimizers[''], saved)]
    else:
        if not isinstance(saved, dict):
            return 'the checkpoint holds one optimizer, the config builds several'
        extra = [n for n in saved if n not in optimizers]
        if extra:
            return (f'the checkpoint holds optimizers {extra} that the config does not build '
                    f'(it builds {sorted(optimizers)})')
        pairs = [(n, optimizers[n], saved[n]) for n in saved]
    for name, optimizer, state in pairs:
        where = f'optimizer {name!r}: ' if name else ''
        if not isinstance(state, dict) or not isinstance(state.get('param_groups'), list):
            return f'{where}the checkpoint holds no optimizer state dict'
        groups, saved_groups = optimizer.param_groups, state['param_groups']
        if len(groups) != len(saved_groups):
            return (f'{where}{len(saved_groups)} parameter groups in the checkpoint, '
                    f'{len(groups)} in the optimizer of the config')
        for i, (g, sg) in enumerate(zip(groups, saved_groups)):
            if len(g['params']) != len(sg.get('params', ())):
                return (f'{where}parameter group {i} holds {len(sg.get("params", ()))} '
                        f'parameters in the checkpoint, {len(g["params"])} in the optimizer of '
                        'the config')
        per_param = state.get('state') or {}
        for g, sg in zip(groups, saved_groups):
            for param, idx in zip(g['params'], sg['params']):
                for key, value in (per_param.get(idx) or {}).items():
                    if (torch.is_tensor(value) and value.dim() > 0
                            and tuple(value.shape) != tuple(param.shape)):
                        return (f'{where}the {key} of {names.get(id(param), "a parameter")} '
                                f'has shape {list(value.shape)} in the checkpoint, the '
                                f'parameter {list(param.shape)}')
    return None


def check_train_checkpoint(runner, cfg, allow_unused_attention: bool = False) -> List[str]:
    """After the Runner is built, before ``runner.train()``: the checkpoint it will load
    (:func:`train_checkpoint`) against the built model, as :func:`check_checkpoint_matches`
    (``load_from`` also allows a new head and missing attention plugins, see :func:`_fit`), and a
    resumed one's optimizer state against the optimizer the config builds
    (:func:`optimizer_mismatch`). One line naming the counts and the first mismatched key;
    ``--skip-checkpoint-check`` skips this. Run :func:`check_train_checkpoint_file` first.
    Returns notes."""
    found = train_checkpoint(cfg)
    if found is None or found[0].startswith(REMOTE_CKPT_PREFIXES) or not osp.isfile(found[0]):
        return []
    path, how = found
    what = _what(path, how, cfg)
    ckpt = read_checkpoint(path, how, what)
    sd = _loaded_keys(ckpt, path)
    model = unwrap_model(runner.model)
    mode = 'load_from' if how == 'load_from' else 'resume'
    problem, notes = _fit(model, sd, mode, allow_unused_attention)
    skip = ' or --skip-checkpoint-check to load it anyway (mmengine loads it non-strictly)'
    if problem:
        fix = ('; use a checkpoint of this config\'s model' + skip
               if problem.startswith('does not match') else '')
        raise ToolError(f'{what} {problem}{fix}')
    optim_wrapper = runner.optim_wrapper
    if mode == 'resume' and isinstance(ckpt, dict) and 'optimizer' in ckpt and optim_wrapper:
        if isinstance(optim_wrapper, dict):  # built by runner.train(); a throw-away one here
            optim_wrapper = runner.build_optim_wrapper(copy.deepcopy(optim_wrapper))
        names = {id(p): n for n, p in model.named_parameters()}
        problem = optimizer_mismatch(optim_wrapper, ckpt['optimizer'], names)
        if problem:
            raise ToolError(
                f'{what} holds an optimizer state that does not fit the optimizer of the config '
                f'({problem}), so mmengine cannot resume it; resuming needs the model and '
                'optim_wrapper (paramwise_cfg) it was saved with. To start a new schedule from '
                f'its weights use --cfg-options load_from={path} (without --resume)')
    return notes


def needs_pretrained_check(cfg) -> bool:
    """False when the run loads weights anyway (``load_from`` or a resumable checkpoint)."""
    found = train_checkpoint(cfg)
    return found is None or (found[1] == 'auto-resume' and not osp.isfile(found[0]))
