"""Results tables from mmengine work dirs: COCO AP, mIoU, top-1/top-5, next to published numbers.

What is read from each work dir (the layout mmengine's ``Runner`` writes):

* ``<work_dir>/<timestamp>/vis_data/<timestamp>.json`` — the JSON-lines scalar log of
  ``LoggerHook`` (``scalars.json`` of ``LocalVisBackend`` beside it holds the same records and is
  read only when the former is missing): training records carry ``loss``, ``iter``, ``epoch``,
  ``step``; validation records carry the metrics (``coco/bbox_mAP``..., ``mIoU``,
  ``accuracy/top1``...) and ``step`` (the epoch, or the iteration for iteration-based loops).
* ``<work_dir>/<timestamp>/<timestamp>.json`` — the metrics of a ``tools/test.py`` run (one JSON
  object, ``LoggerHook.after_test_epoch``). When present, the latest one gives the row
  ("test"); otherwise the last validation ("val, last") or, with ``--select best``, the best one.
* ``<work_dir>/<config name>.py`` (or ``<timestamp>/vis_data/config.py``) — the dumped config:
  the row's name, its attention modules, and, with ``--complexity``, params/FLOPs via
  :mod:`attn_plugins.analysis.complexity`.

Units: COCO AP (mmdet logs fractions) ×100 in %; mIoU/mAcc/aAcc (mmseg) and top-1/top-5
(mmpretrain) are already %. pycocotools reports -1 for a metric it cannot compute (APs when the
ground truth has no small objects, ...): that is read as undefined (``None``), shown as "n/a" and
never used as a number. Params in M (1e6), FLOPs = multiply-accumulates in G (1e9).

Every row is labelled: "measured here" (our work dirs) or "published: <source>" (the embedded
:data:`PUBLISHED` table, numbers taken from ``/work/shared/reference`` with their original
sources; older stacks than ours — compare gains, not absolute values).
"""
import csv
import json
import os
import os.path as osp
import re
from typing import Dict, List, Optional, Sequence, Tuple

TASKS = ('classification', 'detection', 'segmentation')

# log key -> (task, column, scale to %)
METRIC_KEYS = {
    'accuracy/top1': ('classification', 'top-1', 1.),
    'accuracy/top5': ('classification', 'top-5', 1.),
    'coco/bbox_mAP': ('detection', 'AP', 100.), 'coco/bbox_mAP_50': ('detection', 'AP50', 100.),
    'coco/bbox_mAP_75': ('detection', 'AP75', 100.), 'coco/bbox_mAP_s': ('detection', 'APs', 100.),
    'coco/bbox_mAP_m': ('detection', 'APm', 100.), 'coco/bbox_mAP_l': ('detection', 'APl', 100.),
    'coco/segm_mAP': ('detection', 'mask AP', 100.),
    'coco/segm_mAP_50': ('detection', 'mask AP50', 100.),
    'coco/segm_mAP_75': ('detection', 'mask AP75', 100.),
    'coco/segm_mAP_s': ('detection', 'mask APs', 100.),
    'coco/segm_mAP_m': ('detection', 'mask APm', 100.),
    'coco/segm_mAP_l': ('detection', 'mask APl', 100.),
    'pascal_voc/mAP': ('detection', 'VOC mAP', 100.),
    'mIoU': ('segmentation', 'mIoU', 1.), 'mAcc': ('segmentation', 'mAcc', 1.),
    'aAcc': ('segmentation', 'aAcc', 1.),
}
COCO_UNDEFINED = -1.  # pycocotools' value of a metric without ground truth (e.g. no small objects)
PRIMARY = {'classification': 'top-1', 'detection': 'AP', 'segmentation': 'mIoU'}
COLUMNS = {t: [col for _, (task, col, _) in METRIC_KEYS.items() if task == t] for t in TASKS}

_ECA = ('ECA-Net paper (CVPR 2020) Tables, as compiled in QingbeiGuo/SDA-xNet README; '
        'AP/AP50/AP75 also in BangguWu/ECANet README (mmdetection v1-era 1x)')
_SGE = 'implus/PytorchInsight README (SGE paper; mmdetection v0.x, 2x)'
_MMDET = 'mmdetection 3.x model zoo (configs/*/README.md, 1x)'
_MMSEG = 'mmsegmentation 1.x model zoo (configs/deeplabv3/README.md)'
_INSIGHT = 'implus/PytorchInsight README (ImageNet re-training)'
_TA = 'landskape-ai/triplet-attention README (MMDetection, 1x)'
_GCNET = 'mmdetection configs/gcnet/README.md (Mask R-CNN 1x)'

