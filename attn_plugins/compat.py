"""Every shim attn_plugins applies over a library's behaviour, each naming the upstream issue.

Nothing here edits site-packages: each shim re-registers or wraps through the library's own public
extension points (or, for one run, edits that run's config) and is idempotent. Global shims are
applied once on ``import attn_plugins`` by :func:`apply_all`; the per-run shims (2, 5) are functions
the tools call through :mod:`attn_plugins.runtime`.

1. ``torch.load(weights_only=True)`` default (torch >= 2.6) vs mmengine 0.10.7.
   mmengine's local checkpoint loader calls ``torch.load`` without ``weights_only``, so a checkpoint a
   Runner saved (it holds ``message_hub`` HistoryBuffers, numpy arrays, optimizer and scheduler state)
   fails to load or resume with ``Unsupported global: ... HistoryBuffer``.
   Upstream: open-mmlab/mmengine#1655 (issue), open-mmlab/mmengine#1650 (fix, unreleased).
   Shim: re-register the loader for local paths (prefix '') and for ``open-mmlab://`` entries that
   point at local files, through ``CheckpointLoader.register_scheme(..., force=True)``, with
   ``weights_only=False``. Only load checkpoints you trust (the same trust mmengine always assumed).

2. Distributed training on CPU (gloo) with mmengine 0.10.7 — a per-run shim, see below.
   mmengine assumes one GPU per process: ``init_dist`` calls ``torch.cuda.set_device(local_rank)``
   unconditionally (``AttributeError: ... _cuda_setDevice`` on CPU wheels, "no CUDA GPUs" on CUDA
   wheels without a GPU); ``Runner.wrap_model`` passes ``device_ids=[LOCAL_RANK]`` to DDP, which
   torch rejects for CPU modules; the libraries' base configs select ``nccl`` and SyncBN, which DDP
   rejects on CPU ("SyncBatchNorm layers only work with GPU modules"; mmcv's MMSyncBN has no CPU
   kernel). No upstream mmengine issue tracks CPU DDP; the same workaround was merged in
   openvinotoolkit/mmdetection#77 (gloo when CUDA is unavailable); the device_ids default is the
   one discussed in open-mmlab/mmengine#973. Read from the code: reference/openmmlab.md §6.
   Shim: :func:`setup_cpu_distributed` (called by ``attn_plugins.runtime`` for ``--launcher`` runs
   when CUDA is unavailable): derives RANK/WORLD_SIZE/LOCAL_RANK from the launcher's environment,
   initialises the default process group with ``gloo`` *before* the Runner (so the Runner sees
   ``is_distributed()`` and skips ``init_dist``), sets ``env_cfg.dist_cfg.backend='gloo'``, sets
   ``model_wrapper_cfg=dict(type='MMDistributedDataParallel', device_ids=None,
   broadcast_buffers=False, find_unused_parameters=<the config's>)`` (mmengine only *defaults*
   ``device_ids``, so ``None`` from the config wins) and turns SyncBN/MMSyncBN into BN in
   ``cfg.model`` (and drops ``cfg.sync_bn``). It changes one run's config, so ``apply_all()`` cannot
   apply it at import; it is idempotent (an initialised process group is reused; the config edits
   are fixed points).

3. mmengine's ``Pretrained`` initializer loads with ``strict=False``: a missing, unexpected or
   mis-shaped key is only logged as a warning and the module silently keeps random weights there
   (``PretrainedInit.__call__`` in ``mmengine/model/weight_init.py`` hard-codes ``strict=False``
   and has no option for it in 0.10.7; no upstream issue for a strict option was found; the
   ordering of Pretrained after the children's init is open-mmlab/mmengine#691). Shim: re-register ``'Pretrained'`` in mmengine's root ``WEIGHT_INITIALIZERS``
   (``register_module(force=True)``; the child registries of mmdet/mmseg/mmpretrain fall back to
   it) as :class:`PretrainedInit`, a subclass that accepts ``strict=True`` and the explicit
   allowances ``allow_missing`` / ``allow_unexpected``. The default stays ``strict=False``, so
   every config the library runs still runs; the generated configs and ``tools/train.py
   --pretrained-backbone`` opt in. The type name must stay ``'Pretrained'``: mmengine's
   ``BaseModule.init_weights`` applies only that type *after* the children's own initialisation
   (a differently named initializer would be overwritten by the plugins' ``init_weights``).

4. mmcv's CPU ops have no bfloat16 kernels, so ``--amp`` on CPU (bf16 autocast,
   :class:`~attn_plugins.runtime.config.CPUAmpOptimWrapper`) crashes every detector. Every CPU
   kernel of mmcv 2.1.0 (``mmcv/ops/csrc/pytorch/cpu/*.cpp``) reads ``float*`` or dispatches
   ``AT_DISPATCH_FLOATING_TYPES[_AND_HALF]``: under autocast the features and boxes the
   convolutions produce are bfloat16 and ``nms`` / ``batched_nms`` (Faster/Mask R-CNN's RPN, every
   detector's test-time NMS), ``RoIAlign`` (the R-CNN RoI heads) and the rest fail with "expected
   scalar type Float but found BFloat16" (``nms``) or '"ROIAlign_forward" not implemented for
   'BFloat16'' (``roi_align``). torch's autocast only knows torch's own ops and mmcv registers no
   autocast rule for its ops (no upstream mmcv issue found; torchvision fixed the same gap for its
   own ``nms``/``roi_align`` with CPU autocast rules that run them in fp32 and cast ``roi_align``'s
   output back: pytorch/vision#8049). Shim: :func:`_patch_mmcv_ops_fp32` wraps
   ``forward``/``backward`` of every ``torch.autograd.Function`` of ``mmcv.ops`` (``NMSop``,
   ``SoftNMSop``, ``RoIAlignFunction``, ``RoIPoolFunction``, the deformable convolutions,
   ``PSAMaskFunction``, ...; wrapping the Function, not the Python helpers, reaches every caller,
   including ``batched_nms`` and names imported before the shim). While CPU autocast is on and a
   bfloat16/float16 CPU tensor is among the inputs, the forward runs with autocast disabled on
   float32 copies of the floating inputs (what ``torch.amp.custom_fwd(cast_inputs=torch.float32)``
   does) and its floating outputs are cast back to the dtype the inputs promote to (bf16 for bf16
   inputs: what a bf16 kernel would return; nms' gathered boxes are exact); the backward of such a
   call runs in float32 and returns each gradient in its input's dtype. ``batched_nms`` itself is
   wrapped the same way (it is a plain function: ``mmcv.ops.batched_nms``,
   ``mmcv.ops.nms.batched_nms`` and the names modules imported before the shim bound to it are
   replaced): it separates the classes (or FPN levels) by adding ``class id * (max coordinate +
   1)`` to the boxes, which in bf16 rounds them to 8 px at offsets of ~1000 and to 512 px at
   mmdet's 80 COCO classes, so the kept boxes would differ from fp32's. Outside CPU autocast
   nothing changes (CUDA fp16 AMP, fp32 runs, ONNX export). Validation/testing under bf16 autocast
   (``val_cfg``/``test_cfg`` ``fp16=True``: mmengine's ``autocast`` is bf16 on CPU) gives bf16
   predictions, and the metrics convert them to numpy, which has no bfloat16 ("Got unsupported
   ScalarType BFloat16" in mmdet's ``CocoMetric``): ``Evaluator.process`` is wrapped to hand the
   metrics float32 copies of bfloat16 tensors (after the ``to_dict()`` mmengine applies there
   anyway; other dtypes untouched). mmcv's plain functions that call CPU kernels directly
   (``nms_match``, which only mmdet's ScoreHLRSampler of the PISA configs calls, ``nms_rotated``,
   ``box_iou_rotated``, ``bbox_overlaps``, the quadrilateral and 3-D ops) are not wrapped: the
   mmdet/mmseg models of ``configs/`` do not call them.

5. mmengine's Runner logs the whole config (``Runner._log_env``: ``Config:`` + ``pretty_text``,
   ~430 lines for a detector) before it builds anything, so a config error found while building
   (an unknown type, a bad argument of a model, dataset, optimizer or hook) comes after that dump,
   far from the command line. No upstream issue (it is mmengine's design, unchanged in 0.10.7).
   Shim: :func:`deferred_config_log` makes a subclass of the run's Runner class (``Runner`` or the
   config's ``runner_type``) whose ``_log_env`` logs the environment as before but holds the
   config back, and logs it (the same ``Config:`` message) when the first ``before_run`` hook is
   called, i.e. once ``train()``/``val()``/``test()`` has built the model, loops, dataloaders,
   optimizer and schedulers. A failing build then ends with the tool's one error line and no
   dump; the config file is still written into the work dir at the end of ``Runner.__init__``
   (``Runner.dump_config``, unchanged). Per run:
   ``attn_plugins.runtime`` builds its Runners through it; other Runners are unchanged.
"""
import datetime
import os
import os.path as osp
import subprocess

