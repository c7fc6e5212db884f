#!/usr/bin/env python
"""Draw the samples of a config's dataset as the model sees them (after the data pipeline), with
their annotations, using the library's visualizer:

    python tools/misc/browse_dataset.py CONFIG [--output-dir DIR] [--not-show] [--show-number N]
        [--phase train|val|test] [--show-interval S] [--channel-order BGR|RGB]
        [--cfg-options k=v ...] [--debug]

The config's ``default_scope`` picks the library, as in its own browse_dataset.py:

- mmdet: ``DetLocalVisualizer``, ground-truth boxes and masks (``gt_instances``);
- mmseg: ``SegLocalVisualizer``, the ground-truth segmentation map (``gt_sem_seg``);
- mmpretrain: ``UniversalVisualizer``, the ground-truth label (images with a short edge below 224
  are enlarged to 224 so that the label is readable).

The visualizer is the config's ``visualizer`` (without its ``vis_backends``: browsing logs
nothing), the dataset is ``<phase>_dataloader.dataset`` (default phase: train), built as the
libraries build it. Pipelines that load the annotations after the resize (mmdet's and mmseg's test
pipelines keep them in the original image's coordinates) are drawn on the pipeline's image resized
back to the original size. With --output-dir every drawn sample is saved there as
``<index>_<image name>.png``; the directory must be new or empty (nothing is overwritten).
--not-show skips the window (needed without a display; --not-show alone still runs the pipeline
over every sample, a quick check of the data).

Errors (a missing config or data file, a phase the config has no dataloader for, a non-empty or
unwritable --output-dir) are one line ``browse_dataset.py: error: ...`` and exit code 1.
"""
import argparse
import importlib
import os
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))  # the repo root

from attn_plugins.runtime import ToolError, load_config, run_tool, scope_of  # noqa: E402

SCOPES = ('mmdet', 'mmseg', 'mmpretrain')
DEFAULT_VISUALIZER = dict(mmdet='DetLocalVisualizer', mmseg='SegLocalVisualizer',
                          mmpretrain='UniversalVisualizer')
MIN_CLS_SIZE = 224  # short edge classification samples are drawn at (at least)


def build_parser() -> argparse.ArgumentParser:
    from mmengine.config import DictAction
    p = argparse.ArgumentParser(
        prog='browse_dataset.py', formatter_class=argparse.RawDescriptionHelpFormatter,
        description='Draw the dataset samples after the data pipeline, with their annotations.',
        epilog=__doc__)
    p.add_argument('config', help='config file path')
    p.add_argument('--output-dir', '-o', help='save the drawn samples here (a new or empty '
                                              'directory)')
    p.add_argument('--not-show', action='store_true', help='do not show them in a window')
    p.add_argument('--show-number', '-n', type=int, default=None,
                   help='draw the first N samples (default: all)')
    p.add_argument('--phase', '-p', choices=('train', 'val', 'test'), default='train',
                   help='which dataloader\'s dataset (default: train)')
    p.add_argument('--show-interval', '-i', type=float, default=2,
                   help='seconds each sample is shown')
    p.add_argument('--channel-order', '-c', choices=('BGR', 'RGB'), default='BGR',
                   help='channel order of the pipeline\'s images (default BGR: '
                        'LoadImageFromFile\'s)')
    p.add_argument('--cfg-options', nargs='+', action=DictAction,
                   help='override settings of the config, key=value pairs merged into it')
    p.add_argument('--debug', action='store_true', help='show the traceback of errors')
    return p


def _output_dir(path: str) -> str:
    """A new or empty directory to write into (created)."""
    if osp.isdir(path) and os.listdir(path):
        raise ToolError(f'--output-dir {path!r} is not empty; choose a new directory (nothing is '
                        'overwritten)')
    try:
        os.makedirs(path, exist_ok=True)
        probe = osp.join(path, '.browse_dataset_write_test')
        with open(probe, 'w'):
            pass
        os.remove(probe)
    except OSError as e:
        raise ToolError(f'cannot write --output-dir {path!r}: {e.strerror or e}; choose a '
                        'writable directory') from e
    return path


def _image(inputs, channel_order: str):
    """(H, W, 3) uint8 RGB from the packed CHW input of the pipeline."""
    import numpy as np
    if isinstance(inputs, (list, tuple)):  # multi-view pipelines: the first view
        inputs = inputs[0]
    img = inputs.permute(1, 2, 0).cpu().numpy()
    if img.dtype != np.uint8:
        img = np.clip(img, 0, 255).astype(np.uint8)
    if img.shape[2] == 1:
        img = np.repeat(img, 3, axis=2)
    if channel_order == 'BGR':
        img = img[..., ::-1]
    return np.ascontiguousarray(img)


def _pipeline_names(dataset) -> list:
    """Class names of the transforms of ``dataset`` (or of the first dataset a wrapper holds)."""
    while not hasattr(dataset, 'pipeline'):
        inner = getattr(dataset, 'dataset', None)
        if inner is None:
            inner = (getattr(dataset, 'datasets', None) or [None])[0]
        if inner is None:
            return []
        dataset = inner
    return [type(t).__name__ for t in getattr(dataset.pipeline, 'transforms', [])]


