"""The logic behind ``tools/train.py`` and ``tools/test.py`` (and so ``dist_*.sh``, ``slurm_*.sh``,
``train_chain.sh``).

The tools are thin: they call :func:`train_main` / :func:`test_main`. Everything here is importable
and testable without spawning processes:

- argument parsers that keep the arguments mmdet/mmseg/mmpretrain users know (one tool serves all
  three; the config's ``default_scope`` decides which library builds what);
- config preparation: work dir, ``--amp`` (fp16 on CUDA, bf16 on CPU), ``--auto-scale-lr``,
  ``--resume``, ``--no-validate``, ``persistent_workers`` with ``num_workers=0``, the
  CPU-distributed shim (:func:`attn_plugins.compat.setup_cpu_distributed`);
- checks that run before any training starts: data paths (:func:`check_data`), work-dir safety
  (:func:`guard_work_dir`), pretrained backbone vs model (:func:`check_pretrained_backbone`),
  test checkpoint vs model (:func:`check_checkpoint_matches`);
- :func:`format_error`, which turns the failures users meet into one line (no traceback unless
  ``--debug`` or ``ATTN_PLUGINS_DEBUG=1``).
"""
import argparse
import json
import os
import os.path as osp
import re
import shutil
import sys
import time
import traceback
import warnings
from contextlib import contextmanager
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import torch
from mmengine.optim import OptimWrapper
from mmengine.registry import OPTIM_WRAPPERS

DEBUG_ENV = 'ATTN_PLUGINS_DEBUG'
_DEBUG_HINT = f' (run with --debug or {DEBUG_ENV}=1 for the traceback)'
CKPT_STEP_RE = re.compile(r'(epoch|iter)_(\d+)\.pth$')
REMOTE_CKPT_PREFIXES = ('torchvision://', 'open-mmlab://', 'openmmlab://', 'mmcls://', 'pavi://',
                        'http://', 'https://', 's3://', 'modelzoo://')


class ToolError(Exception):
    """A failure the user can fix, reported as exactly one line (no traceback)."""


# ==============================================================================================
# argument parsing
# ==============================================================================================
WORK_DIR_HELP = """\
work-dir safety:
  Logs go to WORK_DIR/<timestamp>/ (one folder per run). Checkpoints (epoch_N.pth, iter_N.pth,
  best_*.pth, last_checkpoint) go straight into WORK_DIR, so a NEW run (no --resume) into a
  WORK_DIR that already holds checkpoints of an earlier run is refused with one error line.
  Choose one of:
    --resume            continue that run from WORK_DIR/last_checkpoint (a run that was killed
                        resumes and finishes; a finished run stays finished);
    --work-dir OTHER    start the new run elsewhere;
    --overwrite         start over here: the earlier checkpoints are first MOVED into
                        WORK_DIR/previous_run_<timestamp>/ (nothing is deleted).
  --resume CKPT resumes from CKPT; checkpoints in WORK_DIR of later epochs/iterations than CKPT
  (which the resumed run would overwrite) are moved the same way, and the move is reported.
"""

TRAIN_EPILOG = WORK_DIR_HELP + """
errors:
  Problems users meet (missing or corrupt annotation files, a wrong data_root, an unknown module
  name, a pretrained checkpoint that does not fit the backbone) are reported as one line and a
  non-zero exit code. Other failures during a run are one line too, with the full traceback saved
  to WORK_DIR/<timestamp>/error_traceback.txt. --debug (or ATTN_PLUGINS_DEBUG=1) shows the
  traceback instead.

distributed:
  bash tools/dist_train.sh CONFIG N [args] (torchrun; NNODES, NODE_RANK, MASTER_ADDR, PORT for
  several nodes) or bash tools/slurm_train.sh PARTITION JOB CONFIG WORK_DIR [args]. NCCL on GPUs;
  without CUDA the run uses gloo with plain DDP (no device_ids) and BN in place of SyncBN.

mixed precision:
  --amp uses AmpOptimWrapper with dynamic loss scaling (fp16) on CUDA, and bfloat16 autocast
  (CPUAmpOptimWrapper, no loss scaling) on CPU.
"""