import torch

_APPLIED = set()


def _patch_checkpoint_loading() -> None:
    if 'checkpoint' in _APPLIED:
        return
    from mmengine.runner import checkpoint as ckpt
    from mmengine.runner.checkpoint import CheckpointLoader

    # The function name matters: mmengine logs ``loader.__name__[10:]`` ("local").
    def load_from_local(filename, map_location):
        filename = osp.expanduser(filename)
        if not osp.isfile(filename):
            raise FileNotFoundError(f'{filename} can not be found.')
        return torch.load(filename, map_location=map_location, weights_only=False)

    CheckpointLoader.register_scheme(prefixes='', loader=load_from_local, force=True)

    def load_from_openmmlab(filename, map_location=None):
        # open-mmlab:// names mapped to a local file in $MMENGINE_HOME/open_mmlab.json (the offline
        # route) are loaded by mmengine with a bare torch.load too; URLs keep mmengine's loader.
        name = filename[len('open-mmlab://'):]
        url = ckpt.get_external_models().get(name, '')
        if url and not url.startswith(('http://', 'https://')):
            return load_from_local(osp.join(ckpt._get_mmengine_home(), url), map_location)
        return original_openmmlab(filename, map_location)

    original_openmmlab = CheckpointLoader._schemes['open-mmlab://']
    CheckpointLoader.register_scheme(prefixes='open-mmlab://', loader=load_from_openmmlab, force=True)
    _APPLIED.add('checkpoint')


