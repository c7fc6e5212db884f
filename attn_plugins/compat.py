"""Every shim attn_plugins applies over a library's behaviour, each naming the upstream issue.

Nothing here edits site-packages: each shim re-registers or wraps through the library's own public
extension points, is applied once on ``import attn_plugins`` and is idempotent.

1. ``torch.load(weights_only=True)`` default (torch >= 2.6) vs mmengine 0.10.7.
   mmengine's local checkpoint loader calls ``torch.load`` without ``weights_only``, so a checkpoint a
   Runner saved (it holds ``message_hub`` HistoryBuffers, numpy arrays, optimizer and scheduler state)
   fails to load or resume with ``Unsupported global: ... HistoryBuffer``.
   Upstream: open-mmlab/mmengine#1655 (issue), open-mmlab/mmengine#1650 (fix, unreleased).
   Shim: re-register the loader for local paths (prefix '') and for ``open-mmlab://`` entries that
   point at local files, through ``CheckpointLoader.register_scheme(..., force=True)``, with
   ``weights_only=False``. Only load checkpoints you trust (the same trust mmengine always assumed).
"""
import os.path as osp

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


def apply_all() -> None:
    """Apply every shim (called on ``import attn_plugins``)."""
    _patch_checkpoint_loading()


apply_all()