def _add_common(parser: argparse.ArgumentParser) -> None:
    from mmengine.config import DictAction
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings of the config, key=value pairs merged into it, e.g. '
             'train_cfg.max_epochs=12 or model.backbone.depth=101; lists as key="[a,b]" or key=a,b '
             '(quotes needed, no white space)')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none',
                        help='job launcher (set by dist_*.sh / slurm_*.sh)')
    # torch.distributed.launch passes --local-rank (torch >= 2.0) or --local_rank (older).
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument('--debug', action='store_true',
                        help=f'show the full traceback of errors (also: {DEBUG_ENV}=1)')


def build_train_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog='tools/train.py', description='Train a classifier, detector or segmentor with '
        'attn_plugins modules (the config\'s default_scope picks mmpretrain, mmdet or mmseg).',
        epilog=TRAIN_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models (default: the '
                        'config\'s work_dir, else ./work_dirs/<config name>)')
    parser.add_argument('--amp', action='store_true',
                        help='automatic mixed precision (fp16 on CUDA, bf16 on CPU)')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='scale the learning rate by the actual total batch size relative to '
                             'auto_scale_lr.base_batch_size of the config')
    parser.add_argument('--resume', nargs='?', type=str, const='auto', metavar='CKPT',
                        help='resume from CKPT if given, else from the latest checkpoint in the '
                             'work dir (WORK_DIR/last_checkpoint)')
    parser.add_argument('--overwrite', action='store_true',
                        help='start a new run in a work dir that holds an earlier run\'s '
                             'checkpoints; they are moved into WORK_DIR/previous_run_<timestamp>/')
    parser.add_argument('--no-validate', action='store_true',
                        help='do not evaluate checkpoints during training')
    parser.add_argument('--pretrained-backbone', metavar='CKPT',
                        help='initialise model.backbone from a classification checkpoint: sets '
                             "init_cfg=dict(type='Pretrained', checkpoint=CKPT, "
                             "prefix='backbone.') (and model.pretrained=None for mmseg)")
    parser.add_argument('--skip-pretrained-check', action='store_true',
                        help='load a Pretrained backbone checkpoint even if its keys or shapes do '
                             'not match the backbone (mmengine then only warns)')
    parser.add_argument('--no-pin-memory', action='store_true',
                        help='disable pin_memory in the dataloaders')
    parser.add_argument('--no-persistent-workers', action='store_true',
                        help='disable persistent_workers in the dataloaders')
    _add_common(parser)
    return parser


def build_test_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog='tools/test.py', description='Test (and evaluate) a checkpoint of a classifier, '
        'detector or segmentor (the config\'s default_scope picks mmpretrain, mmdet or mmseg).',
        epilog='errors are reported as one line and a non-zero exit code; --debug (or '
               f'{DEBUG_ENV}=1) shows the traceback. A checkpoint whose keys or shapes do not '
               'match the model is refused (mmengine would only warn and test random weights).',
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='the dir to save the file containing evaluation '
                        'metrics (default: ./work_dirs/<config name>)')
    parser.add_argument('--out', help='dump predictions: a .pkl file (mmdet, mmpretrain) or a '
                        'directory of result images (mmseg)')
    parser.add_argument('--show', action='store_true', help='show prediction results')
    parser.add_argument('--show-dir', help='directory where painted images will be saved '
                        '(inside WORK_DIR/<timestamp>/ unless absolute)')
    parser.add_argument('--wait-time', type=float, default=2, help='the interval of --show (s)')
    parser.add_argument('--tta', action='store_true', help='test-time augmentation (the '
                        'config\'s tta_model/tta_pipeline, else flip TTA for mmdet/mmpretrain)')
    _add_common(parser)
    return parser


def _set_local_rank(args) -> None:
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)


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
        cfg = Config.fromfile(path)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    return cfg


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