# ----------------------------------------------------------------------------------------------
# 2. distributed training on CPU (per run)
# ----------------------------------------------------------------------------------------------
SYNC_BN_TYPES = ('SyncBN', 'MMSyncBN', 'SyncBatchNorm', 'nn.SyncBatchNorm')
DDP_TYPES = ('MMDistributedDataParallel', 'DistributedDataParallel')


def replace_sync_bn(node):
    """Turn every ``dict(type='SyncBN'|'MMSyncBN'|...)`` inside ``node`` into ``type='BN'`` (in
    place, recursively through dicts, lists and tuples); returns how many were replaced."""
    count = 0
    if isinstance(node, dict):
        if node.get('type') in SYNC_BN_TYPES:
            node['type'] = 'BN'
            count += 1
        for value in node.values():
            count += replace_sync_bn(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            count += replace_sync_bn(value)
    return count


def _launcher_env(launcher: str) -> None:
    """Fill RANK/WORLD_SIZE/LOCAL_RANK/MASTER_* from the launcher's own variables (what mmengine's
    ``_init_dist_slurm``/``_init_dist_mpi`` do, minus ``torch.cuda.set_device``)."""
    env = os.environ
    if launcher == 'slurm':
        env['RANK'] = env['SLURM_PROCID']
        env['WORLD_SIZE'] = env['SLURM_NTASKS']
        env['LOCAL_RANK'] = env.get('SLURM_LOCALID', '0')
        env.setdefault('MASTER_PORT', '29500')
        if 'MASTER_ADDR' not in env:
            env['MASTER_ADDR'] = subprocess.getoutput(
                f'scontrol show hostname {env["SLURM_NODELIST"]} | head -n1')
    elif launcher == 'mpi':
        env['RANK'] = env['OMPI_COMM_WORLD_RANK']
        env['WORLD_SIZE'] = env['OMPI_COMM_WORLD_SIZE']
        env['LOCAL_RANK'] = env.get('OMPI_COMM_WORLD_LOCAL_RANK', '0')
        env.setdefault('MASTER_PORT', '29500')
        if 'MASTER_ADDR' not in env:
            raise KeyError('the environment variable MASTER_ADDR is not set (mpi launcher)')
    elif launcher != 'pytorch':
        raise ValueError(f'unknown launcher {launcher!r}')


def setup_cpu_distributed(cfg, launcher: str = 'pytorch') -> None:
    """Shim 2: make ``cfg`` train/test with DDP on CPU processes (gloo); see the module docstring.

    Initialises the default process group (``gloo``, ``env://``) unless one already exists and
    edits ``cfg`` in place. Call it before building the Runner.
    """
    import torch.distributed as dist

    env_cfg = cfg.setdefault('env_cfg', {})
    dist_cfg = env_cfg.setdefault('dist_cfg', {})
    dist_cfg['backend'] = 'gloo'
    if not dist.is_initialized():
        kwargs = {k: v for k, v in dist_cfg.items() if k not in ('backend', 'init_backend')}
        if kwargs.get('port') is not None:  # mmengine's slurm option
            os.environ['MASTER_PORT'] = str(kwargs['port'])
        kwargs.pop('port', None)
        _launcher_env(launcher)
        if isinstance(kwargs.get('timeout'), (int, float)):
            kwargs['timeout'] = datetime.timedelta(seconds=kwargs['timeout'])
        dist.init_process_group(backend='gloo', **kwargs)

    wrapper = cfg.get('model_wrapper_cfg')
    if wrapper is None:
        cfg['model_wrapper_cfg'] = dict(
            type='MMDistributedDataParallel', device_ids=None, broadcast_buffers=False,
            find_unused_parameters=cfg.get('find_unused_parameters', False))
    elif wrapper.get('type', 'MMDistributedDataParallel') in DDP_TYPES:
        wrapper['device_ids'] = None
        wrapper.setdefault('broadcast_buffers', False)
    if 'model' in cfg:
        replace_sync_bn(cfg['model'])
    if cfg.get('sync_bn') is not None:
        cfg['sync_bn'] = None


# ----------------------------------------------------------------------------------------------
# 3. strict Pretrained
# ----------------------------------------------------------------------------------------------
from mmengine.model.weight_init import PretrainedInit as _MMEnginePretrainedInit  # noqa: E402


def _patch_strict_pretrained() -> None:
    if 'strict_pretrained' in _APPLIED:
        return
    from mmengine.registry import WEIGHT_INITIALIZERS
    WEIGHT_INITIALIZERS.register_module(name='Pretrained', module=PretrainedInit, force=True)
    _APPLIED.add('strict_pretrained')


class PretrainedInit(_MMEnginePretrainedInit):
    """mmengine's ``Pretrained`` with an opt-in strict load (shim 3).

    ``init_cfg=dict(type='Pretrained', checkpoint=..., prefix='backbone.', strict=True,
    allow_missing=(), allow_unexpected=())``: before loading, every key of the module must be in
    the checkpoint with the same shape and every checkpoint key (after ``prefix``) must be used,
    except what the allowances name (regular expressions matched at the start of a key;
    ``allow_missing='plugins'`` = every key of the attention plugins). Otherwise a
    :class:`~attn_plugins.runtime.ToolError` names the first offending key and its shape and
    nothing is loaded. ``strict=False`` (default) is mmengine's behaviour, allowances ignored.
    """

    def __init__(self, checkpoint, prefix=None, map_location='cpu', strict=False,
                 allow_missing=(), allow_unexpected=()):
        super().__init__(checkpoint, prefix=prefix, map_location=map_location)
        self.strict = bool(strict)
        self.allow_missing = allow_missing
        self.allow_unexpected = allow_unexpected

    def __call__(self, module):
        if not self.strict:
            return super().__call__(module)
        import re

        from mmengine.logging import print_log
        from mmengine.runner.checkpoint import _load_checkpoint, load_state_dict

        from .runtime.checks import pretrained_mismatch
        from .runtime.common import ToolError
        print_log(f'load {self.prefix or "model"} in {type(module).__name__} from: '
                  f'{self.checkpoint} (strict)', logger='current')
        ckpt = _load_checkpoint(self.checkpoint, map_location=self.map_location)
        sd = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else ckpt
        if not isinstance(sd, dict):
            raise ToolError(f'pretrained checkpoint {self.checkpoint!r} holds no state dict')
        if self.prefix:
            prefix = self.prefix if self.prefix.endswith('.') else self.prefix + '.'
            sd = {k[len(prefix):]: v for k, v in sd.items() if k.startswith(prefix)}
            if not sd:
                raise ToolError(f'pretrained checkpoint {self.checkpoint!r} has no keys starting '
                                f'with {prefix!r} (init_cfg prefix)')
        else:
            sd = {re.sub(r'^module\.', '', k): v for k, v in sd.items()}
        problem, notes = pretrained_mismatch(module, sd, self.allow_missing,
                                             self.allow_unexpected,
                                             what=f'{type(module).__name__}')
        if problem:
            raise ToolError(f'pretrained checkpoint {self.checkpoint!r} does not match '
                            f'{type(module).__name__}, which loads it strictly (init_cfg '
                            f'strict=True): {problem}. Use a checkpoint of the same architecture, '
                            'or allow what may differ with init_cfg allow_missing/'
                            'allow_unexpected')
        for note in notes:
            print_log(note, logger='current')
        load_state_dict(module, sd, strict=False, logger='current')
        if hasattr(module, '_params_init_info'):
            from mmengine.model.weight_init import update_init_info
            update_init_info(module, init_info=self._get_init_info())

    def _get_init_info(self):
        return super()._get_init_info() + (' (strict)' if self.strict else '')


# ----------------------------------------------------------------------------------------------
# 4. mmcv ops in float32 under CPU autocast
# ----------------------------------------------------------------------------------------------
_LOW_PRECISION = (torch.bfloat16, torch.float16)


def _low_precision_dtype(args):
    """The dtype the floating CPU tensors among ``args`` promote to, if some are bf16/fp16 and
    CPU autocast is on; else None (the op runs untouched)."""
    if not torch.is_autocast_enabled('cpu'):
        return None
    dtypes = [a.dtype for a in args if isinstance(a, torch.Tensor) and a.device.type == 'cpu'
              and a.is_floating_point()]
    if not any(d in _LOW_PRECISION for d in dtypes):
        return None
    promoted = dtypes[0]
    for d in dtypes[1:]:
        promoted = torch.promote_types(promoted, d)
    return promoted


def _to_float32(value):
    if (isinstance(value, torch.Tensor) and value.device.type == 'cpu'
            and value.dtype in _LOW_PRECISION):
        return value.float()
    return value


def _cast_floating(value, dtype):
    """``value`` (a tensor or a tuple/list of them) with its float32 tensors cast to ``dtype``."""
    if isinstance(value, torch.Tensor):
        return value.to(dtype) if value.dtype == torch.float32 else value
    if isinstance(value, (tuple, list)):
        return type(value)(_cast_floating(v, dtype) for v in value)
    return value


def _fp32_forward(forward):
    def wrapped(ctx, *args, **kwargs):
        dtype = _low_precision_dtype(list(args) + list(kwargs.values()))
        if dtype is None:
            return forward(ctx, *args, **kwargs)
        ctx._fp32_input_dtypes = tuple(a.dtype if isinstance(a, torch.Tensor) else None
                                       for a in args)
        with torch.autocast('cpu', enabled=False):
            out = forward(ctx, *map(_to_float32, args),
                          **{k: _to_float32(v) for k, v in kwargs.items()})
        return _cast_floating(out, dtype) if dtype in _LOW_PRECISION else out
    wrapped._fp32_under_cpu_autocast = True
    wrapped.__wrapped__ = forward
    return wrapped


def _fp32_backward(backward):
    def wrapped(ctx, *grads):
        in_dtypes = getattr(ctx, '_fp32_input_dtypes', None)
        if in_dtypes is None:  # the forward ran untouched
            return backward(ctx, *grads)
        with torch.autocast('cpu', enabled=False):
            out = backward(ctx, *map(_to_float32, grads))
        single = not isinstance(out, tuple)
        out = (out, ) if single else out
        out = tuple(g.to(d) if isinstance(g, torch.Tensor) and d is not None
                    and g.is_floating_point() and g.dtype != d else g
                    for g, d in zip(out, in_dtypes + (None, ) * (len(out) - len(in_dtypes))))
        return out[0] if single else out
    wrapped._fp32_under_cpu_autocast = True
    wrapped.__wrapped__ = backward
    return wrapped


def mmcv_autograd_functions():
    """Every ``torch.autograd.Function`` subclass defined in a module of ``mmcv.ops`` (imports
    ``mmcv.ops``; an empty list if mmcv was built without its ops)."""
    import inspect
    import sys
    try:
        import mmcv.ops  # noqa: F401  (imports every op module)
    except ImportError:
        return []
    found = []
    for name, module in sorted(sys.modules.items()):
        if not name.startswith('mmcv.ops.') or module is None:
            continue
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if (issubclass(obj, torch.autograd.Function) and obj.__module__ == name
                    and obj not in found):
                found.append(obj)
    return found


def _fp32_batched_nms(batched_nms):
    import functools

    @functools.wraps(batched_nms)
    def wrapped(boxes, scores, *args, **kwargs):
        dtype = _low_precision_dtype([boxes, scores])
        if dtype is None:
            return batched_nms(boxes, scores, *args, **kwargs)
        with torch.autocast('cpu', enabled=False):
            dets, keep = batched_nms(boxes.float(), scores.float(), *args, **kwargs)
        return (dets.to(dtype) if dtype in _LOW_PRECISION else dets), keep
    wrapped._fp32_under_cpu_autocast = True
    return wrapped


def _rebind(original, replacement, prefixes=('mmcv', 'mmdet', 'mmseg', 'mmpretrain')) -> None:
    """Replace ``original`` by ``replacement`` wherever a loaded module of these packages bound
    it by name (``from mmcv.ops import batched_nms``); later imports read the patched
    ``mmcv.ops`` attribute."""
    import sys
    for name, module in list(sys.modules.items()):
        if module is None or not name.split('.')[0] in prefixes:
            continue
        for attr, value in list(vars(module).items()):
            if value is original:
                setattr(module, attr, replacement)


def _bf16_to_fp32(value):
    """``value`` with its bfloat16 tensors as float32 (data elements as their ``to_dict()``)."""
    from mmengine.structures import BaseDataElement
    if isinstance(value, BaseDataElement):
        value = value.to_dict()
    if isinstance(value, torch.Tensor):
        return value.float() if value.dtype == torch.bfloat16 else value
    if isinstance(value, dict):
        return {k: _bf16_to_fp32(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_bf16_to_fp32(v) for v in value)
    return value


def _patch_evaluator_bf16() -> None:
    from mmengine.evaluator import Evaluator
    process = Evaluator.process
    if getattr(process, '_fp32_under_cpu_autocast', False):
        return

    def wrapped(self, data_samples, data_batch=None):
        return process(self, [_bf16_to_fp32(s) for s in data_samples], data_batch)
    wrapped._fp32_under_cpu_autocast = True
    wrapped.__wrapped__ = process
    wrapped.__doc__ = process.__doc__
    Evaluator.process = wrapped


def _patch_mmcv_ops_fp32() -> None:
    if 'mmcv_ops_fp32' in _APPLIED:
        return
    _patch_evaluator_bf16()
    functions = mmcv_autograd_functions()
    if not functions:  # mmcv without its compiled ops
        return
    import importlib
    nms_module = importlib.import_module('mmcv.ops.nms')  # (mmcv.ops.nms is also the function)
    if not getattr(nms_module.batched_nms, '_fp32_under_cpu_autocast', False):
        original = nms_module.batched_nms
        _rebind(original, _fp32_batched_nms(original))
    for fn in functions:
        for attr, wrap in (('forward', _fp32_forward), ('backward', _fp32_backward)):
            impl = fn.__dict__.get(attr)
            if not isinstance(impl, staticmethod):
                continue
            if getattr(impl.__func__, '_fp32_under_cpu_autocast', False):
                continue
            setattr(fn, attr, staticmethod(wrap(impl.__func__)))
    _APPLIED.add('mmcv_ops_fp32')


# ----------------------------------------------------------------------------------------------
# 5. the config dump after the build (per run)
# ----------------------------------------------------------------------------------------------
class _DeferredConfigLog:
    """Mixin over an mmengine ``Runner`` class: the ``Config:`` dump of ``_log_env`` is logged at
    the first ``before_run`` hook instead (shim 5)."""

    def _log_env(self, env_cfg):
        from mmengine.config import Config
        cfg, self.cfg = self.cfg, Config()  # an empty config: mmengine skips the dump
        try:
            super()._log_env(env_cfg)
        finally:
            self.cfg = cfg
        self._config_log_pending = True

    def call_hook(self, fn_name, **kwargs):
        if fn_name == 'before_run' and getattr(self, '_config_log_pending', False):
            self._config_log_pending = False
            if self.cfg._cfg_dict:
                self.logger.info(f'Config:\n{self.cfg.pretty_text}')
        return super().call_hook(fn_name, **kwargs)


_DEFERRED_CLASSES = {}


def deferred_config_log(runner_cls):
    """Shim 5: the subclass of ``runner_cls`` (an mmengine ``Runner`` class) that logs the config
    once the run is built (same name; made once per class)."""
    if issubclass(runner_cls, _DeferredConfigLog):
        return runner_cls
    if runner_cls not in _DEFERRED_CLASSES:
        _DEFERRED_CLASSES[runner_cls] = type(
            runner_cls.__name__, (_DeferredConfigLog, runner_cls),
            dict(__module__=runner_cls.__module__, __qualname__=runner_cls.__qualname__,
                 __doc__=runner_cls.__doc__))
    return _DEFERRED_CLASSES[runner_cls]


def apply_all() -> None:
    """Apply every shim (called on ``import attn_plugins``)."""
    _patch_checkpoint_loading()
    _patch_strict_pretrained()
    _patch_mmcv_ops_fp32()


apply_all()
