#!/usr/bin/env python
"""Generate the OpenMMLab config tree of attn_plugins (``configs/``) and ``configs/README.md``.

One placement table (``MODULES``) and one template per task produce every experiment config as a
plain, readable file; the files are committed and ``tests/configs/test_generated.py`` checks that
re-running this script reproduces them byte for byte (so the tree cannot drift from the table).

    python tools/misc/generate_configs.py            # (re)write configs/ (not configs/demo/)
    python tools/misc/generate_configs.py --check    # exit 1 if configs/ differs from the output
    python tools/misc/generate_configs.py --out DIR  # write the tree somewhere else

Layout (``configs/``):

- ``_base_/{mmpretrain,mmdet,mmseg}/<library config name>.py``: the library's own config
  (``mmpretrain::``/``mmdet::``/``mmseg::``) with the backbone type swapped for the plugin-capable
  one (``AttnResNet``, ``AttnResNetV1c``, ``AttnResNet_CIFAR``, ``AttnMobileNetV2``: same
  arguments and weight names) and, for CIFAR-100, the offline ``CIFAR100Local`` dataset.
  Schedules, data pipelines, heads and runtime are the library's, untouched.
- ``<module>/``: one folder per module (``baseline`` = no module). Each config inherits a
  ``_base_`` file and sets only ``plugins`` (+ the backbone initialisation downstream).
- ``gam_faster_rcnn.py``: the flagship (Faster R-CNN R-50 + GAM), inherits
  ``gam/faster-rcnn_gam-r50_fpn_1x_coco.py``.

Names mirror the libraries, with the module as a prefix of the backbone component
(``se-resnet50_8xb32_in1k``, ``faster-rcnn_se-r50_fpn_1x_coco``,
``deeplabv3_se-r50-d8_4xb4-40k_voc12aug-512x512``); baseline configs carry the library's name.
"""
import argparse
import difflib
import keyword
import os
import os.path as osp
import sys
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, ROOT)  # the repo root: the placement table lives in the package

from attn_plugins.placements import MODULE_BY_NAME, MODULES, Module  # noqa: E402  (the table)

WIDTH = 100
IMPORTS = "custom_imports = dict(imports=['attn_plugins'], allow_failed_imports=False)"
OWNED_ELSEWHERE = ('demo', )  # configs/<dir> written by others; never touched or checked here


# ----------------------------------------------------------------------------------------------
# a small formatter: Python literals in the OpenMMLab config style (dict(...), 4-space indents)
# ----------------------------------------------------------------------------------------------
def _kwargs_dict(v) -> bool:
    """A dict whose keys can be written as ``dict(key=...)`` (else a ``{'key': ...}`` literal,
    e.g. mmengine's ``custom_keys={'.srm.': ...}``)."""
    return isinstance(v, dict) and all(isinstance(k, str) and k.isidentifier() and
                                       not keyword.iskeyword(k) for k in v)


def _one_line(v) -> str:
    if isinstance(v, dict) and not _kwargs_dict(v):
        return '{' + ', '.join(f'{k!r}: {_one_line(x)}' for k, x in v.items()) + '}'
    if isinstance(v, dict):
        return 'dict(' + ', '.join(f'{k}={_one_line(x)}' for k, x in v.items()) + ')'
    if isinstance(v, list):
        return '[' + ', '.join(_one_line(x) for x in v) + ']'
    if isinstance(v, tuple):
        if len(v) == 1:
            return f'({_one_line(v[0])}, )'
        return '(' + ', '.join(_one_line(x) for x in v) + ')'
    if isinstance(v, str):
        return repr(v)
    return repr(v)


def fmt(v, indent: int = 0, col: int = 0, tail: int = 0) -> str:
    """``v`` as config text starting at column ``col`` of a line indented by ``indent`` and
    followed on its last line by ``tail`` characters (closing brackets, a comma)."""
    line = _one_line(v)
    if col + len(line) + tail <= WIDTH or not isinstance(v, (dict, list, tuple)) or not v or \
            (isinstance(v, dict) and not _kwargs_dict(v)):
        return line
    pad = ' ' * (indent + 4)
    if isinstance(v, dict):
        n = len(v)
        items = [f'{pad}{k}=' + fmt(x, indent + 4, indent + 4 + len(k) + 1,
                                    1 if i < n - 1 else 1 + tail)
                 for i, (k, x) in enumerate(v.items())]
        return 'dict(\n' + ',\n'.join(items) + ')'
    items = [pad + fmt(x, indent + 4, indent + 4, 1) for x in v]
    if isinstance(v, list):
        return '[\n' + ',\n'.join(items) + ',\n' + ' ' * indent + ']'
    return '(\n' + ',\n'.join(items) + ',\n' + ' ' * indent + ')'


class Raw(str):
    """A string written as a raw literal (``r'fc\\.'``): the regular expressions of init_cfg."""

    def __repr__(self):
        return f"r'{self}'"


class Ref(str):
    """A name written bare (``checkpoint=backbone_checkpoint``): a variable of the same config."""

    def __repr__(self):
        return str(self)


def assign(name: str, value) -> str:
    return f'{name} = ' + fmt(value, 0, len(name) + 3)


def comment(text: str) -> str:
    """``text`` (paragraphs separated by blank lines) as ``# `` lines wrapped at WIDTH."""
    out = []
    for para in text.strip().split('\n'):
        words, line = para.split(), '#'
        if not words:
            out.append('#')
            continue
        for w in words:
            if len(line) + 1 + len(w) > WIDTH:
                out.append(line)
                line = '#  '
            line += ' ' + w
        out.append(line)
    return '\n'.join(out)


def config_text(header: str, base: str, body: List[str]) -> str:
    parts = [comment(header), f"_base_ = '{base}'", IMPORTS] + body
    return '\n'.join(parts) + '\n'




# ----------------------------------------------------------------------------------------------
# settings (library configs) and templates
# ----------------------------------------------------------------------------------------------
CLS_EPOCHS = {'resnet': 100, 'mobilenet-v2': 300}   # mmpretrain imagenet_bs256 / _epochstep


@dataclass
class Out:
    """One generated file and its README row."""
    path: str                   # relative to configs/
    text: str
    row: Optional[dict] = None  # None: not an experiment (a _base_ file)


def _prefix(m: Module) -> str:
    return '' if m.name == 'baseline' else f'{m.slug}-'