def apply_pretrained_backbone(cfg, checkpoint: str) -> None:
    """Point ``model.backbone`` at a classification checkpoint (keys ``backbone.*``)."""
    model = cfg.model
    if 'backbone' not in model:
        raise ToolError('--pretrained-backbone: the config\'s model has no backbone')
    model.backbone['init_cfg'] = dict(type='Pretrained', checkpoint=checkpoint, prefix='backbone.')
    if model.backbone.get('pretrained') is not None:
        model.backbone['pretrained'] = None
    if 'pretrained' in model or scope_of(cfg) == 'mmseg':
        model['pretrained'] = None


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
    changed = fix_dataloaders(cfg, args.no_pin_memory, args.no_persistent_workers)
    if changed:
        notes.append('persistent_workers=False where num_workers=0 (torch rejects the pair): '
                     + ', '.join(changed))
    return notes


# ==============================================================================================
# distributed
# ==============================================================================================
def init_distributed(cfg, launcher: str) -> Tuple[int, int]:
    """Initialise the process group before the Runner (so the checks below can agree across
    ranks): mmengine's own ``init_dist`` on CUDA (NCCL by default), the CPU shim (gloo) otherwise.
    Returns ``(rank, world_size)``; ``(0, 1)`` for ``launcher='none'``."""
    if launcher == 'none':
        return 0, 1
    import torch.distributed as dist
    from mmengine.utils.dl_utils import set_multi_processing

    needed = dict(pytorch=('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT'),
                  slurm=('SLURM_PROCID', 'SLURM_NTASKS', 'SLURM_NODELIST'),
                  mpi=('OMPI_COMM_WORLD_RANK', 'OMPI_COMM_WORLD_SIZE')).get(launcher, ())
    absent = [v for v in needed if v not in os.environ]
    if absent and not dist.is_initialized():
        raise ToolError(f'--launcher {launcher} needs the environment its launcher sets '
                        f'({", ".join(absent)} missing): start with tools/dist_train.sh / '
                        'dist_test.sh (torchrun), tools/slurm_*.sh (srun) or mpirun')

    # what Runner.setup_env does before init_dist (same start method, so no warning later)
    set_multi_processing(**(cfg.get('env_cfg', {}).get('mp_cfg', {}) or {}), distributed=True)
    if torch.cuda.is_available():
        if not dist.is_initialized():
            from mmengine.dist import init_dist
            dist_cfg = dict(cfg.get('env_cfg', {}).get('dist_cfg', {}) or {})
            dist_cfg.setdefault('backend', 'nccl')
            init_dist(launcher, **dist_cfg)
    else:
        from .compat import setup_cpu_distributed
        setup_cpu_distributed(cfg, launcher)
    return dist.get_rank(), dist.get_world_size()


def _rank() -> int:
    try:
        import torch.distributed as dist
        if dist.is_available() and dist.is_initialized():
            return dist.get_rank()
    except Exception:  # noqa: BLE001
        pass
    for var in ('RANK', 'SLURM_PROCID', 'OMPI_COMM_WORLD_RANK'):
        if var in os.environ:
            try:
                return int(os.environ[var])
            except ValueError:
                pass
    return 0


def rank0_decides(fn, *args, **kwargs):
    """Run ``fn`` on rank 0 only and give every rank its result; a :class:`ToolError` raised on
    rank 0 is raised on every rank (so all ranks stop together, and only rank 0 prints)."""
    import torch.distributed as dist
    if not (dist.is_available() and dist.is_initialized()) or dist.get_world_size() == 1:
        return fn(*args, **kwargs)
    from mmengine.dist import broadcast_object_list
    box = [None]
    if dist.get_rank() == 0:
        try:
            box = [('ok', fn(*args, **kwargs))]
        except ToolError as e:
            box = [('error', str(e))]
    broadcast_object_list(box, src=0)
    kind, value = box[0]
    if kind == 'error':
        raise ToolError(value)
    return value