# Published results (from /work/shared/reference/modules.md §1-§14 and openmmlab.md §3; each
# entry names its original source). Metrics in %, params in M.
PUBLISHED: List[Dict] = [
    # --- COCO detection, Faster R-CNN R-50-FPN ---
    dict(model='Faster R-CNN R-50-FPN', attention='none', task='detection', source=_MMDET,
         metrics={'AP': 37.4}),
    dict(model='Faster R-CNN R-50-FPN', attention='none', task='detection', source=_ECA,
         metrics={'AP': 36.4, 'AP50': 58.2, 'AP75': 39.2, 'APs': 21.8, 'APm': 40.0, 'APl': 46.2}),
    dict(model='Faster R-CNN SE-R-50-FPN', attention='SE', task='detection', source=_ECA,
         metrics={'AP': 37.7, 'AP50': 60.1, 'AP75': 40.9, 'APs': 22.9, 'APm': 41.9, 'APl': 48.2}),
    dict(model='Faster R-CNN ECA-R-50-FPN', attention='ECA', task='detection', source=_ECA,
         metrics={'AP': 38.0, 'AP50': 60.6, 'AP75': 40.9, 'APs': 23.4, 'APm': 42.1, 'APl': 48.0}),
    dict(model='Faster R-CNN R-50-FPN (2x)', attention='none', task='detection', source=_SGE,
         metrics={'AP': 37.5, 'AP50': 59.1, 'AP75': 40.6}),
    dict(model='Faster R-CNN SGE-R-50-FPN (2x)', attention='SGE', task='detection', source=_SGE,
         metrics={'AP': 38.7, 'AP50': 60.8, 'AP75': 41.7}),
    dict(model='Faster R-CNN TA-R-50-FPN', attention='TripletAttention', task='detection',
         source=_TA, metrics={'AP': 39.3, 'AP50': 60.8, 'AP75': 42.7, 'APs': 23.4, 'APm': 42.8,
                              'APl': 50.3}),
    dict(model='Faster R-CNN R-101-FPN', attention='none', task='detection', source=_MMDET,
         metrics={'AP': 39.4}),
    dict(model='Faster R-CNN SE-R-101-FPN (2x)', attention='SE', task='detection', source=_SGE,
         metrics={'AP': 40.4, 'AP50': 61.9, 'AP75': 44.2}),
    dict(model='Faster R-CNN SGE-R-101-FPN (2x)', attention='SGE', task='detection', source=_SGE,
         metrics={'AP': 41.0, 'AP50': 63.0, 'AP75': 44.3}),
    # --- COCO detection, RetinaNet / Mask R-CNN R-50-FPN ---
    dict(model='RetinaNet R-50-FPN', attention='none', task='detection', source=_MMDET,
         metrics={'AP': 36.5}),
    dict(model='RetinaNet TA-R-50-FPN', attention='TripletAttention', task='detection',
         source=_TA, metrics={'AP': 37.6, 'AP50': 57.3, 'AP75': 40.0, 'APs': 21.7, 'APm': 41.1,
                              'APl': 49.7}),
    dict(model='Mask R-CNN R-50-FPN', attention='none', task='detection', source=_MMDET,
         metrics={'AP': 38.2, 'mask AP': 34.7}),
    dict(model='Mask R-CNN SE-R-50-FPN', attention='SE', task='detection', source=_ECA,
         metrics={'AP': 38.7, 'AP50': 60.9, 'AP75': 42.1, 'APs': 23.4, 'APm': 42.7, 'APl': 50.0,
                  'mask AP': 35.4, 'mask AP50': 57.4, 'mask AP75': 37.8}),
    dict(model='Mask R-CNN ECA-R-50-FPN', attention='ECA', task='detection', source=_ECA,
         metrics={'AP': 39.0, 'AP50': 61.3, 'AP75': 42.1, 'APs': 24.2, 'APm': 42.8, 'APl': 49.9,
                  'mask AP': 35.6, 'mask AP50': 58.1, 'mask AP75': 37.7}),
    dict(model='Mask R-CNN R-50-FPN + GC r16 (c3-c5)', attention='ContextBlock',
         task='detection', source=_GCNET, metrics={'AP': 39.7, 'mask AP': 35.9}),
    # --- segmentation ---
    dict(model='DeepLabV3 R-50-D8 Cityscapes 512×1024 40k', attention='none',
         task='segmentation', source=_MMSEG, metrics={'mIoU': 79.09}),
    dict(model='DeepLabV3 R-50-D8 Cityscapes 512×1024 80k', attention='none',
         task='segmentation', source=_MMSEG, metrics={'mIoU': 79.32}),
    dict(model='DeepLabV3 R-50-D8 VOC12aug 512×512 20k', attention='none', task='segmentation',
         source=_MMSEG, metrics={'mIoU': 76.17}),
    dict(model='DeepLabV3 R-50-D8 VOC12aug 512×512 40k', attention='none', task='segmentation',
         source=_MMSEG, metrics={'mIoU': 77.68}),
    dict(model='DeepLabV3 MobileNetV2 VOC12 (OS16)', attention='none', task='segmentation',
         source='houqb/CoordAttention README (SPNet codebase)', metrics={'mIoU': 70.84}),
    dict(model='DeepLabV3 MobileNetV2 + CA VOC12 (OS16)', attention='CoordAtt',
         task='segmentation', source='houqb/CoordAttention README (SPNet codebase)',
         metrics={'mIoU': 73.32}),
    # --- ImageNet classification, ResNet-50 ---
    dict(model='ResNet-50', attention='none', task='classification',
         source='mmpretrain 1.x model zoo (configs/resnet/metafile.yml)',
         metrics={'top-1': 76.55, 'top-5': 93.06}, params_M=25.56, flops_G=4.12),
    dict(model='ResNet-50', attention='none', task='classification', source=_INSIGHT,
         metrics={'top-1': 76.384}, params_M=25.56),
    dict(model='SE-ResNet-50', attention='SE', task='classification', source=_INSIGHT,
         metrics={'top-1': 77.184}, params_M=28.09),
    dict(model='CBAM-ResNet-50', attention='CBAM', task='classification', source=_INSIGHT,
         metrics={'top-1': 77.626}, params_M=28.09),
    dict(model='BAM-ResNet-50', attention='BAM', task='classification', source=_INSIGHT,
         metrics={'top-1': 76.898}, params_M=25.92),
    dict(model='SGE-ResNet-50', attention='SGE', task='classification', source=_INSIGHT,
         metrics={'top-1': 77.584}, params_M=25.56),
    dict(model='ECA-ResNet-50 (k3557)', attention='ECA', task='classification',
         source='BangguWu/ECANet README', metrics={'top-1': 77.42}, params_M=25.56),
    dict(model='SA-ResNet-50', attention='SA', task='classification',
         source='wofmanaf/SA-Net README', metrics={'top-1': 77.88}, params_M=25.56),
    dict(model='TA-ResNet-50 (k7)', attention='TripletAttention', task='classification',
         source='landskape-ai/triplet-attention README', metrics={'top-1': 77.48},
         params_M=25.56),
    dict(model='GC-ResNet-50 (r16, all stages)', attention='ContextBlock',
         task='classification', source='GCNet ImageNet entry, as compiled in SDA-xNet README',
         metrics={'top-1': 77.70, 'top-5': 93.66}, params_M=28.11, flops_G=4.13),
]


