"""Every shim attn_plugins applies over a library's behaviour, each naming the upstream issue.

Nothing here edits site-packages: each shim re-registers or wraps through the library's own public
extension points (or, for one run, edits that run's config) and is idempotent. Global shims are
applied once on ``import attn_plugins`` by :func:`apply_all`; the per-run shim (2) is a function the
tools call through :mod:`attn_plugins.runtime`.

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


def apply_all() -> None:
    """Apply every shim (called on ``import attn_plugins``)."""
    _patch_checkpoint_loading()


apply_all()