# ==============================================================================================
# data checks
# ==============================================================================================
def iter_datasets(node, where: str) -> Iterator[Tuple[str, dict]]:
    """Leaf dataset configs of a dataset config, through wrappers (Concat/Repeat/ClassBalanced)."""
    if not isinstance(node, dict):
        return
    if isinstance(node.get('dataset'), dict):
        yield from iter_datasets(node['dataset'], where + '.dataset')
    elif isinstance(node.get('datasets'), (list, tuple)):
        for i, sub in enumerate(node['datasets']):
            yield from iter_datasets(sub, f'{where}.datasets[{i}]')
    else:
        yield where, node


def _is_remote(path: str) -> bool:
    return '://' in str(path)


def _dataset_class(type_name, scope: str):
    if not isinstance(type_name, str):
        return type_name
    try:
        from mmengine.registry import DATASETS
        with DATASETS.switch_scope_and_registry(scope) as registry:
            return registry.get(type_name)
    except Exception:  # noqa: BLE001
        return None


def _downloads(ds: dict, scope: str) -> bool:
    """True if the dataset fetches missing files itself (mmpretrain CIFAR/MNIST ``download``)."""
    import inspect
    if 'download' in ds:
        return bool(ds['download'])
    cls = _dataset_class(ds.get('type'), scope)
    if cls is None or not inspect.isclass(cls):
        return False
    param = inspect.signature(cls.__init__).parameters.get('download')
    return bool(param is not None and param.default is True)


def _join(root: str, path: str) -> str:
    return path if (osp.isabs(path) or not root) else osp.join(root, path)


def check_dataset_paths(ds: dict, where: str, scope: str = 'mmengine') -> None:
    """Raise a :class:`ToolError` naming the first missing path of one dataset config: the layout
    of known dataset types first (:func:`check_dataset_layout`), then ``data_root``, ``ann_file``
    and ``data_prefix`` of any type. Remote storage and self-downloading datasets are skipped."""
    backend = (ds.get('backend_args') or {}).get('backend', 'local')
    root = ds.get('data_root', '') or ''
    if backend != 'local' or _is_remote(root) or _downloads(ds, scope):
        return
    check_dataset_layout(ds, where)
    hint = f'fix it in the config or pass --cfg-options {where}.data_root=PATH'
    if root and not osp.isdir(root):
        raise ToolError(f'{where}: data_root {root!r} does not exist (cwd {os.getcwd()}); {hint}')
    ann = ds.get('ann_file', '') or ''
    if ann and not _is_remote(ann):
        path = _join(root, ann)
        if not osp.isfile(path):
            raise ToolError(f'{where}: annotation file {path!r} not found (ann_file={ann!r}, '
                            f'data_root={root!r})')
    prefix = ds.get('data_prefix', '') or ''
    prefixes = prefix.items() if isinstance(prefix, dict) else [('data_prefix', prefix)]
    for key, value in prefixes:
        if isinstance(value, str) and value and not _is_remote(value):
            path = _join(root, value)
            if not osp.exists(path):
                raise ToolError(f'{where}: data_prefix {key}={value!r} -> {path!r} does not exist '
                                f'(data_root={root!r})')


def check_dataset_layout(ds: dict, where: str) -> None:
    """The data helper's layout check (:func:`attn_plugins.data.check_layout`) for dataset types
    it knows (COCO, VOC, Cityscapes, ImageNet, CIFAR-100): its one-line ``FileNotFoundError`` names
    what is missing, the expected layout, a nearby directory that has it and how to generate data."""
    try:
        from attn_plugins.data import check_layout, kind_of_dataset
    except ImportError:  # the data helper is optional for the tools
        return
    found = kind_of_dataset(ds)
    if found is None or _is_remote(found[1]):
        return
    try:
        check_layout(*found)
    except (FileNotFoundError, NotADirectoryError) as e:
        raise ToolError(f'{where}: {" ".join(str(e).split())}') from e
    except ValueError:  # a kind the helper does not check
        return