# ------------------------------------------------------------------------------------------------
# reading work dirs
# ------------------------------------------------------------------------------------------------
def read_json_lines(path: str) -> List[Dict]:
    """Records of a JSON-lines file; a single JSON object (test dumps) gives one record."""
    with open(path) as f:
        text = f.read()
    try:
        obj = json.loads(text)
        if isinstance(obj, dict):
            return [obj]
        return [r for r in obj if isinstance(r, dict)] if isinstance(obj, list) else []
    except json.JSONDecodeError:
        pass
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line:
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut by a killed run
            if isinstance(rec, dict):
                out.append(rec)
    return out


def _is_timestamp(name: str) -> bool:
    return len(name) == 15 and name[8] == '_' and name.replace('_', '').isdigit()


def extract_metrics(record: Dict) -> Dict[str, Dict[str, Optional[float]]]:
    """``{task: {column: value in %}}`` of the known metric keys in ``record``; a COCO metric
    pycocotools could not compute (its -1) is ``None``."""
    out: Dict[str, Dict[str, float]] = {}
    for key, value in record.items():
        # mmengine may prefix with the dataset name (e.g. 'coco/bbox_mAP') or the evaluator
        # prefix; match the known keys exactly, then by suffix.
        spec = METRIC_KEYS.get(key)
        if spec is None and '/' in key:
            tail = key.split('/', 1)[1]
            spec = METRIC_KEYS.get(tail) if tail in ('mIoU', 'mAcc', 'aAcc') else None
        if spec is None or not isinstance(value, (int, float)):
            continue
        task, col, scale = spec
        if key.startswith('coco/') and value == COCO_UNDEFINED:
            out.setdefault(task, {})[col] = None
            continue
        out.setdefault(task, {})[col] = round(float(value) * scale, 6)
    return out


