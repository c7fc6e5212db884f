"""The demo recipe transfers: configs/demo/gam_faster_rcnn_shapes_cpu.py, unchanged but for the data
root and the class list, trained from scratch on each held-out variant of the COCO-format shapes data
(``attn_plugins.data.synthetic.COCO_VARIANTS``: other image sizes, textured backgrounds, 3 and 5
classes, small objects, no colour) must reach bbox mAP >= 0.30 (pycocotools, mmdet CocoMetric) within
the demo's time budget. Each of those tests trains for ~5 minutes on 2 cores: marked ``variants`` and
deselected by default (``pytest -m variants tests/e2e/test_demo_variants.py``).

Measured numbers (2 cores, final recipe) are in MEASURED; the README has the same table.
"""
import importlib.util
import os
import os.path as osp

import pytest

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = 'configs/demo/gam_faster_rcnn_shapes_cpu.py'
TARGET_MAP = 0.30
# The target is <= 5 minutes of training on 2 cores; CI machines vary, so the test allows more
# (override with ATTN_PLUGINS_VARIANT_MAX_S) and prints the measured time.
MAX_S = float(os.environ.get('ATTN_PLUGINS_VARIANT_MAX_S', 900))
MEASURED = {  # (bbox mAP, AP50, train.py wall s, CPU s) on 2 cores, 12-epoch recipe
    'large_images': (0.492, 0.725, 253, 259),
    'textured': (0.548, 0.741, 266, 271),
    'three_class': (0.609, 0.824, 238, 251),
    'five_class': (0.463, 0.655, 254, 259),
    'small_objects': (0.642, 0.846, 280, 285),
    'grey': (0.488, 0.633, 262, 267),
}


def _synthetic():
    """attn_plugins/data/synthetic.py on its own (numpy, OpenCV and Pillow only), as conftest does."""
    spec = importlib.util.spec_from_file_location(
        '_variants_synthetic', osp.join(REPO, 'attn_plugins', 'data', 'synthetic.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def variant_options(summary: dict):
    """--cfg-options that give the demo config a dataset's class list (the data root comes from
    coco_opts): the three dataloaders' metainfo and the RoI head's class count."""
    classes = ','.join(summary['classes'])
    return [f'{split}_dataloader.dataset.metainfo.classes={classes}'
            for split in ('train', 'val', 'test')] + [
        f'model.roi_head.bbox_head.num_classes={len(summary["classes"])}']


def test_every_variant_has_a_test():
    assert set(MEASURED) == set(_synthetic().COCO_VARIANTS)


@pytest.mark.variants
@pytest.mark.parametrize('variant', sorted(MEASURED))
def test_demo_detector_transfers_to_variant(variant, train, coco_opts, tmp_path):
    summary = _synthetic().make_coco(str(tmp_path / f'coco_{variant}'), variant=variant)
    assert summary['variant'] == variant and summary['images'] == dict(train=240, val=60)
    metrics, seconds = train(CONFIG, tmp_path / 'work', 'coco/bbox_mAP',
                             coco_opts(summary['data_root']) + variant_options(summary))
    print(f'variant {variant}: bbox mAP {metrics["coco/bbox_mAP"]:.3f}, AP50 '
          f'{metrics["coco/bbox_mAP_50"]:.3f}, {seconds:.0f} s (measured here before: '
          f'{MEASURED[variant]})')
    assert metrics['coco/bbox_mAP'] >= TARGET_MAP, (variant, metrics)
    assert seconds <= MAX_S, f'{variant}: training took {seconds:.0f} s > {MAX_S:.0f} s'