# ---- _base_: library configs with the plugin-capable backbone ---------------------------------
def base_files() -> List[Out]:
    outs = []

    def add(lib, name, header, base, body):
        outs.append(Out(f'_base_/{lib}/{name}.py', config_text(header, base, body)))

    for d in (18, 50, 101):
        add('mmpretrain', f'resnet{d}_8xb32_in1k',
            f'mmpretrain resnet{d}_8xb32_in1k (ImageNet-1k, 100 epochs, SGD 0.1, steps 30/60/90) '
            'with AttnResNet: same arguments and weight names as mmpretrain\'s ResNet; '
            'the module configs add plugins.',
            f'mmpretrain::resnet/resnet{d}_8xb32_in1k.py',
            [assign('model', dict(backbone=dict(type='AttnResNet')))])
    for d in (50, 101):
        add('mmpretrain', f'resnetv1c{d}_8xb32_in1k',
            f'mmpretrain resnetv1c{d}_8xb32_in1k (deep stem, ImageNet-1k, 100 epochs) with '
            'AttnResNetV1c. Its deep stem is named as mmseg\'s ResNetV1c (stem.0..7), not as '
            'mmpretrain\'s (stem.N.conv/bn), so the checkpoint loads into the mmseg backbones '
            'with prefix=\'backbone.\' and no renaming.',
            f'mmpretrain::resnet/resnetv1c{d}_8xb32_in1k.py',
            [assign('model', dict(backbone=dict(type='AttnResNetV1c')))])
    for d in (50, 101):
        add('mmpretrain', f'resnext{d}-32x4d_8xb32_in1k',
            f'mmpretrain resnext{d}-32x4d_8xb32_in1k (ImageNet-1k, 100 epochs) with AttnResNeXt: '
            'same arguments (groups=32, width_per_group=4) and weight names as mmpretrain\'s '
            'ResNeXt; the SKNet configs replace its grouped 3x3 convs.',
            f'mmpretrain::resnext/resnext{d}-32x4d_8xb32_in1k.py',
            [assign('model', dict(backbone=dict(type='AttnResNeXt')))])
    add('mmpretrain', 'mobilenet-v2_8xb32_in1k',
        'mmpretrain mobilenet-v2_8xb32_in1k (ImageNet-1k, 300 epochs, lr 0.045, StepLR 0.98) '
        'with AttnMobileNetV2 (same weight names as mmpretrain and mmseg).',
        'mmpretrain::mobilenet_v2/mobilenet-v2_8xb32_in1k.py',
        [assign('model', dict(backbone=dict(type='AttnMobileNetV2')))])
    cifar_data = dict(type='CIFAR100Local', data_root='data/cifar100')
    add('mmpretrain', 'resnet50_8xb16_cifar100',
        'mmpretrain resnet50_8xb16_cifar100 (200 epochs, lr 0.1, wd 5e-4, steps 60/120/160 '
        'x0.2) with AttnResNet_CIFAR (3x3 stem, no max-pool: ResNet_CIFAR\'s layout and names) '
        'and CIFAR100Local, which reads the CIFAR-100 python pickles under data/cifar100 '
        'without md5 checks and never downloads.\n'
        'The GAM paper\'s setting: ResNet-50 on CIFAR-100 (23,705,252 parameters).',
        'mmpretrain::resnet/resnet50_8xb16_cifar100.py',
        [assign('model', dict(backbone=dict(type='AttnResNet_CIFAR'))),
         assign('train_dataloader', dict(dataset=dict(cifar_data))),
         assign('val_dataloader', dict(dataset=dict(cifar_data))),
         assign('test_dataloader', dict(dataset=dict(cifar_data)))])
    outs.append(Out('_base_/mmpretrain/resnet18_8xb16_cifar100.py', config_text(
        'ResNet-18 on CIFAR-100: the analogue of resnet50_8xb16_cifar100 (same data, schedule '
        'and CIFAR stem; mmpretrain publishes ResNet-18 only for CIFAR-10).',
        './resnet50_8xb16_cifar100.py',
        [assign('model', dict(backbone=dict(depth=18), head=dict(in_channels=512)))])))
    outs.append(Out('_base_/mmpretrain/mobilenet-v2_8xb16_cifar100.py', config_text(
        'MobileNetV2 on CIFAR-100: the analogue of resnet50_8xb16_cifar100 (same data and '
        'schedule; mmpretrain has no CIFAR MobileNetV2).\n'
        'Stride choice for 32x32 inputs: layer2 and layer3 keep stride 1, so the network '
        'downsamples 8x (stem /2, layer4 /2, layer6 /2) and ends at 4x4 like the common CIFAR '
        'MobileNetV2 (kuangliu/pytorch-cifar: stem stride 1 and layer2 stride 1). The stem conv '
        'keeps stride 2 (AttnMobileNetV2 has no stem-stride argument; the weights keep the '
        'ImageNet layout). Parameters are those of ImageNet MobileNetV2 with a 100-class head.',
        './resnet50_8xb16_cifar100.py',
        [assign('model', dict(
            backbone=dict(_delete_=True, type='AttnMobileNetV2', widen_factor=1.0,
                          strides=(1, 1, 1, 2, 1, 2, 1)),
            head=dict(in_channels=1280)))])))

    for det, lib_dir, lib_name in DETECTORS:
        for d in (50, 101):
            name = lib_name.format(d=d)
            add('mmdet', name,
                f'mmdet {name} (COCO, 1x: 12 epochs, steps 8/11) with AttnResNet (same '
                'arguments and weight names as mmdet\'s ResNet: frozen_stages=1, norm_eval=True, '
                f'torchvision://resnet{d} as in mmdet).',
                f'mmdet::{lib_dir}/{name}.py',
                [assign('model', dict(backbone=dict(type='AttnResNet')))])
    for seg in SEGMENTORS:
        for ds in SEG_DATASETS:
            for d in (50, 101):
                name = seg_lib_name(seg, d, ds)
                add('mmseg', name,
                    f'mmseg {name} with AttnResNetV1c (the deep-stem ResNetV1c: same arguments '
                    f'and weight names; open-mmlab://resnet{d}_v1c as in mmseg).',
                    f'mmseg::{seg}/{name}.py',
                    [assign('model', dict(backbone=dict(type='AttnResNetV1c')))])
    add('mmseg', MNV2_SEG_CITY,
        f'mmseg {MNV2_SEG_CITY} with AttnMobileNetV2 (same weight names as mmseg\'s '
        'MobileNetV2; strides/dilations/out_indices are mmseg\'s).',
        f'mmseg::mobilenet_v2/{MNV2_SEG_CITY}.py',
        [assign('model', dict(backbone=dict(type='AttnMobileNetV2')))])
    add('mmseg', MNV2_SEG_VOC,
        'MobileNetV2-D8 DeepLabV3 on VOC2012-aug 512x512, 40k: the analogue of mmseg\'s '
        f'{MNV2_SEG_CITY} (the same backbone override of deeplabv3_r50-d8_4xb4-40k_voc12aug-'
        '512x512; mmseg publishes MobileNetV2 only on Cityscapes and ADE20K). The Coordinate '
        'Attention paper reports DeepLabV3 MobileNetV2 on both VOC 2012 and Cityscapes.',
        'mmseg::deeplabv3/deeplabv3_r50-d8_4xb4-40k_voc12aug-512x512.py',
        [assign('model', dict(
            pretrained='mmcls://mobilenet_v2',
            backbone=dict(_delete_=True, type='AttnMobileNetV2', widen_factor=1.0,
                          strides=(1, 2, 2, 1, 1, 1, 1), dilations=(1, 1, 1, 2, 2, 4, 4),
                          out_indices=(1, 2, 4, 6), norm_cfg=dict(type='SyncBN',
                                                                  requires_grad=True)),
            decode_head=dict(in_channels=320), auxiliary_head=dict(in_channels=96)))])
    return outs


