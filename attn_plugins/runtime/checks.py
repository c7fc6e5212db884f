"""Checks that run before any training starts (the data checks are in :mod:`.data_checks`):
work-dir safety (:func:`guard_work_dir`), pretrained backbone vs model
(:func:`check_pretrained_backbone`) and test checkpoint vs model (:func:`check_checkpoint_matches`)."""
import os
import os.path as osp
import re
import shutil
import time
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import torch

from .common import CKPT_STEP_RE, REMOTE_CKPT_PREFIXES, ToolError
from .config import scope_of
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


def _summary(names: Sequence[str], limit: int = 4) -> str:
    shown = ', '.join(names[:limit])
    return shown + (f', ... ({len(names)} files)' if len(names) > limit else '')


def guard_work_dir(cfg, overwrite: bool = False, stamp: Optional[str] = None) -> List[str]:
    """Never let a run overwrite an earlier run's checkpoints silently.

    - new run (``cfg.resume`` false) into a directory with checkpoints: :class:`ToolError`, unless
      ``overwrite``: then they are moved into ``previous_run_<stamp>/`` (reported);
    - ``--resume CKPT``: checkpoints of later steps than CKPT are moved aside (reported);
    - ``--resume`` (auto): continue, nothing is touched.

    Returns the notes to report.
    """
    stamp = stamp or time.strftime('%Y%m%d_%H%M%S')
    notes = []
    resume, load_from = bool(cfg.get('resume', False)), cfg.get('load_from', None)
    for directory in _checkpoint_dirs(cfg):
        names = existing_checkpoints(directory)
        if not names:
            continue
        if not resume:
            if not overwrite:
                raise ToolError(
                    f'work_dir {directory!r} already holds checkpoints of an earlier run '
                    f'({_summary(names)}); a new run would overwrite them: pass --resume to '
                    'continue that run, --work-dir to start elsewhere, or --overwrite to start '
                    'over here (the earlier checkpoints are moved into previous_run_<timestamp>/)')
            dest = _move_aside(directory, names, stamp)
            notes.append(f'--overwrite: moved the earlier run\'s checkpoints ({_summary(names)}) '
                         f'into {dest}')
        elif load_from:
            step = _step_of(load_from)
            if step is None:
                continue
            later = [n for n in names if (_step_of(n) or ('', -1))[0] == step[0]
                     and _step_of(n)[1] > step[1]]
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


def _load_state_dict(path: str) -> Dict[str, torch.Tensor]:
    try:
        ckpt = torch.load(path, map_location='cpu', weights_only=False, mmap=True)
    except Exception:  # noqa: BLE001  (legacy format: no mmap)
        try:
            ckpt = torch.load(path, map_location='cpu', weights_only=False)
        except Exception as e:  # noqa: BLE001
            raise ToolError(f'cannot read checkpoint {path!r}: {type(e).__name__}: '
                            f'{_first_line(str(e))}') from e
    if isinstance(ckpt, dict) and isinstance(ckpt.get('state_dict'), dict):
        ckpt = ckpt['state_dict']
    if not isinstance(ckpt, dict):
        raise ToolError(f'checkpoint {path!r} holds no state dict')
    return ckpt


def plugin_prefixes(module: torch.nn.Module) -> List[str]:
    """Prefixes (``'layer1.0.se.'``) of the attention plugins inside ``module``: attn_plugins
    modules, mmcv's plugin layers and every child a host lists in ``plugin_names`` or mmdet's
    ``after_conv{1,2,3}_plugin_names``."""
    from mmcv.cnn import ContextBlock, GeneralizedAttention, NonLocal2d

    from ..modules import AttentionModule
    plugin_types = (AttentionModule, ContextBlock, GeneralizedAttention, NonLocal2d)
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
    """Strict comparison of a checkpoint's ``state_dict`` with ``module`` (what a strict
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


def check_checkpoint_matches(model, path: str) -> List[str]:
    """``tools/test.py``: refuse a checkpoint that leaves model weights missing or misshapen
    (mmengine loads it non-strictly and would evaluate random weights)."""
    if path.startswith(REMOTE_CKPT_PREFIXES):
        return []
    sd = {re.sub(r'^module\.', '', k): v for k, v in _load_state_dict(path).items()}
    # data preprocessors hold (normally non-persistent) normalisation buffers, set by the config
    report = compare_state_dicts(unwrap_model(model).state_dict(), sd, ('data_preprocessor.', ))
    if report['missing'] or report['mismatched']:
        raise ToolError(f'checkpoint {path!r} does not match the model of the config: '
                        f'{_mismatch_text(report, "model")}')
    if report['unexpected']:
        return [f'checkpoint: {len(report["unexpected"])} keys are not used by the model '
                f'(e.g. {report["unexpected"][0]})']
    return []


def needs_pretrained_check(cfg) -> bool:
    """False when the run loads weights anyway (``load_from`` or a resumable checkpoint)."""
    if cfg.get('load_from'):
        return False
    if cfg.get('resume'):  # auto-resume loads WORK_DIR/last_checkpoint if there is one
        marker = osp.join(cfg.work_dir, 'last_checkpoint')
        if osp.isfile(marker):
            with open(marker) as f:
                return not osp.isfile(f.read().strip())
    return True


