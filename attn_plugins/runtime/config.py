"""Config preparation: loading with ``--cfg-options``, work dir, dataloader fixes, ``--amp`` (fp16 on
CUDA, bf16 on CPU), ``--pretrained-backbone`` and the rest of ``prepare_train_cfg``."""
import os.path as osp
import re
import warnings
from contextlib import contextmanager
from typing import List, Optional

import torch
from mmengine.optim import OptimWrapper
from mmengine.registry import OPTIM_WRAPPERS

from .common import REMOTE_CKPT_PREFIXES, ToolError


# ==============================================================================================
# config
# ==============================================================================================
def load_config(path: str, cfg_options: Optional[dict] = None):
    """``Config.fromfile`` with attn_plugins imported (registration and shims) and overrides."""
    import attn_plugins  # noqa: F401  (registers modules, applies shims)
    from mmengine.config import Config
    if not osp.isfile(path):
        raise ToolError(f'config file {path!r} not found')
    with warnings.catch_warnings():  # cross-package bases (mmdet::...) import pkg_resources
        warnings.filterwarnings('ignore', message='pkg_resources is deprecated')
        try:
            cfg = Config.fromfile(path)
        except SyntaxError as e:
            raise ToolError(_syntax_error_line(e, path)) from e
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    return cfg


def _syntax_error_line(exc: SyntaxError, path: str) -> str:
    """mmengine re-raises a config's SyntaxError as "There are syntax errors in config file F:
    ..." (the file, a base file included, is named there; the line only in the original)."""
    m = re.match(r'There are syntax errors in config file (.+?): ', str(exc))
    where = m.group(1) if m else (exc.filename if exc.filename not in (None, '<unknown>')
                                  else path)
    inner = exc.__context__ if isinstance(exc.__context__, SyntaxError) else exc
    line = f', line {inner.lineno}' if inner.lineno else ''
    return f'syntax error in config {where!r}{line}: {inner.msg or inner}; fix the file'


def scope_of(cfg) -> str:
    return cfg.get('default_scope', None) or 'mmengine'


def resolve_work_dir(cfg, config_path: str, work_dir: Optional[str]) -> str:
    """CLI value, then the config's ``work_dir``, then ``./work_dirs/<config stem>``."""
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(config_path))[0])
    return cfg.work_dir


def dataloader_fields(cfg) -> List[str]:
    return [k for k in cfg.keys() if k.endswith('_dataloader') and isinstance(cfg[k], dict)]


def fix_dataloaders(cfg, no_pin_memory: bool = False, no_persistent_workers: bool = False
                    ) -> List[str]:
    """torch rejects ``persistent_workers=True`` with ``num_workers=0`` (base configs set it):
    turn it off there, in every dataloader. Returns the fields changed."""
    changed = []
    for field in dataloader_fields(cfg):
        loader = cfg[field]
        if no_pin_memory:
            loader['pin_memory'] = False
        if no_persistent_workers:
            loader['persistent_workers'] = False
        if loader.get('persistent_workers', False) and int(loader.get('num_workers', 0)) == 0:
            loader['persistent_workers'] = False
            changed.append(field)
    return changed


class CPUAmpOptimWrapper(OptimWrapper):
    """Mixed precision on CPU: the forward pass under ``torch.autocast('cpu', dtype=bfloat16)``, no
    loss scaling (bf16 has fp32's exponent range).

    mmengine's ``AmpOptimWrapper`` asserts CUDA/NPU/MLU/MUSA (open-mmlab/mmpretrain#1556), and fp16
    autocast on CPU is poor; ``--amp`` without CUDA selects this wrapper (registered in mmengine's
    root ``OPTIM_WRAPPERS`` on import of this module, so every scope finds it).
    """

    def __init__(self, dtype='bfloat16', loss_scale=None, **kwargs):
        super().__init__(**kwargs)
        dtype = getattr(torch, dtype) if isinstance(dtype, str) else dtype
        if dtype != torch.bfloat16:
            raise ValueError(f'CPU autocast supports bfloat16 only, got {dtype}')
        self.cast_dtype = dtype

    @contextmanager
    def optim_context(self, model):
        with super().optim_context(model), torch.autocast('cpu', dtype=self.cast_dtype):
            yield


if 'CPUAmpOptimWrapper' not in OPTIM_WRAPPERS.module_dict:
    OPTIM_WRAPPERS.register_module(module=CPUAmpOptimWrapper)


def enable_amp(cfg, cuda: Optional[bool] = None) -> str:
    """``--amp``: fp16 with dynamic loss scale on CUDA, bf16 autocast on CPU. Returns a note."""
    cuda = torch.cuda.is_available() if cuda is None else cuda
    optim = cfg.setdefault('optim_wrapper', {})
    if cuda:
        optim['type'] = 'AmpOptimWrapper'
        optim.setdefault('loss_scale', 'dynamic')
        return 'amp: AmpOptimWrapper, float16 with dynamic loss scaling'
    optim['type'] = 'CPUAmpOptimWrapper'
    optim.pop('loss_scale', None)
    optim['dtype'] = 'bfloat16'
    return 'amp: no CUDA, CPUAmpOptimWrapper with bfloat16 autocast (no loss scaling)'


def _cpu_amp_fallback(cfg) -> Optional[str]:
    """A config that asks for ``AmpOptimWrapper`` cannot build it without CUDA: use bf16 on CPU."""
    optim = cfg.get('optim_wrapper') or {}
    if optim.get('type') == 'AmpOptimWrapper' and not torch.cuda.is_available():
        return enable_amp(cfg, cuda=False)
    return None