# ---- classification ----------------------------------------------------------------------------
CLS_SETTINGS = [
    # (arch, depth, dataset tag, base name, backbone family, setting)
    ('resnet', 18, 'in1k', 'resnet18_8xb32_in1k'),
    ('resnet', 50, 'in1k', 'resnet50_8xb32_in1k'),
    ('resnet', 101, 'in1k', 'resnet101_8xb32_in1k'),
    ('resnetv1c', 50, 'in1k', 'resnetv1c50_8xb32_in1k'),
    ('resnetv1c', 101, 'in1k', 'resnetv1c101_8xb32_in1k'),
    ('mobilenet-v2', None, 'in1k', 'mobilenet-v2_8xb32_in1k'),
    ('resnext', 50, 'in1k', 'resnext50-32x4d_8xb32_in1k'),
    ('resnext', 101, 'in1k', 'resnext101-32x4d_8xb32_in1k'),
    ('resnet', 18, 'cifar', 'resnet18_8xb16_cifar100'),
    ('resnet', 50, 'cifar', 'resnet50_8xb16_cifar100'),
    ('mobilenet-v2', None, 'cifar', 'mobilenet-v2_8xb16_cifar100'),
]
DATASET_NAMES = {'in1k': 'ImageNet-1k', 'cifar': 'CIFAR-100', 'coco': 'COCO 2017',
                 'voc12aug': 'VOC2012-aug', 'cityscapes': 'Cityscapes'}


def backbone_name(arch: str, depth: Optional[int]) -> str:
    return {'resnet': f'ResNet-{depth}', 'resnetv1c': f'ResNetV1c-{depth}',
            'resnext': f'ResNeXt-{depth} 32x4d', 'mobilenet-v2': 'MobileNetV2'}[arch]


def extra_body(m: Module, setting: str) -> List[str]:
    """The module's further top-level config keys (``Module.extra_cfg``), as assignments."""
    return [assign(k, v) for k, v in (m.extra_cfg(setting) if m.extra_cfg else {}).items()]


def cls_stem(m: Module, base_name: str) -> str:
    return _prefix(m) + base_name


def cls_files(m: Module) -> List[Out]:
    outs = []
    for arch, depth, ds, base_name in CLS_SETTINGS:
        is_mnv2 = arch == 'mobilenet-v2'
        if arch == 'resnetv1c' and not m.downstream:
            continue  # deep-stem checkpoints exist for the segmentation transfer only
        if is_mnv2 and m.mnv2 is None:
            continue
        if arch not in m.archs or (depth is not None and depth not in m.depths):
            continue
        stem = cls_stem(m, base_name)
        plugins = m.mnv2(ds) if is_mnv2 else m.resnet(depth, ds)
        bb = backbone_name(arch, depth)
        note = m.mnv2_note if is_mnv2 else m.resnet_note
        if m.name == 'baseline':
            what = f'{bb} on {DATASET_NAMES[ds]}, no attention module (the reference run).'
        else:
            what = f'{bb} + {m.title} on {DATASET_NAMES[ds]}. Placement: {note}'
        header = what
        if arch == 'resnetv1c':
            header += ('\nDeep-stem classification checkpoint for the DeepLabV3/V3+ configs of '
                       f'this folder (mmseg\'s backbone is ResNetV1c).')
        body = []
        model = {}
        if m.name == 'abn':
            model = dict(type='ABNClassifier', att_map_kernel_size=3,
                         att_loss=dict(type='CrossEntropyLoss', loss_weight=1.0))
        elif plugins:
            model = dict(backbone=dict(plugins=plugins))
        if model:
            body.append(assign('model', model))
        body += extra_body(m, ds)
        text = config_text(header, f'../_base_/mmpretrain/{base_name}.py', body)
        epochs = (200 if ds == 'cifar' else CLS_EPOCHS['mobilenet-v2' if is_mnv2 else 'resnet'])
        row = dict(task='classification', dataset=DATASET_NAMES[ds],
                   model='ABNClassifier' if m.name == 'abn' else 'ImageClassifier',
                   backbone=bb + (' (CIFAR stem)' if ds == 'cifar' and not is_mnv2 else ''),
                   module=m.name, init='random (trained from scratch)',
                   schedule=f'{epochs} epochs')
        outs.append(Out(f'{m.name}/{stem}.py', text, row))
    return outs


# ---- detection ---------------------------------------------------------------------------------
DETECTORS = [
    ('faster-rcnn', 'faster_rcnn', 'faster-rcnn_r{d}_fpn_1x_coco'),
    ('retinanet', 'retinanet', 'retinanet_r{d}_fpn_1x_coco'),
    ('mask-rcnn', 'mask_rcnn', 'mask-rcnn_r{d}_fpn_1x_coco'),
]
DET_TITLES = {'faster-rcnn': 'Faster R-CNN FPN', 'retinanet': 'RetinaNet FPN',
              'mask-rcnn': 'Mask R-CNN FPN'}


def det_stem(m: Module, det: str, depth: int, tv: bool = False) -> str:
    bb = f'r{depth}' if m.name == 'baseline' else f'{m.slug}-r{depth}'
    return f'{det}_{bb}{"_tv-pre" if tv else ""}_fpn_1x_coco'


def _ckpt(stem: str, epochs: int) -> str:
    return f'work_dirs/{stem}/epoch_{epochs}.pth'


