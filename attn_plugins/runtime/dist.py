"""Distributed set-up (NCCL on GPUs, gloo on CPU through compat shim 2), rank helpers and clean-up."""
import os
from typing import Sequence, Tuple

import torch

from .common import ToolError


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
        from ..compat import setup_cpu_distributed
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


def _cleanup_dist() -> None:
    import torch.distributed as dist
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