def check_data(cfg, fields: Sequence[str]) -> None:
    """Check the data paths of the dataloaders ``fields`` before anything is built."""
    scope = scope_of(cfg)
    for field in fields:
        loader = cfg.get(field)
        if not isinstance(loader, dict) or not isinstance(loader.get('dataset'), dict):
            continue
        for where, ds in iter_datasets(loader['dataset'], f'{field}.dataset'):
            check_dataset_paths(ds, where, scope)


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

    from .modules import AttentionModule
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


def check_pretrained_backbone(model, strict: bool = True) -> List[str]:
    """mmengine loads ``init_cfg=dict(type='Pretrained', ...)`` with ``strict=False`` and only
    *warns* about missing keys and shape mismatches, so a classification checkpoint that does not
    fit the downstream backbone silently leaves it partly random. Compare before training.

    Missing keys of attention plugins (new modules on a plain pretrained backbone) are allowed and
    reported; any other missing key or any shape mismatch raises a :class:`ToolError` (a note only
    when ``strict`` is false). Unexpected checkpoint keys are reported. Local files only
    (``torchvision://`` and URLs are mmengine's business). Returns notes.
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
        sd = _load_state_dict(path)
        if prefix:
            prefix = prefix if prefix.endswith('.') else prefix + '.'
            sd = {k[len(prefix):]: v for k, v in sd.items() if k.startswith(prefix)}
            if not sd:
                raise ToolError(f'pretrained checkpoint {path!r} has no keys starting with '
                                f'{prefix!r} (model.backbone.init_cfg.prefix)')
        else:
            sd = {re.sub(r'^module\.', '', k): v for k, v in sd.items()}
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


# ==============================================================================================
# error formatting
# ==============================================================================================
def _first_line(text: str) -> str:
    text = ' '.join(str(text).split())
    return text if len(text) <= 400 else text[:397] + '...'


def _chain(exc: BaseException) -> List[BaseException]:
    seen, out = set(), []
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        out.append(exc)
        exc = exc.__cause__ or exc.__context__
    return out


def _frames(exc: BaseException):
    tb = exc.__traceback__
    while tb is not None:
        yield tb.tb_frame
        tb = tb.tb_next


def _dataset_in_traceback(exc: BaseException):
    """The (innermost) dataset object whose code raised, if any."""
    from mmengine.dataset import BaseDataset
    found = None
    for e in _chain(exc):
        for frame in _frames(e):
            obj = frame.f_locals.get('self')
            if isinstance(obj, BaseDataset) or (obj is not None and hasattr(obj, 'ann_file')
                                                and hasattr(obj, 'load_data_list')):
                found = obj
    return found


def _file_in_traceback(exc: BaseException) -> Optional[str]:
    """The innermost file path a loader was reading when ``exc`` was raised."""
    found = None
    for e in _chain(exc):
        for frame in _frames(e):
            for name in ('annotation_file', 'ann_file', 'file', 'filename', 'file_path', 'path'):
                value = frame.f_locals.get(name)
                if isinstance(value, str) and osp.isfile(value):
                    found = value
                    break
    return found


def _unknown_plugin_types(cfg) -> List[Tuple[str, str]]:
    """``(type, where)`` of plugin types named in ``cfg.model`` that no registry in scope knows."""
    if cfg is None or not isinstance(cfg.get('model'), dict):
        return []
    from mmengine.registry import MODELS
    found = []

    def visit(node, where):
        if isinstance(node, dict):
            if isinstance(node.get('plugins'), (list, tuple)):
                for i, p in enumerate(node['plugins']):
                    if not isinstance(p, dict):
                        continue
                    cfgs = [p.get('cfg')] + [c for _, c in (p.get('cfg_by_channels') or [])]
                    for c in cfgs:
                        if isinstance(c, dict) and isinstance(c.get('type'), str):
                            found.append((c['type'], f'{where}.plugins[{i}]'))
            for k, v in node.items():
                visit(v, f'{where}.{k}')
        elif isinstance(node, (list, tuple)):
            for i, v in enumerate(node):
                visit(v, f'{where}[{i}]')

    visit(cfg['model'], 'model')
    unknown, seen = [], set()
    with MODELS.switch_scope_and_registry(scope_of(cfg)) as registry:
        for name, where in found:
            if name in seen:
                continue
            seen.add(name)
            try:
                known = registry.get(name) is not None or MODELS.get(name) is not None
            except Exception:  # noqa: BLE001  (e.g. 'nosuchscope.X')
                known = False
            if not known:
                unknown.append((name, where))
    return unknown


def _known_modules() -> str:
    try:
        from .catalog import module_names
        return ', '.join(module_names())
    except Exception:  # noqa: BLE001
        return '(see python -m attn_plugins list)'


def format_error(exc: BaseException, cfg=None) -> str:
    """One line describing ``exc`` for a user (no traceback)."""
    chain = _chain(exc)
    for e in chain:
        if isinstance(e, ToolError):
            return ' '.join(str(e).split())

    # unknown module names (registry KeyError; mmcv's plugin builder says "Cannot find None")
    if any(isinstance(e, KeyError) for e in chain):
        unknown = _unknown_plugin_types(cfg)
        if unknown:
            name, where = unknown[0]
            return (f'unknown attention module {name!r} in {where} of the config; known '
                    f'modules: {_known_modules()} (python -m attn_plugins list)')
        for e in chain:
            if isinstance(e, KeyError) and e.args:
                msg = str(e.args[0])
                m = re.search(r'(\S+) is not in the (\S+) registry', msg)
                if m:
                    return (f'unknown type {m.group(1)!r} (not in the {m.group(2)} registry): a '
                            'typo in the config, or the package that registers it is missing from '
                            'custom_imports')
                m = re.search(r"unknown attention module '?([^' ;]+)", msg)
                if m:
                    return _first_line(msg)

    dataset = _dataset_in_traceback(exc)
    ann = getattr(dataset, 'ann_file', None) if dataset is not None else None
    for e in chain:
        if isinstance(e, json.JSONDecodeError):
            path = _file_in_traceback(exc) or ann or '?'
            what = 'annotation file' if dataset is not None else 'file'
            return (f'{what} {path!r} is not valid JSON ({e.msg} at line {e.lineno} column '
                    f'{e.colno}); regenerate or re-download it')
    for e in chain:
        if isinstance(e, FileNotFoundError):
            missing = e.filename or _first_line(str(e))
            if dataset is not None:
                return (f'{type(dataset).__name__}: file not found: {missing} (ann_file='
                        f'{ann!r}, data_root={getattr(dataset, "data_root", None)!r})')
            return f'file not found: {missing}'
    if dataset is not None:
        e = chain[-1]
        path = _file_in_traceback(exc) or ann
        return (f'{type(dataset).__name__} could not read its annotations {path!r}: '
                f'{type(e).__name__}: {_first_line(str(e))}')
    msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
    return f'{type(exc).__name__}: {_first_line(msg)}{_DEBUG_HINT}'


def debug_requested(argv: Sequence[str]) -> bool:
    return '--debug' in argv or os.environ.get(DEBUG_ENV, '') not in ('', '0', 'false', 'False')


class _Context:
    cfg = None
    runner = None


def _save_traceback(exc: BaseException, runner) -> Optional[str]:
    """Write the traceback of an unexpected failure next to the run's log; returns the path."""
    log_dir = getattr(runner, 'log_dir', None)
    if not log_dir:
        return None
    rank = _rank()
    path = osp.join(log_dir, 'error_traceback.txt' if _world_size() == 1
                    else f'error_traceback_rank{rank}.txt')
    try:
        os.makedirs(log_dir, exist_ok=True)
        with open(path, 'w') as f:
            f.write(''.join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    except OSError:
        return None
    return path


def run_tool(main, argv: Optional[Sequence[str]], prog: str) -> int:
    """Run ``main(argv, ctx)``; turn failures into one line on stderr and a non-zero code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    ctx = _Context()
    try:
        main(argv, ctx)
        return 0
    except SystemExit:
        raise
    except KeyboardInterrupt:
        if _rank() == 0:
            print(f'{prog}: interrupted (a training run continues with --resume)', file=sys.stderr)
        return 130
    except BaseException as exc:  # noqa: BLE001
        if debug_requested(argv):
            raise
        try:
            line = format_error(exc, ctx.cfg)
        except Exception:  # noqa: BLE001  (never hide the original failure)
            line = f'{type(exc).__name__}: {_first_line(exc)}'
        rank = _rank()
        if isinstance(exc, ToolError):
            if rank == 0:
                print(f'{prog}: error: {line}', file=sys.stderr, flush=True)
        else:
            saved = _save_traceback(exc, ctx.runner)
            if saved and line.endswith(_DEBUG_HINT):
                line = line[:-len(_DEBUG_HINT)] + f' (traceback: {saved})'
            tag = f'[rank {rank}] ' if _world_size() > 1 else ''
            print(f'{prog}: error: {tag}{line}', file=sys.stderr, flush=True)
        try:
            _cleanup_dist()
        except Exception:  # noqa: BLE001
            pass
        return 1


def _world_size() -> int:
    try:
        import torch.distributed as dist
        if dist.is_available() and dist.is_initialized():
            return dist.get_world_size()
    except Exception:  # noqa: BLE001
        pass
    return int(os.environ.get('WORLD_SIZE', '1') or 1)


def _report(notes: Sequence[str], prog: str, logger=None) -> None:
    if _rank() != 0:
        return
    for note in notes:
        if logger is not None:
            logger.info(note)
        else:
            print(f'{prog}: note: {note}', flush=True)


def _build_runner(cfg):
    from mmengine.registry import RUNNERS
    from mmengine.runner import Runner
    if 'runner_type' in cfg:
        return RUNNERS.build(cfg)
    return Runner.from_cfg(cfg)


def _cleanup_dist() -> None:
    import torch.distributed as dist
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


# ==============================================================================================
# tools
# ==============================================================================================
def _parse(parser: argparse.ArgumentParser, argv: Sequence[str]):
    try:
        return parser.parse_args(argv)
    except (RecursionError, AssertionError, ValueError, SyntaxError) as e:
        # mmengine's DictAction cannot parse e.g. dict(...) values
        raise ToolError(f'cannot parse --cfg-options ({type(e).__name__}); values are key=value '
                        'with lists as key="[a,b]"; put dicts into a config file') from e


def _train(argv: Sequence[str], ctx) -> None:
    args = _parse(build_train_parser(), argv)
    _set_local_rank(args)
    cfg = load_config(args.config, args.cfg_options)
    ctx.cfg = cfg
    notes = prepare_train_cfg(cfg, args)
    init_distributed(cfg, args.launcher)
    validate = cfg.get('val_cfg') is not None and cfg.get('val_dataloader') is not None
    fields = ['train_dataloader'] + (['val_dataloader'] if validate else [])
    check_data(cfg, fields)
    notes += rank0_decides(guard_work_dir, cfg, args.overwrite)
    _report(notes, 'train.py')
    runner = ctx.runner = _build_runner(cfg)
    if needs_pretrained_check(cfg):
        strict = not args.skip_pretrained_check
        _report(rank0_decides(check_pretrained_backbone, runner.model, strict), 'train.py',
                runner.logger)
    runner.train()
    _cleanup_dist()


def _test(argv: Sequence[str], ctx) -> None:
    args = _parse(build_test_parser(), argv)
    _set_local_rank(args)
    cfg = load_config(args.config, args.cfg_options)
    ctx.cfg = cfg
    cfg.launcher = args.launcher
    resolve_work_dir(cfg, args.config, args.work_dir)
    ckpt = args.checkpoint
    if not ckpt.startswith(REMOTE_CKPT_PREFIXES) and not osp.isfile(ckpt):
        raise ToolError(f'checkpoint {ckpt!r} not found')
    cfg.load_from = ckpt
    cfg.resume = False
    _cpu_amp_fallback(cfg)
    scope = scope_of(cfg)
    if args.show or args.show_dir:
        enable_visualization(cfg, scope, args.show, args.show_dir, args.wait_time)
    if args.tta:
        enable_tta(cfg, scope)
    if args.out and scope == 'mmseg':
        cfg.test_evaluator['output_dir'] = args.out
        cfg.test_evaluator['keep_results'] = True
    if args.out and scope == 'mmdet' and not args.out.endswith(('.pkl', '.pickle')):
        raise ToolError(f'--out must be a .pkl file for detection, got {args.out!r}')
    fix_dataloaders(cfg)
    init_distributed(cfg, args.launcher)
    check_data(cfg, ['test_dataloader'])
    runner = ctx.runner = _build_runner(cfg)
    _report(rank0_decides(check_checkpoint_matches, runner.model, ckpt), 'test.py', runner.logger)
    if args.out and scope != 'mmseg':
        if scope == 'mmdet':
            from mmdet.evaluation import DumpDetResults
            runner.test_evaluator.metrics.append(DumpDetResults(out_file_path=args.out))
        else:
            from mmengine.evaluator import DumpResults
            runner.test_evaluator.metrics.append(DumpResults(out_file_path=args.out))
    runner.test()
    _cleanup_dist()


def enable_visualization(cfg, scope: str, show: bool, show_dir: Optional[str],
                         wait_time: float) -> None:
    """``--show``/``--show-dir`` the way each library's test.py does it."""
    hooks = cfg.get('default_hooks') or {}
    vis = hooks.get('visualization')
    if vis is None:
        raise ToolError("--show/--show-dir need default_hooks.visualization in the config, e.g. "
                        "visualization=dict(type='VisualizationHook')")
    if scope == 'mmpretrain':
        vis.update(enable=True, show=show, wait_time=wait_time, out_dir=show_dir)
        return
    vis['draw'] = True
    if show:
        vis.update(show=True, wait_time=wait_time)
    if show_dir:
        if scope == 'mmdet':
            vis['test_out_dir'] = show_dir
        else:
            cfg.visualizer['save_dir'] = show_dir


def enable_tta(cfg, scope: str) -> None:
    """``--tta``: the config's ``tta_model``/``tta_pipeline``; flip TTA defaults for mmdet and
    mmpretrain (as their tools do); mmseg needs both in the config."""
    from copy import deepcopy

    from mmengine.config import ConfigDict
    test_ds = cfg.test_dataloader.dataset
    while 'dataset' in test_ds:
        test_ds = test_ds['dataset']
    if 'tta_model' not in cfg:
        if scope == 'mmdet':
            cfg.tta_model = dict(type='DetTTAModel', tta_cfg=dict(
                nms=dict(type='nms', iou_threshold=0.5), max_per_img=100))
        elif scope == 'mmpretrain':
            cfg.tta_model = dict(type='mmpretrain.AverageClsScoreTTA')
        else:
            raise ToolError('--tta needs tta_model (and tta_pipeline) in the config')
    if 'tta_pipeline' not in cfg:
        if scope not in ('mmdet', 'mmpretrain'):
            raise ToolError('--tta needs tta_pipeline in the config')
        pipeline = deepcopy(test_ds.pipeline)
        last = pipeline[-1]
        if scope == 'mmdet':
            last = dict(type='PackDetInputs', meta_keys=(
                'img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor', 'flip',
                'flip_direction'))
        pipeline[-1] = dict(type='TestTimeAug', transforms=[
            [dict(type='RandomFlip', prob=1.), dict(type='RandomFlip', prob=0.)], [last]])
        cfg.tta_pipeline = pipeline
    cfg.model = ConfigDict(**cfg.tta_model, module=cfg.model)
    test_ds.pipeline = cfg.tta_pipeline


def train_main(argv: Optional[Sequence[str]] = None) -> int:
    """``tools/train.py``."""
    return run_tool(_train, argv, 'train.py')


def test_main(argv: Optional[Sequence[str]] = None) -> int:
    """``tools/test.py``."""
    return run_tool(_test, argv, 'test.py')

