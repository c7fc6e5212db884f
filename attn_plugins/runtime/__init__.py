"""The logic behind ``tools/train.py`` and ``tools/test.py`` (and so ``dist_*.sh``, ``slurm_*.sh``,
``train_chain.sh``).

The tools are thin: they call :func:`train_main` / :func:`test_main`. Everything here is importable
and testable without spawning processes:

- argument parsers (:mod:`.args`) that keep the arguments mmdet/mmseg/mmpretrain users know (one tool serves all
  three; the config's ``default_scope`` decides which library builds what);
- config preparation (:mod:`.config`; distributed set-up in :mod:`.dist`): work dir, ``--amp`` (fp16 on CUDA, bf16 on CPU), ``--auto-scale-lr``,
  ``--resume``, ``--no-validate``, ``persistent_workers`` with ``num_workers=0``, the
  CPU-distributed shim (:func:`attn_plugins.compat.setup_cpu_distributed`);
- checks that run before any training starts: data paths (:func:`check_data` in :mod:`.data_checks`); in :mod:`.checks`:, work-dir safety
  (:func:`guard_work_dir`), pretrained backbone vs model (:func:`check_pretrained_backbone`),
  test checkpoint vs model (:func:`check_checkpoint_matches`);
- :func:`format_error` (:mod:`.errors`), which turns the failures users meet into one line (no traceback unless
  ``--debug`` or ``ATTN_PLUGINS_DEBUG=1``).
"""

from .common import (DEBUG_ENV, CKPT_STEP_RE, REMOTE_CKPT_PREFIXES, ToolError)
from .args import (WORK_DIR_HELP, TRAIN_EPILOG, build_train_parser, build_test_parser)
from .config import (load_config, scope_of, resolve_work_dir, dataloader_fields, fix_dataloaders,
                     CPUAmpOptimWrapper, enable_amp, apply_pretrained_backbone,
                     relax_strict_pretrained, prepare_train_cfg)
from .dist import (init_distributed, rank0_decides)
from .data_checks import (check_data, check_dataset_paths, check_evaluator_paths, dataset_needs,
                          iter_datasets)
from .checks import (existing_checkpoints, guard_work_dir, unwrap_model, plugin_prefixes,
                     compare_state_dicts, pretrained_mismatch, check_pretrained_backbone,
                     check_checkpoint_matches, needs_pretrained_check)
from .errors import (format_error, debug_requested, run_tool)
from .entry import (enable_visualization, enable_tta, train_main, test_main)

__all__ = ['DEBUG_ENV', 'CKPT_STEP_RE', 'REMOTE_CKPT_PREFIXES', 'ToolError', 'WORK_DIR_HELP',
           'TRAIN_EPILOG', 'build_train_parser', 'build_test_parser', 'load_config', 'scope_of',
           'resolve_work_dir', 'dataloader_fields', 'fix_dataloaders', 'CPUAmpOptimWrapper',
           'enable_amp', 'apply_pretrained_backbone', 'relax_strict_pretrained',
           'prepare_train_cfg', 'init_distributed',
           'rank0_decides', 'iter_datasets', 'check_dataset_paths', 'check_evaluator_paths',
           'dataset_needs', 'check_data', 'existing_checkpoints', 'guard_work_dir', 'unwrap_model',
           'plugin_prefixes', 'compare_state_dicts', 'pretrained_mismatch',
           'check_pretrained_backbone',
           'check_checkpoint_matches', 'needs_pretrained_check', 'format_error',
           'debug_requested', 'run_tool', 'enable_visualization', 'enable_tta', 'train_main',
           'test_main']