def strict_init(checkpoint, prefix: Optional[str] = 'backbone.', **allow) -> dict:
    """A backbone ``init_cfg`` loaded strictly (the strict ``Pretrained`` of attn_plugins.compat):
    every key not named by the explicit ``allow_missing`` / ``allow_unexpected`` must fit."""
    init = dict(type='Pretrained', checkpoint=checkpoint)
    if prefix:
        init['prefix'] = prefix
    init['strict'] = True
    init.update({k: v for k, v in allow.items() if v})
    return init


def unused_upstream(m: Module, depth: int, setting: str) -> Optional[str]:
    """``allow_unexpected`` for plugins the ImageNet placement has in stages the downstream one
    leaves out (GC: all stages upstream, c3-c5 downstream): a regex of their keys, or None."""
    from mmengine.registry import MODELS
    up, down = m.resnet(depth, 'in1k') or [], m.resnet(depth, setting) or []
    unused = []
    for a, b in zip(up, down):
        sa, sb = a.get('stages') or (True, ) * 4, b.get('stages') or (True, ) * 4
        left_out = [i for i in range(4) if sa[i] and not sb[i]]
        if left_out:
            abbr = MODELS.get(a['cfg']['type'])._abbr_
            unused += [rf'layer{i + 1}\.\d+\.{abbr}\.' for i in left_out]
    return Raw('|'.join(unused)) if unused else None


def det_files(m: Module) -> List[Out]:
    outs = []
    for det, _, lib_name in DETECTORS:
        for d in (50, 101):
            if d not in m.depths:
                continue
            lib = lib_name.format(d=d)
            cls = cls_stem(m, f'resnet{d}_8xb32_in1k')
            ckpt = _ckpt(cls, CLS_EPOCHS['resnet'])
            plugins = m.resnet(d, 'det')
            what = (f'{DET_TITLES[det]} R-{d} 1x on COCO' +
                    (', no attention module.' if m.name == 'baseline' else
                     f' with {m.title}. Placement: {m.resnet_note}'))
            header = (what + '\nBackbone initialised from our ImageNet classification '
                      f'checkpoint (pretrain with the module, then transfer): train '
                      f'{m.name}/{cls}.py first, or run both steps with tools/train_chain.sh. '
                      'frozen_stages=1 and norm_eval=True as mmdet.' +
                      (f' Alternative init: {det_stem(m, det, d, tv=True)}.py.' if m.tv_pre else
                       ''))
            bb = dict()
            if plugins:
                bb['plugins'] = plugins
            bb['init_cfg'] = strict_init(ckpt, allow_unexpected=unused_upstream(m, d, 'det'))
            text = config_text(header, f'../_base_/mmdet/{lib}.py',
                               [assign('model', dict(backbone=bb))] + extra_body(m, 'det'))
            stem = det_stem(m, det, d)
            row = dict(task='detection', dataset=DATASET_NAMES['coco'], model=DET_TITLES[det],
                       backbone=f'ResNet-{d}', module=m.name,
                       init=f'ours: {m.name}/{cls}', schedule='1x (12 epochs)')
            outs.append(Out(f'{m.name}/{stem}.py', text, row))
            if not m.tv_pre:
                continue

            tv_header = (
                f'{DET_TITLES[det]} R-{d} 1x on COCO' +
                (', no attention module, torchvision weights: mmdet\'s own model-zoo setting '
                 '(the calibration baseline).' if m.name == 'baseline' else
                 f' with {m.title}: the alternative initialisation: torchvision ImageNet weights '
                 'for the ResNet (mmdet\'s default) and randomly initialised plugins.') +
                '\ntrain_plugins=True keeps the plugins trainable in the frozen stage 1 and their '
                'BNs in train mode under norm_eval (otherwise they would stay at their random '
                'initial values). Loaded strictly: only torchvision\'s classifier (fc) may be '
                'unused' + ('' if m.name == 'baseline' else
                            ' and only the plugins (allow_missing=\'plugins\') missing') +
                f'. Everything else as {stem}.py.')
            tv_init = strict_init(f'torchvision://resnet{d}', prefix=None,
                                  allow_missing=None if m.name == 'baseline' else 'plugins',
                                  allow_unexpected=Raw(r'fc\.'))
            tv_body = [assign('model', dict(backbone=dict(
                train_plugins=True, init_cfg=dict(_delete_=True, **tv_init))))]
            tv_stem = det_stem(m, det, d, tv=True)
            tv_row = dict(row, init=f'torchvision://resnet{d} (+ random plugins)')
            outs.append(Out(f'{m.name}/{tv_stem}.py',
                            config_text(tv_header, f'./{stem}.py', tv_body), tv_row))
    return outs


# ---- segmentation ------------------------------------------------------------------------------
SEGMENTORS = ['deeplabv3', 'deeplabv3plus']
SEG_TITLES = {'deeplabv3': 'DeepLabV3', 'deeplabv3plus': 'DeepLabV3+'}
# One schedule per dataset, consistently the longer of mmseg's two published ones.
SEG_DATASETS = [('voc12aug', '4xb4-40k_voc12aug-512x512', '40k iterations'),
                ('cityscapes', '4xb2-80k_cityscapes-512x1024', '80k iterations')]
MNV2_SEG_CITY = 'mobilenet-v2-d8_deeplabv3_4xb2-80k_cityscapes-512x1024'
MNV2_SEG_VOC = 'mobilenet-v2-d8_deeplabv3_4xb4-40k_voc12aug-512x512'
MNV2_SEG_UNUSED = Raw(r'conv2\.')  # the last 1x1 conv (1280) of a classifier: not in a seg backbone


def seg_lib_name(seg: str, depth: int, ds) -> str:
    return f'{seg}_r{depth}-d8_{ds[1]}'