def load_work_dir(work_dir: str) -> Dict:
    """Training, validation and test records of every run (timestamp folder) of ``work_dir``."""
    if not osp.isdir(work_dir):
        raise FileNotFoundError(f'work dir {work_dir!r} does not exist')
    info = dict(work_dir=work_dir, runs=[], train=[], val=[], test=[], config=None)
    for ts in sorted(d for d in os.listdir(work_dir) if _is_timestamp(d)):
        run_dir = osp.join(work_dir, ts)
        vis = osp.join(run_dir, 'vis_data')
        log = None
        for name in (f'{ts}.json', 'scalars.json'):
            if osp.isfile(osp.join(vis, name)):
                log = osp.join(vis, name)
                break
        test_dump = osp.join(run_dir, f'{ts}.json')
        if log is None and not osp.isfile(test_dump):
            continue
        info['runs'].append(ts)
        if log:  # _seq: the record's place in its log (what came after what)
            for seq, rec in enumerate(read_json_lines(log)):
                rec = dict(rec, _run=ts, _seq=seq)
                if extract_metrics(rec):
                    info['val'].append(rec)
                elif 'loss' in rec or any(k.startswith('loss') for k in rec):
                    info['train'].append(rec)
        if osp.isfile(test_dump):
            for rec in read_json_lines(test_dump):
                if extract_metrics(rec):
                    info['test'].append(dict(rec, _run=ts))
        if osp.isfile(osp.join(vis, 'config.py')):
            info['config'] = osp.join(vis, 'config.py')
    dumped = [f for f in sorted(os.listdir(work_dir)) if f.endswith('.py')
              and osp.isfile(osp.join(work_dir, f))]
    if dumped:  # the Runner's dump under the config's own name is the most readable name
        info['config'] = osp.join(work_dir, dumped[0])
    if not info['runs']:
        raise FileNotFoundError(f'{work_dir}: no mmengine logs (<timestamp>/vis_data/<timestamp>'
                                f'.json or scalars.json, or <timestamp>/<timestamp>.json)')
    return info


def train_length(cfg) -> Optional[Tuple[str, int]]:
    """``('epoch', N)`` or ``('iter', N)``: where the config's training loop ends."""
    tc = cfg.get('train_cfg') or {}
    if tc.get('type') == 'IterBasedTrainLoop' or tc.get('by_epoch') is False:
        n = tc.get('max_iters')
        return ('iter', int(n)) if n else None
    n = tc.get('max_epochs')
    return ('epoch', int(n)) if n else None


def evaluated_after_training(info: Dict) -> bool:
    """The latest run that trained ends its log with an evaluation, or a test run came later.
    Without training records (a logging interval longer than the schedule, or test runs only)
    any evaluation counts."""
    trained = sorted({r['_run'] for r in info['train']})
    if not trained:
        return bool(info['val'] or info['test'])
    last = trained[-1]
    last_seq = max(r['_seq'] for r in info['train'] if r['_run'] == last)
    if any(r['_run'] == last and r['_seq'] > last_seq for r in info['val']):
        return True
    return any(r['_run'] >= last for r in info['test'])


def training_state(info: Dict, cfg=None) -> Dict:
    """How far the work dir's training got: ``state`` 'finished' (trained to the end of its
    schedule, then evaluated), 'trained' (to the end, no evaluation after it) or 'interrupted'
    (not to the end; an earlier validation does not count), with ``detail`` and ``checkpoint``
    (``last_checkpoint``'s path). The end is known from the dumped config (``cfg``, read when not
    given): ``last_checkpoint`` names the final epoch/iteration, or the last training record
    reached it. A work dir of test runs only is 'finished'."""
    from ..runtime.common import CKPT_STEP_RE
    ckpt = None
    last = osp.join(info['work_dir'], 'last_checkpoint')
    if osp.isfile(last):
        with open(last) as f:
            ckpt = f.read().strip() or None
    if not info['train'] and not ckpt:
        state = 'finished' if info['test'] else 'interrupted'
        return dict(state=state, detail='' if info['test'] else 'no training records',
                    checkpoint=None)
    if cfg is None:
        cfg = _config_info(info['config']).get('cfg')
    length = train_length(cfg) if cfg is not None else None
    if length is None:
        return dict(state='interrupted', detail='no schedule (train_cfg) in a dumped config',
                    checkpoint=ckpt)
    kind, total = length
    m = CKPT_STEP_RE.search(osp.basename(ckpt)) if ckpt else None
    done = [int(m.group(2))] if m and m.group(1) == kind else []
    done += [int(r[kind]) for r in info['train'][-1:] if isinstance(r.get(kind), (int, float))]
    reached = max(done, default=0)
    if reached < total:
        return dict(state='interrupted', detail=f'{kind} {reached}/{total}', checkpoint=ckpt)
    if evaluated_after_training(info):
        return dict(state='finished', detail='', checkpoint=ckpt)
    return dict(state='trained', detail='no evaluation after training', checkpoint=ckpt)


