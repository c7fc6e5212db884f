#!/usr/bin/env bash
# Regenerate results/small_data/: the README's "measured on the built-in data" results.
#
#   bash tools/analysis/make_results.sh [OUT_DIR]      (default OUT_DIR: results/small_data)
#
# For each CPU-scale config of configs/demo/ it trains two models from scratch on the built-in
# data, with the attention module and without it (model.backbone.plugins=None, everything else
# equal), into a NEW work dir root work_dirs/results/<timestamp>/, then runs
#   tools/analysis/summarize.py   (table + CSV + plots, measured rows next to published rows)
#   tools/analysis/vis_attention.py (GAM gates and Grad-CAM of the trained demo detector)
# Missing datasets are generated (tools/data/make_datasets.py; existing data is never touched).
# About 25 minutes on 2 CPU cores. One seed per row: on these small sets, differences of a few
# points between the two rows of a pair are within run-to-run noise.
#
# Environment: PYTHON (default .venv/bin/python), DATA (default data), WORK_ROOT (default
# work_dirs/results/<timestamp>; must not exist), ONLY="gam_faster se_resnet18" (a subset:
# configs whose name contains one of the words).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
OUT="${1:-results/small_data}"
DATA="${DATA:-data}"
WORK_ROOT="${WORK_ROOT:-work_dirs/results/$(date +%Y%m%d_%H%M%S)}"
say() { printf '[results] %s\n' "$*"; }
if [ -e "$WORK_ROOT" ]; then
  echo "[results] ERROR: $WORK_ROOT exists; choose a new WORK_ROOT (earlier runs are kept)" >&2
  exit 1
fi
mkdir -p "$WORK_ROOT"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"

# config stem of configs/demo/ | dataset kind
PAIRS=(
  "gam_faster_rcnn_shapes_cpu|coco"
  "eca_retinanet_shapes_cpu|coco"
  "se_mask_rcnn_shapes_cpu|coco"
  "coord_att_deeplabv3_voc_cpu|voc"
  "se_resnet18_cifar_cpu|cifar100"
)
declare -A DATA_DIR=([coco]="$DATA/coco" [voc]="$DATA/VOCdevkit/VOC2012" [cifar100]="$DATA/cifar100")

for pair in "${PAIRS[@]}"; do
  IFS='|' read -r stem kind <<<"$pair"
  if [ -n "${ONLY:-}" ] && ! grep -qE "$(tr ' ' '|' <<<"$ONLY")" <<<"$stem"; then
    continue
  fi
  if [ ! -e "${DATA_DIR[$kind]}" ]; then
    say "generating the $kind data under $DATA/"
    "$PY" tools/data/make_datasets.py "$kind" --out "$DATA"
  fi
  for variant in attn plain; do
    wd="$WORK_ROOT/${stem}_$variant"
    opts=()
    [ "$variant" = plain ] && opts=(--cfg-options model.backbone.plugins=None)
    say "training $stem ($variant) -> $wd"
    "$PY" tools/train.py "configs/demo/$stem.py" --work-dir "$wd" "${opts[@]}" >"$wd.log" 2>&1 \
      || { echo "[results] ERROR: training failed; see $wd.log" >&2; exit 1; }
  done
done

mkdir -p "$OUT"
say "tables -> $OUT/"
for task in "det|*_shapes_cpu_*|256" "seg|*_voc_cpu_*|256" "cls|*_cifar_cpu_*|32"; do
  IFS='|' read -r t pattern size <<<"$task"
  dirs=()
  for d in "$WORK_ROOT"/$pattern; do [ -d "$d" ] && dirs+=("$d"); done
  [ ${#dirs[@]} -gt 0 ] || continue
  "$PY" tools/analysis/summarize.py "${dirs[@]}" --published --complexity --shape "$size" \
    --out-md "$OUT/$t.md" --out-csv "$OUT/$t.csv" --plots "$OUT/plots_$t"
done

GAM_DIR="$WORK_ROOT/gam_faster_rcnn_shapes_cpu_attn"
if [ -d "$GAM_DIR" ]; then
  ckpt="$(ls "$GAM_DIR"/epoch_*.pth | tail -1)"
  img="$(ls "$DATA"/coco/val2017/*.jpg | head -1)"
  say "attention maps of $ckpt on $img -> $OUT/vis_gam_faster_rcnn/"
  "$PY" tools/analysis/vis_attention.py "configs/demo/gam_faster_rcnn_shapes_cpu.py" "$ckpt" \
    "$img" --out-dir "$OUT/vis_gam_faster_rcnn" --layers layer4 layer3.1 --size 256 256
fi
say "done: work dirs in $WORK_ROOT, results in $OUT"
