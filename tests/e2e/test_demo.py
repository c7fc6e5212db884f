"""The flagship demo: GAM Faster R-CNN from scratch on the COCO-format shapes data (CPU).

- a shortened schedule of configs/demo/gam_faster_rcnn_shapes_cpu.py must already detect (mAP far
  above the ~0 of an untrained detector);
- ``bash tools/demo.sh`` itself (the full config) must reach the project's target, bbox mAP >= 0.30,
  and keep the recipe's own number on its data, >= 0.50 (measured: 0.593 with the 12-epoch recipe,
  train.py 256 s wall, 261 CPU-s on 2 cores), and print its COCO table and summary line. The same
  recipe on the held-out variants of the data: tests/e2e/test_demo_variants.py.
"""
import glob
import os
import os.path as osp
import re
import subprocess
import time

import pytest

pytestmark = pytest.mark.slow

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = 'configs/demo/gam_faster_rcnn_shapes_cpu.py'
# The target is 10 minutes on 2 cores; CI machines vary, so the test allows more (override with
# ATTN_PLUGINS_DEMO_MAX_S) and reports the measured time.
DEMO_MAX_S = float(os.environ.get('ATTN_PLUGINS_DEMO_MAX_S', 900))


def test_gam_faster_rcnn_short_schedule_learns(e2e_data, train, coco_opts, tmp_path):
    data_root = e2e_data('coco')
    epochs = 4  # cosine over 4 epochs: ~0.3 mAP (the full 12-epoch demo: 0.59)
    metrics, _ = train(CONFIG, tmp_path / 'work', 'coco/bbox_mAP', coco_opts(data_root) + [
        f'train_cfg.max_epochs={epochs}', f'train_cfg.val_interval={epochs}',
        f'param_scheduler.1.end={epochs}'])
    assert metrics['coco/bbox_mAP'] >= 0.15, metrics
    assert metrics['coco/bbox_mAP_50'] >= 0.35, metrics


def test_demo_script_reaches_target(e2e_data, tmp_path):
    data_root = e2e_data('coco')  # <parent>/coco: the demo's default synthetic set
    work_dir = tmp_path / 'demo'
    env = dict(os.environ, DEMO_SKIP_SETUP='1', DEMO_DATA=osp.dirname(data_root.rstrip('/')),
               DEMO_WORK_DIR=str(work_dir))
    t0 = time.time()
    proc = subprocess.run(['bash', 'tools/demo.sh'], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=3600)
    seconds = time.time() - t0
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = proc.stdout
    m = re.search(r'\[demo\] bbox mAP = ([0-9.]+) in ([0-9]+) s', out)
    assert m, out[-3000:]
    bbox_map, demo_s = float(m.group(1)), float(m.group(2))
    print(f'\ntools/demo.sh: bbox mAP = {bbox_map} in {demo_s:.0f} s (test wall {seconds:.0f} s)')
    # the COCO table: pycocotools' summary and the demo's own table
    assert 'Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all' in out
    assert re.search(r'AP\s+AP50\s+AP75\s+APs\s+APm\s+APl', out)
    assert bbox_map >= 0.30, out[-3000:]
    assert bbox_map >= 0.50, f'the recipe fell below its built-in number (0.59 measured): {bbox_map}'
    assert demo_s <= DEMO_MAX_S, f'demo took {demo_s:.0f} s > {DEMO_MAX_S:.0f} s'
    # a fresh work dir with the run's logs and the final checkpoint
    assert glob.glob(str(work_dir / 'epoch_*.pth')), os.listdir(work_dir)