def annotations_after_resize(names) -> bool:
    """True for pipelines that load the annotations after resizing the image (mmdet's and mmseg's
    test pipelines: the annotations stay in the original image's coordinates, for evaluation)."""
    load = next((i for i, n in enumerate(names) if 'LoadAnnotations' in n), None)
    resize = next((i for i, n in enumerate(names) if 'Resize' in n), None)
    return load is not None and resize is not None and resize < load


def _draw(scope: str, visualizer, name: str, img, data_sample, show: bool, wait_time: float,
          out_file):
    if scope == 'mmpretrain':
        # small images (CIFAR's 32x32) are enlarged so that the label text is readable
        resize = MIN_CLS_SIZE if min(img.shape[:2]) < MIN_CLS_SIZE else None
        visualizer.visualize_cls(img, data_sample, draw_pred=False, resize=resize, show=show,
                                 wait_time=wait_time, name=name, out_file=out_file)
        return
    if scope == 'mmdet':
        from mmdet.models.utils import mask2ndarray
        from mmdet.structures.bbox import BaseBoxes
        gt = data_sample.get('gt_instances', None)
        if gt is not None:
            boxes = gt.get('bboxes', None)
            if isinstance(boxes, BaseBoxes):
                gt.bboxes = boxes.tensor
            masks = gt.get('masks', None)
            if masks is not None:
                gt.masks = mask2ndarray(masks).astype(bool)
            data_sample.gt_instances = gt
    elif 'gt_sem_seg' not in data_sample:  # mmseg without annotations: the image itself
        import mmcv
        if show:
            visualizer.show(img, win_name=name, wait_time=wait_time)
        if out_file:
            mmcv.imwrite(img[..., ::-1], out_file)
        return
    visualizer.add_datasample(name, img, data_sample, draw_gt=True, draw_pred=False, show=show,
                              wait_time=wait_time, out_file=out_file)


def _browse(argv, ctx) -> None:
    args = build_parser().parse_args(argv)
    if args.show_number is not None and args.show_number < 1:
        raise ToolError(f'--show-number must be at least 1, got {args.show_number}')
    cfg = ctx.cfg = load_config(args.config, args.cfg_options)
    scope = scope_of(cfg)
    if scope not in SCOPES:
        raise ToolError(f"default_scope {scope!r}: browse_dataset.py draws datasets of "
                        f"{', '.join(SCOPES)} configs (set default_scope in the config)")
    field = f'{args.phase}_dataloader'
    loader = cfg.get(field)
    if not isinstance(loader, dict) or not isinstance(loader.get('dataset'), dict):
        raise ToolError(f'the config has no {field}.dataset; choose another --phase '
                        '(train, val, test)')
    out_dir = _output_dir(args.output_dir) if args.output_dir else None

    from mmengine.registry import init_default_scope
    from mmengine.utils import ProgressBar
    init_default_scope(scope)
    registry = importlib.import_module(f'{scope}.registry')
    dataset = registry.DATASETS.build(loader['dataset'])
    vis_cfg = dict(cfg.get('visualizer') or dict(type=DEFAULT_VISUALIZER[scope]))
    vis_cfg.pop('vis_backends', None)
    vis_cfg.update(name='browse_dataset', save_dir=None)
    visualizer = registry.VISUALIZERS.build(vis_cfg)
    visualizer.dataset_meta = dataset.metainfo

    # annotations in the original image's coordinates: draw them on the image resized back
    back_to_original = scope != 'mmpretrain' and annotations_after_resize(_pipeline_names(dataset))
    number = len(dataset) if args.show_number is None else min(args.show_number, len(dataset))
    progress = ProgressBar(number)
    for i in range(number):
        item = dataset[i]
        data_sample = item['data_samples'].numpy()
        path = data_sample.get('img_path', None)
        stem = osp.splitext(osp.basename(path))[0] if path else f'sample{i}'
        name = f'{i:05d}_{stem}'
        out_file = osp.join(out_dir, name + '.png') if out_dir else None
        img = _image(item['inputs'], args.channel_order)
        ori_shape = data_sample.get('ori_shape', None)
        if back_to_original and ori_shape and tuple(img.shape[:2]) != tuple(ori_shape[:2]):
            import mmcv
            img = mmcv.imresize(img, (int(ori_shape[1]), int(ori_shape[0])))
        _draw(scope, visualizer, name, img, data_sample, not args.not_show, args.show_interval,
              out_file)
        progress.update()
    print(f'\nbrowse_dataset.py: drew {number} of {len(dataset)} samples of {field}.dataset '
          f'({type(dataset).__name__})' + (f' into {out_dir}' if out_dir else ''))


def main(argv=None) -> int:
    return run_tool(_browse, argv, 'browse_dataset.py')


if __name__ == '__main__':
    sys.exit(main())
