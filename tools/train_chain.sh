#!/usr/bin/env bash
# Classification pretraining chained into a detection/segmentation run, in one command:
#   bash tools/train_chain.sh CLS_CONFIG DOWNSTREAM_CONFIG [N_PROCS] [-- train.py args for both]
# 1. trains CLS_CONFIG into CLS_WORK_DIR (default work_dirs/<cls config name>);
# 2. takes that run's final checkpoint (CLS_WORK_DIR/last_checkpoint);
# 3. trains DOWNSTREAM_CONFIG into DOWN_WORK_DIR (default work_dirs/<downstream>_from_<cls>) with
#    model.backbone.init_cfg=dict(type='Pretrained', checkpoint=<ckpt>, prefix='backbone.',
#    strict=True)
#    (and model.pretrained=None for mmseg), i.e. train.py --pretrained-backbone <ckpt>; a checkpoint
#    that does not fit the downstream backbone stops the run with one error line.
# Both stages run with --resume, so running the chain again continues an interrupted stage and
# skips a finished one. N_PROCS > 1 uses tools/dist_train.sh (NNODES, NODE_RANK, MASTER_ADDR, PORT
# as there). CLS_ARGS / DOWN_ARGS add train.py arguments to one stage only, e.g.
#   CLS_ARGS="--cfg-options train_cfg.max_epochs=100" bash tools/train_chain.sh cls.py det.py 8
# PYTHON selects the interpreter (default: the repository's .venv/bin/python, else python;
# tools/_python.sh).
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "usage: bash $0 CLS_CONFIG DOWNSTREAM_CONFIG [N_PROCS] [-- train.py args]" >&2
    exit 2
fi
CLS_CONFIG=$1
DOWN_CONFIG=$2
shift 2
N_PROCS=1
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
    N_PROCS=$1
    shift
fi
if [ $# -gt 0 ] && [ "$1" == "--" ]; then
    shift
fi
source "$(dirname "${BASH_SOURCE[0]}")/_python.sh"  # PYTHON: $PYTHON, else .venv, else python
ROOT="$ATTN_PLUGINS_ROOT"
CLS_NAME=$(basename "${CLS_CONFIG%.py}")
DOWN_NAME=$(basename "${DOWN_CONFIG%.py}")
CLS_WORK_DIR=${CLS_WORK_DIR:-work_dirs/$CLS_NAME}
DOWN_WORK_DIR=${DOWN_WORK_DIR:-work_dirs/${DOWN_NAME}_from_${CLS_NAME}}
read -r -a CLS_EXTRA <<< "${CLS_ARGS:-}"
read -r -a DOWN_EXTRA <<< "${DOWN_ARGS:-}"

train() {
    if [ "$N_PROCS" -gt 1 ]; then
        PYTHON="$PYTHON" bash "$ROOT/tools/dist_train.sh" "$1" "$N_PROCS" "${@:2}"
    else
        PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}" "$PYTHON" "$ROOT/tools/train.py" "$@"
    fi
}

echo "[train_chain] 1/2 classification: $CLS_CONFIG -> $CLS_WORK_DIR"
train "$CLS_CONFIG" --work-dir "$CLS_WORK_DIR" --resume "$@" "${CLS_EXTRA[@]}"
# the run's final checkpoint, as mmengine's CheckpointHook records it
CKPT=""
if [ -f "$CLS_WORK_DIR/last_checkpoint" ]; then
    CKPT=$(head -n1 "$CLS_WORK_DIR/last_checkpoint")
    if [ ! -f "$CKPT" ]; then  # the work dir was moved after training
        CKPT="$CLS_WORK_DIR/$(basename "$CKPT")"
    fi
fi
if [ -z "$CKPT" ] || [ ! -f "$CKPT" ]; then
    echo "train_chain.sh: error: no final checkpoint in $CLS_WORK_DIR (last_checkpoint missing or" \
        "pointing to a missing file)" >&2
    exit 1
fi
echo "[train_chain] 2/2 downstream: $DOWN_CONFIG -> $DOWN_WORK_DIR, backbone from $CKPT"
train "$DOWN_CONFIG" --work-dir "$DOWN_WORK_DIR" --resume --pretrained-backbone "$CKPT" "$@" \
    "${DOWN_EXTRA[@]}"