def _config_info(path: Optional[str]) -> Dict:
    """Scope and attention module types of a dumped config (best effort)."""
    if not path:
        return {}
    try:
        from mmengine.config import Config
        cfg = Config.fromfile(path)
    except Exception as e:  # noqa: BLE001
        return dict(error=f'{type(e).__name__}: {e}')
    model = cfg.get('model', {}) or {}
    backbone = model.get('backbone', {}) or {}
    types = []
    for p in backbone.get('plugins') or []:
        cfg_ = p.get('cfg', {}) if isinstance(p, dict) else {}
        if cfg_.get('type') and cfg_['type'] not in types:
            types.append(cfg_['type'])
    if model.get('type') == 'ABNClassifier':
        types.append('ABN')
    return dict(scope=cfg.get('default_scope'), attention='+'.join(types) or 'none',
                backbone=backbone.get('type'), model_type=model.get('type'), cfg=cfg,
                seed=(cfg.get('randomness') or {}).get('seed'))


_SEED_LINE = re.compile(r'^\s*seed: (\d+)\s*$', re.M)


def logged_seed(info: Dict) -> Optional[int]:
    """The seed the Runner used, from its text log (``<ts>/<ts>.log``, "seed: N" in the runtime
    environment block) of the first run that logged one: the record of a run whose config left
    ``randomness.seed`` unset (mmengine then draws one; a resumed run takes the checkpoint's)."""
    for ts in info['runs']:
        path = osp.join(info['work_dir'], ts, f'{ts}.log')
        if not osp.isfile(path):
            continue
        with open(path, errors='replace') as f:
            m = _SEED_LINE.search(f.read(200_000))
        if m:
            return int(m.group(1))
    return None


def _complexity(cfg, shape=None) -> Dict:
    from .complexity import (DEFAULT_SHAPE, build_model, count_complexity, head_num_classes,
                             model_inputs)
    model, scope = build_model(cfg)
    shape = shape or DEFAULT_SHAPE.get(scope, (224, 224))
    traced, inputs = model_inputs(model, scope, shape, head_num_classes(cfg))
    res = count_complexity(traced, inputs)
    return dict(params_M=res['params_M'], flops_G=res['flops_G'], complexity_shape=list(shape))


def _benchmark_speeds(paths: Sequence[str]) -> Dict[str, Dict]:
    """config stem -> speed of config-mode benchmark JSONs (attn_plugins.analysis.benchmark)."""
    speeds = {}
    for path in paths or []:
        with open(path) as f:
            rep = json.load(f)
        if rep.get('kind') != 'config':
            continue
        for c in rep.get('cases', []):
            fwd = c.get('ours', {}).get('forward', {})
            if 'median_ms' not in fwd:
                continue
            stem = osp.splitext(osp.basename(c['config']))[0]
            speeds[stem] = dict(speed_ms=fwd['median_ms'],
                                speed_overhead_pct=c.get('overhead', {}).get('forward_time_pct'),
                                speed_note=f'{c["part"]} forward, {c["input_size"][0]}×'
                                           f'{c["input_size"][1]}, batch {c.get("batch", 1)}, '
                                           f'{rep["environment"].get("device_name")}, '
                                           f'{osp.basename(path)}')
    return speeds


def _primary(task: str, rec: Dict) -> Optional[float]:
    return extract_metrics(rec).get(task, {}).get(PRIMARY[task])