def seg_files(m: Module) -> List[Out]:
    outs = []
    for seg in SEGMENTORS:
        for ds in SEG_DATASETS:
            for d in (50, 101):
                if d not in m.depths:
                    continue
                lib = seg_lib_name(seg, d, ds)
                bbname = f'r{d}' if m.name == 'baseline' else f'{m.slug}-r{d}'
                stem = f'{seg}_{bbname}-d8_{ds[1]}'
                cls = cls_stem(m, f'resnetv1c{d}_8xb32_in1k')
                plugins = m.resnet(d, 'seg')
                header = (f'{SEG_TITLES[seg]} R-{d}-D8 on {DATASET_NAMES[ds[0]]} '
                          f'({ds[2]}, mmseg\'s schedule)' +
                          (', no attention module.' if m.name == 'baseline' else
                           f' with {m.title}. Placement: {m.resnet_note}') +
                          '\nBackbone (deep-stem AttnResNetV1c) initialised from our ImageNet '
                          f'checkpoint {m.name}/{cls}.py (pretrain with the module, then '
                          'transfer): model.pretrained=None, backbone init_cfg with '
                          'prefix=\'backbone.\'. mmseg\'s own open-mmlab://resnet'
                          f'{d}_v1c init: --cfg-options model.pretrained=open-mmlab://resnet'
                          f'{d}_v1c model.backbone.init_cfg=None.')
                bb = dict()
                if plugins:
                    bb['plugins'] = plugins
                bb['init_cfg'] = strict_init(_ckpt(cls, 100),
                                             allow_unexpected=unused_upstream(m, d, 'seg'))
                text = config_text(header, f'../_base_/mmseg/{lib}.py',
                                   [assign('model', dict(pretrained=None, backbone=bb))] +
                                   extra_body(m, 'seg'))
                row = dict(task='segmentation', dataset=DATASET_NAMES[ds[0]],
                           model=f'{SEG_TITLES[seg]} (D8)', backbone=f'ResNetV1c-{d}',
                           module=m.name, init=f'ours: {m.name}/{cls}', schedule=ds[2])
                outs.append(Out(f'{m.name}/{stem}.py', text, row))
    if m.mnv2_seg:
        for lib, ds in ((MNV2_SEG_VOC, SEG_DATASETS[0]), (MNV2_SEG_CITY, SEG_DATASETS[1])):
            stem = _prefix(m) + lib
            cls = cls_stem(m, 'mobilenet-v2_8xb32_in1k')
            plugins = m.mnv2('seg')
            header = (f'DeepLabV3 MobileNetV2-D8 on {DATASET_NAMES[ds[0]]} ({ds[2]})' +
                      (', no attention module.' if m.name == 'baseline' else
                       f' with {m.title}, the Coordinate Attention paper\'s segmentation '
                       f'setting. Placement: {m.mnv2_note}') +
                      f'\nBackbone initialised from our ImageNet checkpoint {m.name}/{cls}.py '
                      '(model.pretrained=None instead of mmseg\'s mmcls://mobilenet_v2).')
            bb = dict()
            if plugins:
                bb['plugins'] = plugins
            bb['init_cfg'] = strict_init(_ckpt(cls, CLS_EPOCHS['mobilenet-v2']),
                                         allow_unexpected=MNV2_SEG_UNUSED)
            text = config_text(header, f'../_base_/mmseg/{lib}.py',
                               [assign('model', dict(pretrained=None, backbone=bb))] +
                               extra_body(m, 'seg'))
            row = dict(task='segmentation', dataset=DATASET_NAMES[ds[0]],
                       model='DeepLabV3 (D8)', backbone='MobileNetV2', module=m.name,
                       init=f'ours: {m.name}/{cls}', schedule=ds[2])
            outs.append(Out(f'{m.name}/{stem}.py', text, row))
    return outs


# ---- released ImageNet weights (converted by tools/model_converters/convert.py) ----------------
CONVERT = 'python tools/model_converters/convert.py'
ARCH_TITLES = {'resnet': 'ResNet-{d}', 'resnetv1d': 'ResNetV1d-{d}', 'mobilenet-v2': 'MobileNetV2'}
CLS_BASES = {'resnet': 'resnet{d}_8xb32_in1k', 'resnetv1d': 'resnetv1d{d}_8xb32_in1k',
             'mobilenet-v2': 'mobilenet-v2_8xb32_in1k'}


def converted_path(source) -> str:
    """Where the README recipe writes the converted file (the downstream configs read it)."""
    return f'checkpoints/{source.name}.pth'


def _eval_pipeline(source) -> list:
    e = source.eval
    return [dict(type='LoadImageFromFile'),
            dict(type='ResizeEdge', scale=e['resize'], edge='short', backend='pillow',
                 interpolation=e['interpolation']),
            dict(type='CenterCrop', crop_size=e['crop']),
            dict(type='PackInputs')]


def _released_what(source) -> str:
    top1 = (f'published top-1 {source.published_top1}' if source.published_top1 is not None
            else 'no published top-1')
    return f'{source.name}: {source.description} ({top1}; {source.top1_note})'


def released_base_files() -> List[Out]:
    outs = []
    for d in (50, 101):
        outs.append(Out(f'_base_/mmpretrain/resnetv1d{d}_8xb32_in1k.py', config_text(
            f'mmpretrain resnetv1d{d}_8xb32_in1k (deep stem, average-pool shortcut, ImageNet-1k, '
            '100 epochs) with AttnResNetV1d (deep stem named as mmseg\'s, stem.0..7): the network '
            f'of timm\'s ecaresnet{d}d.',
            f'mmpretrain::resnet/resnetv1d{d}_8xb32_in1k.py',
            [assign('model', dict(backbone=dict(type='AttnResNetV1d')))])))
    return outs


def released_cls_files(source) -> List[Out]:
    """One classification config per source (and per released kernel size): the model that the
    converted file loads into strictly and the test pipeline the source was evaluated with."""
    outs = []
    m = MODULE_BY_NAME[source.module]
    e = source.eval
    for value, path in source.configs().items():
        variant = (f' This config: the {source.variant.name}={value} file (the kernel size is read '
                   'from the weights and picks the config).' if value is not None else '')
        header = (
            f'Released ImageNet weights {_released_what(source)}.{variant}\n'
            f'From {source.origin}: {source.url or "no public file"}. Convert, then check against '
            f'the published top-1 on ImageNet val: {CONVERT} {source.name} SRC '
            f'{converted_path(source)} && python tools/test.py {path} {converted_path(source)}. '
            f'Test pipeline as the source evaluated: short side resized to {e["resize"]} '
            f'({e["interpolation"]}, PIL), center crop {e["crop"]}. Training with this config '
            'follows the mmpretrain base schedule.' +
            (f'\nWhere the released network differs from this model: {"; ".join(source.caveats)}.'
             if source.caveats else ''))
        model = dict(source.model)
        bb = source.backbone_args(value)
        if bb:
            model['backbone'] = bb
        body = [assign('model', model)] if model else []
        body += [assign('test_pipeline', _eval_pipeline(source)),
                 assign('val_dataloader', dict(dataset=dict(pipeline=Ref('test_pipeline')))),
                 assign('test_dataloader', dict(dataset=dict(pipeline=Ref('test_pipeline'))))]
        base = CLS_BASES[source.arch].format(d=source.depth)
        rel = path[len('configs/'):]
        title = ARCH_TITLES[source.arch].format(d=source.depth)
        row = dict(task='classification', dataset=DATASET_NAMES['in1k'],
                   model='ABNClassifier' if source.model else 'ImageClassifier', backbone=title,
                   module=m.name, init=f'released: {source.name} (converted)',
                   schedule='evaluation (base: 100 epochs)' if source.arch != 'mobilenet-v2'
                   else 'evaluation (base: 300 epochs)')
        outs.append(Out(rel, config_text(header, f'../_base_/mmpretrain/{base}.py', body), row))
    return outs


