#!/usr/bin/env bash
# Distributed training on one or several nodes with torchrun (python -m torch.distributed.run).
#   bash tools/dist_train.sh CONFIG N_PROCS_PER_NODE [train.py args]
# Several nodes: run it on every node with NNODES, NODE_RANK (0..NNODES-1), MASTER_ADDR (node 0's
# address) and PORT set, e.g. NNODES=2 NODE_RANK=1 MASTER_ADDR=10.0.0.1 bash tools/dist_train.sh ...
# One process per GPU with NCCL; on machines without CUDA the processes use gloo on the CPU
# (see tools/train.py -h). PYTHON selects the interpreter (default: the repository's
# .venv/bin/python, else python; tools/_python.sh).
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "usage: bash $0 CONFIG N_PROCS_PER_NODE [train.py args]" >&2
    exit 2
fi
CONFIG=$1
GPUS=$2
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
    "$ROOT/tools/train.py" \
    "$CONFIG" \
    --launcher pytorch "${@:3}"
