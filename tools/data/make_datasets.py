#!/usr/bin/env python
"""Generate small synthetic datasets in the real COCO / PASCAL VOC / Cityscapes / ImageNet / CIFAR-100
on-disk formats, at OpenMMLab's default data roots under ``--out`` (default ``data``):

    coco        -> data/coco/             (mmdet coco_detection.py / coco_instance.py)
    voc         -> data/VOCdevkit/VOC2012 (mmseg pascal_voc12.py and pascal_voc12_aug.py)
    cityscapes  -> data/cityscapes/       (mmseg cityscapes.py)
    imagenet    -> data/imagenet          (mmpretrain imagenet_bs32.py etc.)
    cifar100    -> data/cifar100          (mmpretrain cifar100_bs16.py with type='CIFAR100Local')

Examples:
    python tools/data/make_datasets.py all
    python tools/data/make_datasets.py coco --out /tmp/data --num-train 40 --num-val 10
    python tools/data/make_datasets.py all --small --out /tmp/smoke
    python tools/data/make_datasets.py coco --variant grey          # -> data/coco_grey/
An existing non-empty dataset directory is never overwritten unless --overwrite is given, and then
only the files the generator writes are replaced. Errors (such a directory, an --out that cannot be
written, bad sizes) are one line ``make_datasets.py: error: ...`` and exit code 1.
"""
import argparse
import importlib.util
import json
import os.path as osp
import sys
import time

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))  # the repo root

KINDS = ('coco', 'voc', 'cityscapes', 'imagenet', 'cifar100')


def _load_synthetic():
    """Load attn_plugins/data/synthetic.py on its own: it needs only numpy, OpenCV and Pillow, whereas
    ``import attn_plugins`` pulls in torch, mmcv and mmpretrain (10+ s) for nothing."""
    path = osp.join(osp.dirname(osp.abspath(__file__)), '..', '..', 'attn_plugins', 'data', 'synthetic.py')
    spec = importlib.util.spec_from_file_location('_attn_plugins_synthetic', osp.normpath(path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('kind', choices=KINDS + ('all', ), help='which dataset to generate')
    p.add_argument('--out', default='data',
                   help='parent directory (default: data); datasets go to OUT/coco, OUT/VOCdevkit/VOC2012, '
                        'OUT/cityscapes, OUT/imagenet, OUT/cifar100')
    p.add_argument('--seed', type=int, default=0, help='generation seed (same seed -> identical files)')
    p.add_argument('--num-train', type=int, default=None,
                   help='training images (imagenet: per class). Defaults: coco 240, voc 200, cityscapes 150, '
                        'imagenet 40/class, cifar100 2000')
    p.add_argument('--num-val', type=int, default=None,
                   help='validation images (imagenet: per class; cifar100: test split). Defaults: coco 60, '
                        'voc 50, cityscapes 50, imagenet 10/class, cifar100 500')
    p.add_argument('--num-aug', type=int, default=None,
                   help='voc: extra SBD-style images only in SegmentationClassAug/aug.txt '
                        '(default: = num-train)')
    p.add_argument('--num-classes', type=int, default=None,
                   help='imagenet / cifar100: number of classes, at most 10 (default 10)')
    p.add_argument('--coco-names', action='store_true',
                   help='coco: store the shapes under real COCO category names/ids (sports ball, tv, kite, '
                        'airplane) so configs keeping the 80 COCO classes work too')
    p.add_argument('--variant', default=None, metavar='NAME',
                   help='coco: a held-out variant of the shapes set (synthetic.COCO_VARIANTS: '
                        'large_images, textured, three_class, five_class, small_objects, grey), written to '
                        'OUT/coco_NAME/ so that the built-in OUT/coco/ stays the demo\'s')
    p.add_argument('--small', action='store_true', help='a handful of images per dataset (smoke tests)')
    p.add_argument('--overwrite', action='store_true',
                   help='write into a non-empty dataset directory, replacing only the generated files')
    args = p.parse_args(argv)
    if args.variant is not None and args.kind != 'coco':
        p.error(f'--variant applies to coco only (got {args.kind!r}); run: make_datasets.py coco --variant '
                f'{args.variant}')
    return args


def _kwargs(syn, kind, args):
    kw = dict(syn.SMALL_SIZES[kind]) if args.small else {}
    train_key, val_key = {'imagenet': ('train_per_class', 'val_per_class'),
                          'cifar100': ('num_train', 'num_test')}.get(kind, ('num_train', 'num_val'))
    if args.num_train is not None:
        kw[train_key] = args.num_train
    if args.num_val is not None:
        kw[val_key] = args.num_val
    if kind == 'voc' and args.num_aug is not None:
        kw['num_aug'] = args.num_aug
    if kind in ('imagenet', 'cifar100') and args.num_classes is not None:
        kw['num_classes'] = args.num_classes
    if kind == 'coco' and args.coco_names:
        kw['names'] = 'coco'
    if kind == 'coco' and args.variant is not None:
        kw['variant'] = args.variant
    return kw


class _CannotMake(Exception):
    """A failure the user can fix; reported as attn_plugins' ToolError (one line)."""


def _make(argv) -> None:
    args = parse_args(argv)
    syn = _load_synthetic()
    makers = dict(coco=syn.make_coco, voc=syn.make_voc, cityscapes=syn.make_cityscapes,
                  imagenet=syn.make_imagenet, cifar100=syn.make_cifar100)
    kinds = KINDS if args.kind == 'all' else (args.kind, )
    for kind in kinds:
        target = args.out if kind == 'voc' else osp.join(args.out, syn.DEFAULT_DATA_ROOTS[kind].rstrip('/'))
        if kind == 'coco' and args.variant is not None:
            target += '_' + args.variant
        t0 = time.time()
        try:
            summary = makers[kind](target, seed=args.seed, overwrite=args.overwrite,
                                   **_kwargs(syn, kind, args))
        except ValueError as e:  # bad sizes / class counts
            raise _CannotMake(str(e)) from e
        except OSError as e:
            if e.errno is None and isinstance(e, FileExistsError):  # the generator's refusal
                raise _CannotMake(str(e)) from e
            what = f'{e.strerror}: {e.filename!r}' if e.strerror else str(e)
            raise _CannotMake(f'cannot write the {kind} dataset under --out {args.out!r} ({what}); '
                              'choose a writable directory with --out') from e
        counts = json.dumps(summary['images'])
        classes = summary.get('used_classes', summary['classes'])
        classes = list(classes) if not isinstance(classes, dict) else [f'{k}={v}' for k, v in classes.items()]
        print(f'[{kind}] {time.time() - t0:.1f}s  data_root={summary["data_root"]!r}  images={counts}  '
              f'classes={", ".join(classes)}')


def main(argv=None) -> int:
    """Errors are reported by attn_plugins' run_tool: one line ``make_datasets.py: error: ...``, exit
    code 1 (ATTN_PLUGINS_DEBUG=1: the traceback). The stack it lives in (torch, mmcv, ~6 s of imports)
    is imported only when there is an error to report; generating needs none of it."""
    try:
        _make(argv)
        return 0
    except SystemExit:
        raise
    except BaseException as exc:  # noqa: BLE001  (reported below)
        failure = exc
    from attn_plugins.runtime import ToolError, run_tool

    def report(argv, ctx):
        if isinstance(failure, _CannotMake):
            raise ToolError(str(failure)) from failure
        raise failure

    return run_tool(report, argv, 'make_datasets.py')


if __name__ == '__main__':
    sys.exit(main())