def enable_compile(cfg) -> str:
    """``--compile``: mmengine's ``compile`` option (the Runner wraps ``model.train_step`` /
    ``val_step`` / ``test_step`` in ``torch.compile`` once the model is built and wrapped). Options
    the config already gives (``compile=dict(backend=..., mode=...)``) are kept. Returns a note."""
    current = cfg.get('compile', None)
    if isinstance(current, dict):
        return f'--compile: torch.compile with the config\'s options {dict(current)}'
    cfg.compile = True
    return ('--compile: torch.compile (default backend inductor; the first iterations compile '
            'and are slow)')


STRICT_ALLOWANCES = ('allow_missing', 'allow_unexpected')


def apply_pretrained_backbone(cfg, checkpoint: str) -> None:
    """Point ``model.backbone`` at a classification checkpoint (keys ``backbone.*``), loaded
    strictly (``strict=True``: the strict ``Pretrained`` of :mod:`attn_plugins.compat`). The
    allowances a strict ``init_cfg`` of the config states (``allow_missing``/``allow_unexpected``,
    e.g. the GC detectors' unused stage-1 plugins) are kept."""
    model = cfg.model
    if 'backbone' not in model:
        raise ToolError('--pretrained-backbone: the config\'s model has no backbone')
    old = model.backbone.get('init_cfg')
    keep = {}
    if isinstance(old, dict) and old.get('type') == 'Pretrained' and old.get('strict'):
        keep = {k: old[k] for k in STRICT_ALLOWANCES if k in old}
    model.backbone['init_cfg'] = dict(type='Pretrained', checkpoint=checkpoint, prefix='backbone.',
                                      strict=True, **keep)
    if model.backbone.get('pretrained') is not None:
        model.backbone['pretrained'] = None
    if 'pretrained' in model or scope_of(cfg) == 'mmseg':
        model['pretrained'] = None


def relax_strict_pretrained(node) -> int:
    """``--skip-pretrained-check``: every strict ``Pretrained`` init_cfg under ``node`` (in place)
    loads non-strictly, as mmengine's own (it only warns). Returns how many were changed."""
    count = 0
    if isinstance(node, dict):
        if node.get('type') == 'Pretrained' and node.get('strict'):
            node['strict'] = False
            count += 1
        for value in node.values():
            count += relax_strict_pretrained(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            count += relax_strict_pretrained(value)
    return count


def record_seed(cfg) -> List[str]:
    """Put the seed of a new run into its config, so the config the Runner dumps into the work dir
    repeats the run. With ``randomness.seed`` unset mmengine draws one (``sync_random_seed``, the
    same on every rank) and only logs it; draw it here the same way instead. Call it after the
    process group is up. Resumed runs are left alone: mmengine takes the checkpoint's seed."""
    randomness = cfg.get('randomness') or {}
    if randomness.get('seed') is not None or cfg.get('resume'):
        return []
    from mmengine.dist import sync_random_seed
    seed = int(sync_random_seed())
    cfg.randomness = dict(randomness, seed=seed)
    return [f'randomness.seed was not set: drew seed {seed} (recorded in the config dumped into '
            f'the work dir; --cfg-options randomness.seed={seed} repeats the run)']


def prepare_train_cfg(cfg, args) -> List[str]:
    """Apply the train arguments to ``cfg``; returns notes to report."""
    notes = []
    cfg.launcher = args.launcher
    resolve_work_dir(cfg, args.config, args.work_dir)
    if args.no_validate:
        cfg.val_cfg = None
        cfg.val_dataloader = None
        cfg.val_evaluator = None
    if args.amp:
        notes.append(enable_amp(cfg))
    else:
        note = _cpu_amp_fallback(cfg)
        if note:
            notes.append(note)
    if args.auto_scale_lr:
        asl = cfg.get('auto_scale_lr')
        if not asl or 'base_batch_size' not in asl:
            raise ToolError('--auto-scale-lr needs auto_scale_lr=dict(base_batch_size=N) in the '
                            'config (N: the total batch size the learning rate was set for)')
        asl['enable'] = True
    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        if not args.resume.startswith(REMOTE_CKPT_PREFIXES) and not osp.isfile(args.resume):
            raise ToolError(f'--resume: checkpoint {args.resume!r} not found')
        cfg.resume = True
        cfg.load_from = args.resume
    if args.pretrained_backbone:
        ckpt = args.pretrained_backbone
        if not ckpt.startswith(REMOTE_CKPT_PREFIXES) and not osp.isfile(ckpt):
            raise ToolError(f'--pretrained-backbone: checkpoint {ckpt!r} not found')
        apply_pretrained_backbone(cfg, ckpt)
    if getattr(args, 'skip_pretrained_check', False) and relax_strict_pretrained(cfg.model):
        notes.append('--skip-pretrained-check: the strict Pretrained init_cfg loads non-strictly '
                     '(mmengine only warns about keys that do not fit)')
    if getattr(args, 'compile', False):
        notes.append(enable_compile(cfg))
    changed = fix_dataloaders(cfg, args.no_pin_memory, args.no_persistent_workers)
    if changed:
        notes.append('persistent_workers=False where num_workers=0 (torch rejects the pair): '
                     + ', '.join(changed))
    return notes


