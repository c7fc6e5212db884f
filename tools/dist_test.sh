#!/usr/bin/env bash
# Distributed testing with torchrun (python -m torch.distributed.run).
#   bash tools/dist_test.sh CONFIG CHECKPOINT N_PROCS_PER_NODE [test.py args]
# NNODES, NODE_RANK, MASTER_ADDR, PORT as for tools/dist_train.sh; PYTHON selects the interpreter
# (default: the repository's .venv/bin/python, else python; tools/_python.sh).
set -euo pipefail
if [ $# -lt 3 ]; then
    echo "usage: bash $0 CONFIG CHECKPOINT N_PROCS_PER_NODE [test.py args]" >&2
    exit 2
fi
CONFIG=$1
CHECKPOINT=$2
GPUS=$3
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}
source "$(dirname "${BASH_SOURCE[0]}")/_python.sh"  # PYTHON: $PYTHON, else .venv, else python
ROOT="$ATTN_PLUGINS_ROOT"

PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}" \
"$PYTHON" -m torch.distributed.run \
    --nnodes="$NNODES" \
    --node_rank="$NODE_RANK" \
    --master_addr="$MASTER_ADDR" \
    --nproc_per_node="$GPUS" \
    --master_port="$PORT" \
    "$ROOT/tools/test.py" \
    "$CONFIG" \
    "$CHECKPOINT" \
    --launcher pytorch "${@:4}"