def _released_body(source, init: dict, **model) -> List[str]:
    bb = dict(model.pop('backbone', {}))
    bb.update(source.backbone_args())
    bb['init_cfg'] = init
    return ['# the converted release (tools/model_converters/convert.py writes it)',
            f'backbone_checkpoint = {converted_path(source)!r}',
            assign('model', dict(model, backbone=bb))]


def _released_header(source, what: str, backbone: str) -> str:
    m = MODULE_BY_NAME[source.module]
    return (f'{what} with {m.title}, the backbone initialised from the released ImageNet weights '
            f'{_released_what(source)}: the papers\' protocol (pretrained with the module '
            f'inside).\nFirst convert the downloaded file ({source.origin}: {source.url}): '
            f'{CONVERT} {source.name} SRC {converted_path(source)}; backbone_checkpoint below is '
            'the one place to change. The backbone loads it strictly (init_cfg strict=True: a '
            f'missing, unused or mis-shaped key stops the run at start). {backbone}')


def released_downstream_files(source) -> List[Out]:
    """Detection and segmentation configs of a module's released ResNet-50 / MobileNetV2."""
    outs = []
    m = MODULE_BY_NAME[source.module]
    tag, slug = f'{source.tag}-pre', m.slug
    init = strict_init(Ref('backbone_checkpoint'))
    row = dict(module=m.name, init=f'released: {source.name} (converted)')
    if source.arch == 'mobilenet-v2':
        for lib, ds in ((MNV2_SEG_VOC, SEG_DATASETS[0]), (MNV2_SEG_CITY, SEG_DATASETS[1])):
            stem = _prefix(m) + lib.replace('mobilenet-v2-d8_', f'mobilenet-v2-d8_{tag}_')
            header = _released_header(
                source, f'DeepLabV3 MobileNetV2-D8 on {DATASET_NAMES[ds[0]]} ({ds[2]})',
                'The classifier\'s last 1x1 conv (conv2) is not part of the segmentation '
                'backbone: allow_unexpected. model.pretrained=None instead of mmseg\'s '
                'mmcls://mobilenet_v2.')
            body = _released_body(source, strict_init(Ref('backbone_checkpoint'),
                                                      allow_unexpected=MNV2_SEG_UNUSED),
                                  pretrained=None)
            outs.append(Out(f'{m.name}/{stem}.py',
                            config_text(header, f'../_base_/mmseg/{lib}.py', body),
                            dict(row, task='segmentation', dataset=DATASET_NAMES[ds[0]],
                                 model='DeepLabV3 (D8)', backbone='MobileNetV2', schedule=ds[2])))
        return outs
    assert source.arch == 'resnet' and source.depth == 50, source.name
    for det, _, lib_name in DETECTORS:
        lib = lib_name.format(d=50)
        stem = f'{det}_{slug}-r50_{tag}_fpn_1x_coco'
        header = _released_header(source, f'{DET_TITLES[det]} R-50 1x on COCO',
                                  'frozen_stages=1 and norm_eval=True as mmdet (the plugins are '
                                  'pretrained).')
        outs.append(Out(f'{m.name}/{stem}.py',
                        config_text(header, f'../_base_/mmdet/{lib}.py',
                                    _released_body(source, init)),
                        dict(row, task='detection', dataset=DATASET_NAMES['coco'],
                             model=DET_TITLES[det], backbone='ResNet-50',
                             schedule='1x (12 epochs)')))
    for seg in SEGMENTORS:
        for ds in SEG_DATASETS:
            lib = seg_lib_name(seg, 50, ds)
            stem = f'{seg}_{slug}-r50b-d8_{tag}_{ds[1]}'
            header = _released_header(
                source, f'{SEG_TITLES[seg]} R-50b-D8 on {DATASET_NAMES[ds[0]]} ({ds[2]}, mmseg\'s '
                'schedule)',
                'The released ResNet-50 has the 7x7 stem, so the backbone is AttnResNet (mmseg\'s '
                'R-50b: ResNetV1b) instead of the deep-stem ResNetV1c of R-50-D8, with the same '
                'strides (1, 2, 1, 1), dilations (1, 1, 2, 4) and contract_dilation, as mmseg\'s '
                'deeplabv3_r50b-d8 configs do for torchvision weights. model.pretrained=None.')
            body = _released_body(source, init, pretrained=None,
                                  backbone=dict(type='AttnResNet'))
            outs.append(Out(f'{m.name}/{stem}.py',
                            config_text(header, f'../_base_/mmseg/{lib}.py', body),
                            dict(row, task='segmentation', dataset=DATASET_NAMES[ds[0]],
                                 model=f'{SEG_TITLES[seg]} (D8)', backbone='ResNet-50b',
                                 schedule=ds[2])))
    return outs


def released_readme(outs: List[Out]) -> List[str]:
    """The configs/README.md section on the released weights."""
    from attn_plugins.converters import SOURCES
    used: Dict[str, List[str]] = {}
    for o in outs:
        if o.row is not None and o.row['init'].startswith('released: ') and \
                o.row['task'] != 'classification':
            used.setdefault(o.row['init'].split()[1], []).append(o.path)
    lines = [
        '## Released ImageNet weights (converted)',
        '',
        'The authors\' (and torchvision\'s / timm\'s) ImageNet checkpoints, converted by '
        f'`{CONVERT} SOURCE SRC DST` (`--list` shows every SOURCE): one classification config per '
        'source (the model the converted file loads into strictly, with the source\'s test '
        'pipeline: `tools/test.py` on ImageNet val is the check against the published top-1) and, '
        'for the module\'s released ResNet-50 (or MobileNetV2), detection and segmentation configs '
        'whose backbone starts from the converted file `backbone_checkpoint = '
        '\'checkpoints/<SOURCE>.pth\'`. DeepLab from a 7x7-stem release uses mmseg\'s R-50b '
        '(`AttnResNet`, same strides and dilations as R-50-D8).',
        '',
        '| SOURCE | published top-1 | classification config | downstream configs |',
        '|---|---|---|---|',
    ]
    for source in SOURCES.values():
        top1 = '—' if source.published_top1 is None else f'{source.published_top1}'
        cls = ', '.join(f'`{p[len("configs/"):]}`' for p in source.configs().values())
        down = ', '.join(f'`{p}`' for p in used.get(source.name, [])) or '—'
        lines.append(f'| `{source.name}` | {top1} | {cls} | {down} |')
    return lines + ['']