def make_row(info: Dict, select: str = 'last', complexity: bool = False, shape=None,
             speeds: Optional[Dict] = None, cfg_info: Optional[Dict] = None) -> Dict:
    """The table row of one work dir (``info`` from :func:`load_work_dir`; ``cfg_info`` from
    :func:`_config_info` of its dumped config, read here when not given)."""
    if cfg_info is None:
        cfg_info = _config_info(info['config'])
    name = osp.splitext(osp.basename(info['config']))[0] if info['config'] else \
        osp.basename(osp.normpath(info['work_dir']))
    if name == 'config':  # only vis_data/config.py was found
        name = osp.basename(osp.normpath(info['work_dir']))
    row = dict(model=name, source='measured here', work_dir=info['work_dir'],
               attention=cfg_info.get('attention', ''), runs=len(info['runs']))
    if info['test']:
        rec, split = info['test'][-1], 'test'
    elif info['val']:
        if select == 'best':
            task = next(iter(extract_metrics(info['val'][-1])))
            rec = max(info['val'], key=lambda r: float('-inf') if _primary(task, r) is None
                      else _primary(task, r))
            split = 'val, best'
        else:
            rec, split = info['val'][-1], 'val, last'
    else:
        rec, split = None, 'no evaluation'
    row['split'] = split
    row['seed'] = cfg_info.get('seed')
    if row['seed'] is None and cfg_info.get('cfg') is not None:
        row['seed'] = logged_seed(info)
    if rec is not None:
        metrics = extract_metrics(rec)
        row['task'] = next(iter(metrics))
        row['metrics'] = metrics[row['task']]
        row['step'] = rec.get('step')
    else:
        row['task'] = {'mmpretrain': 'classification', 'mmdet': 'detection',
                       'mmseg': 'segmentation'}.get(cfg_info.get('scope'), 'classification')
        row['metrics'] = {}
    if info['train']:
        last = info['train'][-1]
        row['final_loss'] = last.get('loss')
        row['iters'] = last.get('iter', last.get('step'))
        row['epochs'] = last.get('epoch')
    if complexity and cfg_info.get('cfg') is not None:
        try:
            row.update(_complexity(cfg_info['cfg'], shape))
        except Exception as e:  # noqa: BLE001
            row['complexity_error'] = f'{type(e).__name__}: {e}'
    if speeds and name in speeds:
        row.update(speeds[name])
    return row


def published_rows(tasks: Optional[Sequence[str]] = None) -> List[Dict]:
    rows = []
    for p in PUBLISHED:
        if tasks and p['task'] not in tasks:
            continue
        rows.append(dict(model=p['model'], attention=p['attention'], task=p['task'],
                         source=f'published: {p["source"]}', metrics=dict(p['metrics']),
                         params_M=p.get('params_M'), flops_G=p.get('flops_G'), split='paper'))
    return rows


# ------------------------------------------------------------------------------------------------
# output
# ------------------------------------------------------------------------------------------------
def _fmt(v, digits=2) -> str:
    if v is None or v == '':
        return '—'
    if isinstance(v, float):
        return f'{v:.{digits}f}'
    return str(v)


UNDEFINED_TEXT = 'n/a'  # a metric the evaluator could not compute (COCO's -1)


def _fmt_metric(metrics: Dict, col: str, digits=2) -> str:
    """'—' for a metric that was not measured, 'n/a' for one that is undefined (COCO's -1)."""
    if col in metrics and metrics[col] is None:
        return UNDEFINED_TEXT
    return _fmt(metrics.get(col), digits)


def _columns(task: str, rows: List[Dict]) -> List[str]:
    present = {c for r in rows for c in r.get('metrics', {})}
    cols = [c for c in COLUMNS[task] if c in present]
    return cols or [PRIMARY[task]]


def to_markdown(rows: List[Dict]) -> str:
    titles = {'classification': 'Classification (top-1 / top-5, %)',
              'detection': 'Detection (COCO box AP, %; mask AP for Mask R-CNN)',
              'segmentation': 'Segmentation (mIoU, %)'}
    out = []
    for task in TASKS:
        trows = [r for r in rows if r.get('task') == task]
        if not trows:
            continue
        cols = _columns(task, trows)
        out += [f'### {titles[task]}', '',
                '| model | attention | ' + ' | '.join(cols) + ' | params (M) | FLOPs (G) | '
                'speed (ms) | evaluated | source |',
                '|' + '---|' * (len(cols) + 7)]
        for r in trows:
            m = r.get('metrics', {})
            speed = _fmt(r.get('speed_ms'))
            if r.get('speed_overhead_pct') is not None:
                speed += f' ({r["speed_overhead_pct"]:+.1f}%)'
            out.append(f'| {r["model"]} | {r.get("attention") or "—"} | '
                       + ' | '.join(_fmt_metric(m, c) for c in cols)
                       + f' | {_fmt(r.get("params_M"))} | {_fmt(r.get("flops_G"), 3)} | {speed} '
                         f'| {r.get("split", "—")} | {r["source"]} |')
        out.append('')
    notes = ['"measured here" rows come from the work dirs given (logs read by '
             'tools/analysis/summarize.py); "published" rows are papers\' / model zoos\' numbers '
             'on the full datasets, often with older OpenMMLab versions — compare gains within a '
             'source, not absolute values across sources.',
             'COCO AP: mmdet logs fractions, shown ×100; n/a: pycocotools could not compute it '
             '(its -1: no ground truth of that size). FLOPs: multiply-accumulates '
             '(mmengine.analysis), G = 1e9; params M = 1e6. speed: forward median of a benchmark '
             'JSON (config mode), overhead vs the plugin-free baseline in parentheses.']
    shapes = {tuple(r['complexity_shape']) for r in rows if r.get('complexity_shape')}
    if shapes:
        notes.append('params/FLOPs measured at input ' + ', '.join(f'{h}×{w}' for h, w in shapes))
    for r in rows:
        if r.get('speed_note'):
            notes.append(f'speed of {r["model"]}: {r["speed_note"]}')
    return '\n'.join(out + [f'- {n}' for n in notes]) + '\n'


