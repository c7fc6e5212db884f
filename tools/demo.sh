#!/usr/bin/env bash
# CPU demo of the flagship: GAM Faster R-CNN trained from scratch on the built-in COCO-format shapes
# data (4 classes), evaluated with pycocotools (mmdet CocoMetric): bbox mAP 0.59 in about 4.5 minutes
# on 2 CPU cores.
#
#   bash tools/demo.sh [extra tools/train.py arguments, e.g. --cfg-options train_cfg.max_epochs=4]
#
# Steps: environment (tools/setup_env.sh; quick when current) -> data/coco/ (generated if missing)
# -> tools/train.py configs/demo/gam_faster_rcnn_shapes_cpu.py -> COCO table + one-line summary.
# Every run writes to a fresh work dir work_dirs/demo/<timestamp>/ (earlier runs are never touched).
#
# Environment:
#   DEMO_DATA=DIR       parent of the dataset (default: data; the set goes to DIR/coco/). A DIR/coco/
#                       that is not the default synthetic shapes set (e.g. real COCO) is left alone:
#                       the demo then uses DIR/attn_plugins_demo/coco/ instead.
#   DEMO_WORK_DIR=DIR   work dir of this run (default: work_dirs/demo/<timestamp>; must not exist)
#   DEMO_SKIP_SETUP=1   do not call tools/setup_env.sh (use the current .venv as it is)
#   PYTHON=...          interpreter (default: .venv/bin/python, else python; tools/_python.sh)
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say()  { printf '[demo] %s\n' "$*"; }
fail() { printf '[demo] ERROR: %s\n' "$*" >&2; exit 1; }

if [ "${DEMO_SKIP_SETUP:-0}" != 1 ]; then
  bash tools/setup_env.sh || fail "environment setup failed (see above)"
fi
source tools/_python.sh  # PYTHON: $PYTHON, else .venv/bin/python, else python
PY="$PYTHON"
[ -x "$PY" ] || command -v "$PY" >/dev/null 2>&1 || fail "no interpreter $PY (run bash tools/setup_env.sh)"

CONFIG=configs/demo/gam_faster_rcnn_shapes_cpu.py
T0=$(date +%s.%N)   # the demo's clock starts after the (one-time) environment setup

# CPU threads: one compute thread (the data loader process uses the other core) and passive
# OpenMP waiting. Measured on 2 shared cores: 2 busy-waiting threads run an iteration ~5x slower
# than 1 thread, 2 passive threads ~1.7x slower (the model's ops are small). Override if you like.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"

# ---- data ---------------------------------------------------------------------------------------
DATA="${DEMO_DATA:-data}"
is_default_shapes() {  # $1: dataset dir; true if it is the synthetic default set the config expects
  "$PY" - "$1" <<'EOF' 2>/dev/null
import json, os.path as osp, sys
try:
    m = json.load(open(osp.join(sys.argv[1], '.attn_plugins_synthetic.json')))
    p = m['params']
    ok = (m['kind'] == 'coco' and p['num_train'] == 240 and p['num_val'] == 60 and p['seed'] == 0
          and p.get('names', 'shape') == 'shape' and p.get('variant') is None
          and osp.isfile(osp.join(sys.argv[1], 'annotations', 'instances_val2017.json')))
except Exception:
    ok = False
sys.exit(0 if ok else 1)
EOF
}
COCO="$DATA/coco"
if ! is_default_shapes "$COCO"; then
  if [ -d "$COCO" ] && [ -n "$(ls -A "$COCO" 2>/dev/null)" ]; then
    say "$COCO/ is not the built-in shapes set (left untouched); using $DATA/attn_plugins_demo/coco/"
    COCO="$DATA/attn_plugins_demo/coco"
  fi
  if ! is_default_shapes "$COCO"; then
    if [ -d "$COCO" ] && [ -n "$(ls -A "$COCO" 2>/dev/null)" ]; then
      fail "$COCO/ exists but is not the default shapes set; move it away or set DEMO_DATA=OTHER_DIR"
    fi
    say "generating the COCO-format shapes data in $COCO/"
    "$PY" tools/data/make_datasets.py coco --out "$(dirname "$COCO")" \
      || fail "data generation failed"
  fi
fi
say "data: $COCO/ (240 train / 60 val images, classes circle, square, triangle, cross)"
DATA_ARGS=()
if [ "$COCO" != "data/coco" ]; then
  R="${COCO%/}/"
  DATA_ARGS=(train_dataloader.dataset.data_root="$R" val_dataloader.dataset.data_root="$R"
             test_dataloader.dataset.data_root="$R"
             val_evaluator.ann_file="${R}annotations/instances_val2017.json"
             test_evaluator.ann_file="${R}annotations/instances_val2017.json")
fi

# ---- work dir: always a new one -----------------------------------------------------------------
if [ -n "${DEMO_WORK_DIR:-}" ]; then
  WORK_DIR="$DEMO_WORK_DIR"
  [ -e "$WORK_DIR" ] && [ -n "$(ls -A "$WORK_DIR" 2>/dev/null)" ] \
    && fail "DEMO_WORK_DIR=$WORK_DIR exists and is not empty; choose a new directory"
else
  WORK_DIR="work_dirs/demo/$(date +%Y%m%d_%H%M%S)"
  n=1; base="$WORK_DIR"
  while [ -e "$WORK_DIR" ]; do WORK_DIR="${base}_$n"; n=$((n + 1)); done
fi
mkdir -p "$WORK_DIR"
say "work dir: $WORK_DIR"

# ---- train + evaluate ---------------------------------------------------------------------------
say "training GAM Faster R-CNN (AttnResNet-18, GAM after the last BN of every block) from scratch on CPU"
if [ ${#DATA_ARGS[@]} -gt 0 ]; then
  "$PY" tools/train.py "$CONFIG" --work-dir "$WORK_DIR" "$@" --cfg-options "${DATA_ARGS[@]}"
else
  "$PY" tools/train.py "$CONFIG" --work-dir "$WORK_DIR" "$@"
fi
rc=$?
[ "$rc" -eq 0 ] || fail "training failed (exit code $rc); logs in $WORK_DIR/"
T1=$(date +%s.%N)

# ---- report -------------------------------------------------------------------------------------
"$PY" - "$WORK_DIR" "$T0" "$T1" <<'EOF'
import sys
from attn_plugins.analysis.summarize import load_work_dir  # reads mmengine's scalar logs
work_dir, t0, t1 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
evals = [rec for rec in load_work_dir(work_dir)['val'] if 'coco/bbox_mAP' in rec]
if not evals:
    sys.exit('[demo] ERROR: no coco/bbox_mAP in the logs of ' + work_dir)
metrics = evals[-1]
names = [('AP', 'bbox_mAP'), ('AP50', 'bbox_mAP_50'), ('AP75', 'bbox_mAP_75'),
         ('APs', 'bbox_mAP_s'), ('APm', 'bbox_mAP_m'), ('APl', 'bbox_mAP_l')]
print()
print('[demo] COCO bbox evaluation (pycocotools), val2017 of the shapes set:')
print('       ' + '  '.join(f'{n:>6s}' for n, _ in names))
print('       ' + '  '.join(f'{metrics["coco/" + k]:6.3f}' for _, k in names))
print(f'[demo] bbox mAP = {metrics["coco/bbox_mAP"]:.3f} in {t1 - t0:.0f} s '
      f'(work dir: {work_dir})')
EOF