def released_files() -> List[Out]:
    from attn_plugins.converters import SOURCES
    outs = released_base_files()
    for source in SOURCES.values():
        outs += released_cls_files(source)
        if source.downstream:
            outs += released_downstream_files(source)
    return outs


def flagship() -> Out:
    text = ('# The flagship: Faster R-CNN R-50 FPN 1x on COCO with GAM —\n'
            '# `python tools/train.py configs/gam_faster_rcnn.py`\n'
            '# (after the ImageNet GAM ResNet-50 run configs/gam/gam-resnet50_8xb32_in1k.py, or '
            'both at once:\n'
            '# `bash tools/train_chain.sh configs/gam/gam-resnet50_8xb32_in1k.py '
            'configs/gam_faster_rcnn.py`).\n'
            "_base_ = './gam/faster-rcnn_gam-r50_fpn_1x_coco.py'\n" + IMPORTS + '\n')
    return Out('gam_faster_rcnn.py', text,
               dict(task='detection', dataset=DATASET_NAMES['coco'],
                    model=DET_TITLES['faster-rcnn'], backbone='ResNet-50', module='gam',
                    init='ours: gam/gam-resnet50_8xb32_in1k', schedule='1x (12 epochs)'))


# ----------------------------------------------------------------------------------------------
# README
# ----------------------------------------------------------------------------------------------
def readme(outs: List[Out]) -> str:
    rows = [o for o in outs if o.row is not None]
    by_task: Dict[str, int] = {}
    for o in rows:
        by_task[o.row['task']] = by_task.get(o.row['task'], 0) + 1
    lines = [
        '# Configs',
        '',
        '<!-- Generated by tools/misc/generate_configs.py; do not edit by hand. -->',
        '',
        f'{len(rows)} experiment configs ({", ".join(f"{n} {t}" for t, n in by_task.items())}) '
        f'and {len(outs) - len(rows)} `_base_` files. Regenerate with '
        '`python tools/misc/generate_configs.py`; `tests/configs/` checks that the committed '
        'files equal the generator\'s output, that every config loads and builds, the published '
        'parameter totals, and that every downstream config points at a classification config '
        'of this tree whose backbone fits; the slow suite (`bash tools/run_tests.sh --slow`) runs '
        'a training step of every module in each model family and the two-step checkpoint '
        'hand-over for real.',
        '',
        '## Layout and names',
        '',
        '- `_base_/{mmpretrain,mmdet,mmseg}/<library config>.py`: the library\'s own config '
        '(inherited with `mmpretrain::`, `mmdet::`, `mmseg::`) with the backbone swapped for the '
        'plugin-capable one (`AttnResNet`, `AttnResNetV1c`, `AttnResNet_CIFAR`, '
        '`AttnMobileNetV2`: same arguments, same weight names) and, on CIFAR-100, the offline '
        '`CIFAR100Local` dataset. Schedules, pipelines, heads and runtime are the library\'s.',
        '- `<module>/`: one folder per module; `baseline/` has no module. A config sets the '
        '`plugins` and, downstream, the backbone initialisation.',
        '- Names mirror the libraries with the module prefixed to the backbone: '
        '`se/se-resnet50_8xb32_in1k.py`, `se/faster-rcnn_se-r50_fpn_1x_coco.py`, '
        '`se/deeplabv3_se-r50-d8_4xb4-40k_voc12aug-512x512.py`; baseline configs keep the '
        'library name (`baseline/resnet50_8xb32_in1k.py`).',
        '- `gam_faster_rcnn.py`: the flagship, = `gam/faster-rcnn_gam-r50_fpn_1x_coco.py`.',
        '',
        '## Two-step recipe (pretrain with the module, then transfer)',
        '',
        'Detection and segmentation backbones start from **our** classification checkpoint of '
        'the same module (the protocol of the SE/CBAM/ECA/SGE/GCT/CA papers): '
        '`init_cfg=dict(type=\'Pretrained\', checkpoint=\'work_dirs/<classification config '
        'name>/epoch_<last>.pth\', prefix=\'backbone.\', strict=True)` (mmseg: also `model.pretrained=None`). '
        'Train the classification config first (`tools/train.py`, default work dir '
        '`work_dirs/<config name>`), or both steps with '
        '`bash tools/train_chain.sh CLS_CONFIG DOWNSTREAM_CONFIG [N]`.',
        '',
        '- Detection (ImageNet stem): `<module>-resnet{50,101}_8xb32_in1k` (100 epochs). '
        'mmdet\'s `frozen_stages=1`, `norm_eval=True` are kept: the plugins are pretrained.',
        '- Segmentation (DeepLabV3/V3+ use the deep-stem ResNetV1c): '
        '`<module>-resnetv1c{50,101}_8xb32_in1k`. `AttnResNetV1c` names its deep stem as '
        'mmseg (`stem.0..7`) in every task, so the mmpretrain-trained checkpoint loads into '
        'the mmseg backbone without renaming. MobileNetV2: `<module>-mobilenet-v2_8xb32_in1k` '
        '(300 epochs, `epoch_300.pth`).',
        '- **Alternative initialisation** (detection): every detector has a `*_tv-pre_*` twin '
        '(except those of modules that replace the 3x3 conv, `sk` and `epsa`: torchvision has no '
        'weights for it) '
        'with torchvision ImageNet weights (`torchvision://resnet50/101`, mmdet\'s default) and '
        'randomly initialised plugins; it sets `train_plugins=True` so plugins in the frozen '
        'stage 1 keep training and plugin BNs stay in train mode under `norm_eval`. The '
        'baseline twins are mmdet\'s model-zoo setting (calibration against the published '
        '37.4 / 36.5 / 38.2 AP). Segmentation with mmseg\'s own weights is one override: '
        '`--cfg-options model.pretrained=open-mmlab://resnet50_v1c model.backbone.init_cfg=None`.',
        '- Every backbone `init_cfg` of the experiment configs (the `_base_` files keep the '
        'libraries\' own) loads **strictly** (`strict=True`, the strict '
        '`Pretrained` of `attn_plugins/compat.py`): a missing, unused or mis-shaped key stops the '
        'run at start with one line naming it. What may differ is stated in the config: '
        '`allow_missing=\'plugins\'` '
        '(the `*_tv-pre_*` random plugins), `allow_unexpected=r\'fc\\.\'` (torchvision\'s '
        'classifier), the GC classification checkpoint\'s stage-1 blocks and MobileNetV2\'s '
        '`conv2` (not part of a segmentation backbone).',
        '',
    ] + released_readme(outs) + [
        '## Placements',
        '',
        '| module | ResNet | MobileNetV2 |',
        '|---|---|---|',
    ]
    for m in MODULES:
        mn = m.mnv2_note if m.mnv2 is not None else f'— ({m.mnv2_note})'
        lines.append(f'| `{m.name}` | {m.resnet_note} | {mn} |'.replace('\n', ' '))
    lines += [
        '',
        'Further decisions: CIFAR-100 ResNets use the CIFAR stem (`AttnResNet_CIFAR`); '
        'CIFAR MobileNetV2 keeps stride 1 in layer2 and layer3 (output stride 8, 4x4 final '
        'map; see `_base_/mmpretrain/mobilenet-v2_8xb16_cifar100.py`). Segmentation: one '
        'schedule per dataset, the longer published one (VOC2012-aug 40k, Cityscapes 80k). '
        'MobileNetV2 DeepLabV3 exists for `baseline` and `coord_att` (Cityscapes: mmseg\'s '
        'config; VOC2012-aug: its analogue). ABN and SKNet (ResNeXt) are classification-only; '
        'SK and EPSA (they replace the Bottleneck 3x3 conv) have no ResNet-18 configs.',
    ]
    tasks = ['classification', 'detection', 'segmentation']
    lines += [
        '',
        '## Configs per module',
        '',
        '| module | ' + ' | '.join(tasks) + ' |',
        '|---|' + '---|' * len(tasks),
    ]
    for m in MODULES:
        n = [sum(1 for o in rows if o.path.startswith(m.name + '/') and o.row['task'] == t)
             for t in tasks]
        lines.append(f'| `{m.name}` | ' + ' | '.join(map(str, n)) + ' |')
    lines.append('| total (with the flagship) | ' +
                 ' | '.join(str(by_task.get(t, 0)) for t in tasks) + ' |')
    lines += [
        '',
        '## All configs',
        '',
        'The `_base_` files (the library configs with the plugin-capable backbone) train the '
        'plain model as well: ' + ', '.join(
            f'`{o.path}`' for o in sorted(outs, key=lambda o: o.path) if o.row is None) + '.',
        '',
        '| config | task | dataset | model | backbone | module | init | schedule |',
        '|---|---|---|---|---|---|---|---|',
    ]
    order = {m.name: i for i, m in enumerate(MODULES)}

    def key(o):
        folder = o.path.split('/')[0] if '/' in o.path else ''
        return (order.get(folder, -1), tasks.index(o.row['task']), o.row['dataset'], o.path)

    for o in sorted(rows, key=key):
        r = o.row
        lines.append(f'| [`{o.path}`]({o.path}) | {r["task"]} | {r["dataset"]} | {r["model"]} '
                     f'| {r["backbone"]} | {r["module"]} | {r["init"]} | {r["schedule"]} |')
    return '\n'.join(lines) + '\n'


