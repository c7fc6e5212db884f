#!/usr/bin/env bash
# Regenerate results/small_data/: the README's "measured on the built-in data" results, over seeds.
#
#   bash tools/analysis/make_results.sh [OUT_DIR]      (default OUT_DIR: results/small_data)
#
# For each CPU-scale config of configs/demo/, one sweep (tools/sweep.py) of two arms trained from
# scratch on the built-in data: the config with its module ("<stem>") and without it
# ("<stem>+baseline": model.backbone.plugins=None from the placement table, everything else equal),
# over SEEDS (DEMO_SEEDS for the demo detector; both 0-4 by default), into WORK_ROOT/<stem>/. Then per task:
#   tools/analysis/compare.py   -> OUT/<task>.md/.csv/.json, OUT/plots_<task>/: mean ± std per arm,
#                                  the paired difference to the baseline, its 95% t interval, the
#                                  paired t-test's p and the verdict; params/FLOPs per arm
#   tools/analysis/summarize.py -> OUT/<task>_runs.md/.csv: every run, beside the published rows
#   tools/analysis/vis_attention.py (the demo detector, seed 0) -> OUT/vis_gam_faster_rcnn/
# Missing datasets are generated (tools/data/make_datasets.py; existing data is never touched).
# Stopped part-way, it continues where it stopped when run again with the WORK_ROOT it printed
# (finished runs are skipped, interrupted ones resume).
#
# Environment: PYTHON (default .venv/bin/python, else python; tools/_python.sh), DATA (default data), WORK_ROOT (default a new
# work_dirs/results/<timestamp>), SEEDS (default "0 1 2 3 4"), DEMO_SEEDS (default: SEEDS),
# JOBS (runs at a time, each pinned to its share of the cores; default 1), ONLY="gam_faster
# se_resnet18" (configs whose name contains one of the words), EPOCH_OPTIONS / ITER_OPTIONS
# (extra --cfg-options for the epoch- / iteration-based configs, e.g. a short schedule for a trial:
# EPOCH_OPTIONS="train_cfg.max_epochs=1 train_cfg.val_interval=1").
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
source tools/_python.sh  # PYTHON: $PYTHON, else .venv/bin/python, else python
PY="$PYTHON"
OUT="${1:-results/small_data}"
DATA="${DATA:-data}"
WORK_ROOT="${WORK_ROOT:-work_dirs/results/$(date +%Y%m%d_%H%M%S)}"
SEEDS="${SEEDS:-0 1 2 3 4}"
DEMO_SEEDS="${DEMO_SEEDS:-$SEEDS}"
JOBS="${JOBS:-1}"
say() { printf '[results] %s\n' "$*"; }
say "work dirs: $WORK_ROOT (run again with WORK_ROOT=$WORK_ROOT to continue)"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"

# config stem of configs/demo/ | dataset kind | training loop | task
CONFIGS=(
  "gam_faster_rcnn_shapes_cpu|coco|epoch|det"
  "eca_retinanet_shapes_cpu|coco|epoch|det"
  "se_mask_rcnn_shapes_cpu|coco|epoch|det"
  "coord_att_deeplabv3_voc_cpu|voc|iter|seg"
  "se_resnet18_cifar_cpu|cifar100|epoch|cls"
)
declare -A DATA_DIR=([coco]="$DATA/coco" [voc]="$DATA/VOCdevkit/VOC2012"
                     [cifar100]="$DATA/cifar100")
declare -A SWEEPS=([det]="" [seg]="" [cls]="")

for entry in "${CONFIGS[@]}"; do
  IFS='|' read -r stem kind loop task <<<"$entry"
  if [ -n "${ONLY:-}" ] && ! grep -qE "$(tr ' ' '|' <<<"$ONLY")" <<<"$stem"; then
    continue
  fi
  if [ ! -e "${DATA_DIR[$kind]}" ]; then
    say "generating the $kind data under $DATA/"
    "$PY" tools/data/make_datasets.py "$kind" --out "$DATA"
  fi
  seeds="$SEEDS"
  [ "$stem" = gam_faster_rcnn_shapes_cpu ] && seeds="$DEMO_SEEDS"
  extra="${EPOCH_OPTIONS:-}"
  [ "$loop" = iter ] && extra="${ITER_OPTIONS:-}"
  opts=()
  # shellcheck disable=SC2206  # the options are words on purpose
  [ -n "$extra" ] && opts=(--cfg-options $extra)
  say "sweep $stem: with and without its module, seeds $seeds -> $WORK_ROOT/$stem"
  # shellcheck disable=SC2086
  "$PY" tools/sweep.py "configs/demo/$stem.py" --modules config baseline --seeds $seeds \
    --jobs "$JOBS" --work-dir "$WORK_ROOT/$stem" "${opts[@]}" \
    || { echo "[results] ERROR: the sweep of $stem did not finish (python tools/sweep.py --status $WORK_ROOT/$stem)" >&2; exit 1; }
  SWEEPS[$task]+=" $WORK_ROOT/$stem"
done

mkdir -p "$OUT"
for entry in "det|256" "seg|256" "cls|32"; do
  IFS='|' read -r task size <<<"$entry"
  [ -n "${SWEEPS[$task]}" ] || continue
  # shellcheck disable=SC2086
  read -r -a sweeps <<<"${SWEEPS[$task]}"
  say "$task: compare.py -> $OUT/$task.md, summarize.py -> $OUT/${task}_runs.md"
  "$PY" tools/analysis/compare.py "${sweeps[@]}" --complexity --shape "$size" \
    --out-md "$OUT/$task.md" --out-csv "$OUT/$task.csv" --out-json "$OUT/$task.json" \
    --plots "$OUT/plots_$task"
  runs=()
  for s in "${sweeps[@]}"; do
    for d in "$s"/*/seed*; do [ -d "$d" ] && runs+=("$d"); done
  done
  "$PY" tools/analysis/summarize.py "${runs[@]}" --published \
    --out-md "$OUT/${task}_runs.md" --out-csv "$OUT/${task}_runs.csv"
done

GAM_DIR="$WORK_ROOT/gam_faster_rcnn_shapes_cpu/gam_faster_rcnn_shapes_cpu/seed0"
if [ -d "$GAM_DIR" ]; then
  ckpt="$(cat "$GAM_DIR/last_checkpoint")"
  img="$(ls "$DATA"/coco/val2017/*.jpg | head -1)"
  say "attention maps of $ckpt on $img -> $OUT/vis_gam_faster_rcnn/"
  "$PY" tools/analysis/vis_attention.py "$GAM_DIR/gam_faster_rcnn_shapes_cpu.py" "$ckpt" \
    "$img" --out-dir "$OUT/vis_gam_faster_rcnn" --layers layer4 layer3.1 --size 256 256
fi
say "done: work dirs in $WORK_ROOT, results in $OUT"