def to_csv(rows: List[Dict], path: str) -> str:
    metric_cols = [c for t in TASKS for c in COLUMNS[t]
                   if any(c in r.get('metrics', {}) for r in rows)]
    fields = ['model', 'task', 'attention', 'source', 'split', 'step', 'seed', 'work_dir'] \
        + metric_cols \
        + ['params_M', 'flops_G', 'speed_ms', 'speed_overhead_pct', 'final_loss', 'iters',
           'epochs']
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path, 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=fields, extrasaction='ignore')
        w.writeheader()
        for r in rows:
            m = r.get('metrics', {})
            w.writerow({**{k: r.get(k, '') for k in fields},
                        **{c: UNDEFINED_TEXT if c in m and m[c] is None else m.get(c, '')
                           for c in metric_cols}})
    return path


def make_plots(rows: List[Dict], infos: List[Dict], out_dir: str) -> List[str]:
    """Accuracy vs params and vs FLOPs per task, and training curves (loss, metric)."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    os.makedirs(out_dir, exist_ok=True)
    written = []
    for task in TASKS:
        trows = [r for r in rows if r.get('task') == task
                 and r.get('metrics', {}).get(PRIMARY[task]) is not None]
        for key, label in (('params_M', 'parameters (M)'), ('flops_G', 'FLOPs (G, MACs)')):
            pts = [r for r in trows if r.get(key) is not None]
            if not pts:
                continue
            fig, ax = plt.subplots(figsize=(7, 5))
            for measured, style in ((True, dict(marker='o', color='C0', label='measured here')),
                                    (False, dict(marker='^', color='C3', facecolors='none',
                                                 label='published'))):
                sel = [r for r in pts if (r['source'] == 'measured here') == measured]
                if not sel:
                    continue
                ax.scatter([r[key] for r in sel], [r['metrics'][PRIMARY[task]] for r in sel],
                           **style)
                for r in sel:
                    ax.annotate(r['model'], (r[key], r['metrics'][PRIMARY[task]]), fontsize=7,
                                xytext=(3, 3), textcoords='offset points')
            ax.set_xlabel(label)
            ax.set_ylabel(f'{PRIMARY[task]} (%)')
            ax.set_title(f'{task}: {PRIMARY[task]} vs {label}')
            ax.grid(True, alpha=.3)
            ax.legend(fontsize=8)
            fig.tight_layout()
            path = osp.join(out_dir, f'{task}_{PRIMARY[task].replace("-", "")}_vs_'
                                     f'{key.split("_")[0]}.png')
            fig.savefig(path, dpi=90)
            plt.close(fig)
            written.append(path)
    if any(i['train'] or i['val'] for i in infos):
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 5))
        for k, info in enumerate(infos):
            name = osp.basename(osp.normpath(info['work_dir']))
            tr = [r for r in info['train'] if 'loss' in r]
            if tr:
                ax1.plot([r.get('iter', r.get('step', i)) for i, r in enumerate(tr)],
                         [r['loss'] for r in tr], label=name, color=f'C{k % 10}')
            if info['val']:
                metrics = extract_metrics(info['val'][-1])
                task = next(iter(metrics))
                ys = [float('nan') if _primary(task, r) is None else _primary(task, r)
                      for r in info['val']]
                xs = [r.get('step', i + 1) for i, r in enumerate(info['val'])]
                ax2.plot(xs, ys, marker='o', label=f'{name} ({PRIMARY[task]})',
                         color=f'C{k % 10}')
        ax1.set_xlabel('iteration')
        ax1.set_ylabel('training loss')
        ax1.set_title('training loss')
        ax2.set_xlabel('validation step (epoch or iteration)')
        ax2.set_ylabel('metric (%)')
        ax2.set_title('validation metric')
        for ax in (ax1, ax2):
            ax.grid(True, alpha=.3)
            if ax.get_legend_handles_labels()[0]:
                ax.legend(fontsize=8)
        fig.tight_layout()
        path = osp.join(out_dir, 'training_curves.png')
        fig.savefig(path, dpi=90)
        plt.close(fig)
        written.append(path)
    return written


def read_work_dir(work_dir: str) -> Dict:
    """:func:`load_work_dir`, with what makes a work dir unreadable (it does not exist, has no
    logs, a file cannot be read) raised as ``ValueError`` with one line that names it."""
    try:
        return load_work_dir(work_dir)
    except FileNotFoundError as e:
        raise ValueError(str(e)) from e
    except (OSError, ValueError) as e:
        raise ValueError(f'{work_dir}: cannot read its logs ({type(e).__name__}: {e})') from e


def summarize(work_dirs: Sequence[str], select: str = 'last', published: bool = False,
              complexity: bool = False, shape=None, benchmarks: Sequence[str] = ()) -> Dict:
    """Rows of the readable work dirs; ``skipped`` lists ``(work_dir, reason)`` of the others (a
    bad work dir never takes the table of the rest down with it)."""
    infos, rows, skipped = [], [], []
    speeds = _benchmark_speeds(benchmarks)
    for w in work_dirs:
        try:
            info = read_work_dir(w)
            rows.append(make_row(info, select, complexity, shape, speeds))
        except ValueError as e:
            skipped.append((w, str(e)))
            continue
        infos.append(info)
    names = [r['model'] for r in rows]
    for r in rows:  # the same config in several work dirs: tell the rows apart
        if names.count(r['model']) > 1:
            r['model'] = f'{r["model"]} ({osp.basename(osp.normpath(r["work_dir"]))})'
    if published:
        tasks = sorted({r['task'] for r in rows}) or None
        rows += published_rows(tasks)
    return dict(rows=rows, infos=infos, skipped=skipped)


def add_report_arguments(p, per: str) -> None:
    """The output and cost options of summarize.py and compare.py (``per``: 'row' or 'arm')."""
    p.add_argument('--out-md', help='write the Markdown here (default: print it)')
    p.add_argument('--out-csv', help=f'write a CSV here (one row per {per}'
                                     + (' and metric)' if per == 'arm' else ')'))
    p.add_argument('--plots', metavar='DIR', help='write the plots into DIR')
    p.add_argument('--complexity', action='store_true',
                   help=f'params/FLOPs per {per}, of its dumped config '
                        '(attn_plugins.analysis.complexity)')
    p.add_argument('--shape', type=int, nargs='+', help='input H [W] for --complexity '
                                                       '(default 224 / 800×1333 / 512×1024)')
    p.add_argument('--benchmark', nargs='+', default=[], metavar='JSON',
                   help='config-mode benchmark JSONs (tools/analysis/benchmark.py --config): '
                        f'speed per {per}, matched by config name')


def shape_argument(args):
    """``--shape H [W]`` as ``(H, W)``, or ``None``."""
    return (args.shape[0], args.shape[-1]) if args.shape else None


def write_markdown(md: str, path: Optional[str], prog: str) -> None:
    """``md`` into ``path`` (reported), or printed when no path is given."""
    if not path:
        print(md)
        return
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path, 'w') as f:
        f.write(md)
    print(f'{prog}: Markdown -> {path}')


def build_parser():
    import argparse
    p = argparse.ArgumentParser(
        prog='summarize.py', formatter_class=argparse.RawDescriptionHelpFormatter,
        description='Tables (Markdown, CSV) and plots of mmengine work dirs: COCO AP, mIoU, '
                    'top-1/top-5, with params/FLOPs, speed and published numbers.',
        epilog=__doc__)
    p.add_argument('work_dirs', nargs='+', help='mmengine work dirs (training and/or test runs)')
    add_report_arguments(p, 'row')
    p.add_argument('--published', action='store_true',
                   help='add the embedded published results of the same tasks')
    p.add_argument('--select', choices=('last', 'best'), default='last',
                   help='which validation to report when there is no test run')
    return p


def main(argv=None) -> int:
    import sys
    args = build_parser().parse_args(argv)
    shape = shape_argument(args)
    res = summarize(args.work_dirs, args.select, args.published, args.complexity, shape,
                    args.benchmark)
    if not res['infos']:  # nothing readable: one error line per work dir, no table
        for _, reason in res['skipped']:
            print(f'summarize: error: {reason}', file=sys.stderr)
        return 2
    for _, reason in res['skipped']:
        print(f'summarize: skipped: {reason}', file=sys.stderr)
    write_markdown(to_markdown(res['rows']), args.out_md, 'summarize')
    if args.out_csv:
        to_csv(res['rows'], args.out_csv)
        print(f'summarize: CSV -> {args.out_csv}')
    if args.plots:
        for path in make_plots(res['rows'], res['infos'], args.plots):
            print(f'summarize: plot -> {path}')
    return 0