# ----------------------------------------------------------------------------------------------
def generate() -> Dict[str, str]:
    """All generated files: ``{path relative to configs/: text}``."""
    outs = base_files()
    for m in MODULES:
        outs += cls_files(m)
        if m.downstream:
            outs += det_files(m)
            outs += seg_files(m)
    outs.append(flagship())
    outs += released_files()
    files = {o.path: o.text for o in outs}
    if len(files) != len(outs):
        raise RuntimeError('duplicate config paths')
    stems = [osp.splitext(osp.basename(p))[0] for p in files if not p.startswith('_base_/')]
    if len(set(stems)) != len(stems):
        raise RuntimeError('duplicate config names (work_dirs would collide)')
    files['README.md'] = readme(outs)
    return files


def rows() -> Dict[str, dict]:
    """README metadata of every experiment config: ``{path: row}`` (for tests)."""
    outs = []
    for m in MODULES:
        outs += cls_files(m)
        if m.downstream:
            outs += det_files(m) + seg_files(m)
    outs.append(flagship())
    outs += [o for o in released_files() if o.row is not None]
    return {o.path: o.row for o in outs}


def existing_files(root: str) -> Dict[str, str]:
    """The files of ``root`` the generator owns (everything but configs/demo/ etc.)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = osp.relpath(dirpath, root)
        if rel_dir == '.':
            dirnames[:] = [d for d in dirnames if d not in OWNED_ELSEWHERE]
        dirnames[:] = [d for d in dirnames if d != '__pycache__']
        for f in filenames:
            if f.endswith('.py') or f == 'README.md':
                rel = osp.normpath(osp.join(rel_dir, f))
                with open(osp.join(dirpath, f), encoding='utf-8') as fh:
                    out[rel.replace(os.sep, '/')] = fh.read()
    return out


def diff(root: str) -> List[str]:
    """Problems: files that differ, are missing, or are stale (not generated any more)."""
    want, have = generate(), existing_files(root)
    problems = []
    for p in sorted(set(want) | set(have)):
        if p not in have:
            problems.append(f'missing: {p}')
        elif p not in want:
            problems.append(f'stale (not generated): {p}')
        elif want[p] != have[p]:
            d = ''.join(list(difflib.unified_diff(have[p].splitlines(True),
                                                  want[p].splitlines(True), p, p))[:20])
            problems.append(f'differs: {p}\n{d}')
    return problems


def write(root: str) -> Tuple[int, int]:
    want = generate()
    have = existing_files(root) if osp.isdir(root) else {}
    for p in set(have) - set(want):
        os.remove(osp.join(root, p))
    n = 0
    for p, text in want.items():
        path = osp.join(root, p)
        os.makedirs(osp.dirname(path), exist_ok=True)
        if have.get(p) != text:
            with open(path, 'w', encoding='utf-8') as fh:
                fh.write(text)
            n += 1
    for dirpath, dirnames, filenames in os.walk(root, topdown=False):
        if dirpath != root and not os.listdir(dirpath):
            os.rmdir(dirpath)
    return len(want), n


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', default=osp.join(ROOT, 'configs'),
                        help='config root to write or check (default: configs/)')
    parser.add_argument('--check', action='store_true',
                        help='only compare; exit 1 when the tree differs')
    args = parser.parse_args(argv)
    if args.check:
        problems = diff(args.out)
        for p in problems:
            print(p)
        print(f'{len(problems)} problem(s)' if problems else 'configs are up to date')
        return 1 if problems else 0
    total, changed = write(args.out)
    print(f'{total} files in {args.out} ({changed} written)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
