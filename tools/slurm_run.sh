#!/usr/bin/env bash
# What tools/slurm_train.sh and tools/slurm_test.sh share: one srun of a tool, one task per GPU.
#   [GPUS=8] [GPUS_PER_NODE=8] [CPUS_PER_TASK=5] [SRUN_ARGS=...] \
#       bash tools/slurm_run.sh PARTITION JOB_NAME TOOL [tool args]      (TOOL: tools/train.py, ...)
# GPUS tasks, GPUS_PER_NODE of them (and as many GPUs) per node; GPUS_PER_NODE=0 asks for no GPUs
# (CPU nodes: GPUS tasks of CPUS_PER_TASK CPUs each). From a login node srun allocates and waits;
# inside an sbatch job (as tools/sweep.py --launcher slurm submits it) it runs as a job step.
# PYTHON selects the interpreter (default: the repository's .venv/bin/python, else python;
# tools/_python.sh).
set -x
if [ $# -lt 3 ]; then
    echo "usage: bash $0 PARTITION JOB_NAME TOOL [tool args]" >&2
    exit 2
fi
PARTITION=$1
JOB_NAME=$2
TOOL=$3
GPUS=${GPUS:-8}
GPUS_PER_NODE=${GPUS_PER_NODE:-8}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
SRUN_ARGS=${SRUN_ARGS:-""}
source "$(dirname "${BASH_SOURCE[0]}")/_python.sh"  # PYTHON: $PYTHON, else .venv, else python
ROOT="$ATTN_PLUGINS_ROOT"
PER_NODE=()
if [ "${GPUS_PER_NODE}" -gt 0 ]; then
    PER_NODE=(--gres=gpu:"${GPUS_PER_NODE}" --ntasks-per-node="${GPUS_PER_NODE}")
fi
# Each task's rendezvous port comes from its job id unless MASTER_PORT is set: jobs that share a
# node (a sweep of 1-GPU runs) would all take mmengine's default 29500 and collide.
PORT_FROM_JOB='export MASTER_PORT=${MASTER_PORT:-$((20000 + SLURM_JOB_ID % 20000))}; exec "$@"'

# SRUN_ARGS is split into words on purpose (several srun options in one variable).
# shellcheck disable=SC2086
PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}" \
srun -p "${PARTITION}" \
    --job-name="${JOB_NAME}" \
    --ntasks="${GPUS}" \
    "${PER_NODE[@]}" \
    --cpus-per-task="${CPUS_PER_TASK}" \
    --kill-on-bad-exit=1 \
    ${SRUN_ARGS} \
    bash -c "$PORT_FROM_JOB" port-from-job "$PYTHON" -u "$ROOT/$TOOL" "${@:4}"
