"""The entry points of tools/train.py and tools/test.py: :func:`train_main`, :func:`test_main`."""
import argparse
import os.path as osp
from typing import Optional, Sequence

from .args import _set_local_rank, build_test_parser, build_train_parser
from .checks import (check_checkpoint_matches, check_pretrained_backbone,
                     check_train_checkpoint, check_train_checkpoint_file, guard_work_dir,
                     needs_pretrained_check, set_aside_later_checkpoints)
from .data_checks import check_data, class_of
from .common import REMOTE_CKPT_PREFIXES, ToolError
from .config import (_cpu_amp_fallback, fix_dataloaders, load_config, prepare_train_cfg,
                     record_seed, resolve_work_dir, scope_of)
from .dist import _cleanup_dist, _report, init_distributed, rank0_decides
from .errors import run_tool


# ==============================================================================================
# tools
# ==============================================================================================
def _build_runner(cfg):
    """The config's Runner (``runner_type``, default mmengine's ``Runner``, looked up as
    ``RUNNERS.build`` does), as the subclass that logs the config once the run is built
    (:func:`attn_plugins.compat.deferred_config_log`), so a build error is the last thing shown."""
    from ..compat import deferred_config_log
    runner_type = cfg.get('runner_type', 'Runner')
    runner_cls = class_of(runner_type, None, 'RUNNERS')
    if runner_cls is None and isinstance(runner_type, str):
        raise ToolError(f'runner_type {runner_type!r} is not in the RUNNERS registry: a typo '
                        'in the config, or the package that registers it is missing from '
                        'custom_imports')
    if runner_cls is None:
        raise ToolError(f'runner_type must be a registered name or a Runner class, got '
                        f'{runner_type!r}')
    return deferred_config_log(runner_cls).from_cfg(cfg)


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
    notes += record_seed(cfg)
    validate = cfg.get('val_cfg') is not None and cfg.get('val_dataloader') is not None
    fields = ['train_dataloader'] + (['val_dataloader'] if validate else [])
    if not args.skip_data_check:
        check_data(cfg, fields)
    notes += rank0_decides(guard_work_dir, cfg, args.overwrite)
    check_ckpt = not args.skip_checkpoint_check
    if check_ckpt:  # readable and resumable: before anything is built or moved
        notes += rank0_decides(check_train_checkpoint_file, cfg)
    _report(notes, 'train.py')
    runner = ctx.runner = _build_runner(cfg)
    if check_ckpt:
        _report(rank0_decides(check_train_checkpoint, runner, cfg, args.allow_unused_attention),
                'train.py', runner.logger)
    # --resume CKPT: the later checkpoints are moved aside only once CKPT is known to fit
    _report(rank0_decides(set_aside_later_checkpoints, cfg), 'train.py', runner.logger)
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
        enable_visualization(cfg, scope, args.show, args.show_dir, args.wait_time,
                             args.interval)
    if args.tta:
        enable_tta(cfg, scope)
    if args.out and scope == 'mmseg':
        cfg.test_evaluator['output_dir'] = args.out
        cfg.test_evaluator['keep_results'] = True
    if args.out and scope == 'mmdet' and not args.out.endswith(('.pkl', '.pickle')):
        raise ToolError(f'--out must be a .pkl file for detection, got {args.out!r}')
    fix_dataloaders(cfg)
    init_distributed(cfg, args.launcher)
    if not args.skip_data_check:
        check_data(cfg, ['test_dataloader'])
    runner = ctx.runner = _build_runner(cfg)
    _report(rank0_decides(check_checkpoint_matches, runner.model, ckpt,
                          args.allow_unused_attention), 'test.py', runner.logger)
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
                         wait_time: float, interval: int = 1) -> None:
    """``--show``/``--show-dir``/``--interval`` the way each library's tools/test.py does it:

    - mmpretrain: ``VisualizationHook(enable=True, out_dir=show_dir, interval=interval)``; the
      hook paints every ``interval``-th test image into ``show_dir`` (as given: relative to the
      current directory);
    - mmdet: ``DetVisualizationHook(draw=True, test_out_dir=show_dir)``, which paints every test
      image into ``WORK_DIR/<timestamp>/show_dir`` (``interval`` is set too, but mmdet's hook uses
      it during validation only);
    - mmseg: ``SegVisualizationHook(draw=True, interval=interval)`` (every ``interval``-th
      batch) and ``visualizer.save_dir = show_dir``: the images go to
      ``show_dir/vis_data/vis_image/``.
    """
    if interval < 1:
        raise ToolError(f'--interval must be at least 1, got {interval}')
    hooks = cfg.get('default_hooks') or {}
    vis = hooks.get('visualization')
    if vis is None:
        raise ToolError("--show/--show-dir need default_hooks.visualization in the config, e.g. "
                        "visualization=dict(type='VisualizationHook')")
    if scope == 'mmpretrain':
        vis.update(enable=True, show=show, wait_time=wait_time, out_dir=show_dir,
                   interval=interval)
        return
    vis.update(draw=True, interval=interval)
    if show:
        vis.update(show=True, wait_time=wait_time)
    if show_dir:
        if scope == 'mmdet':
            vis['test_out_dir'] = show_dir
        else:
            if cfg.get('visualizer') is None:
                raise ToolError('--show-dir needs a visualizer in the config, e.g. '
                                "visualizer=dict(type='SegLocalVisualizer', "
                                "vis_backends=[dict(type='LocalVisBackend')])")
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

