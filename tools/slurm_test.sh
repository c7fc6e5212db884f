#!/usr/bin/env bash
# Testing on a slurm cluster: one task per GPU, launched by srun.
#   [GPUS=8] [GPUS_PER_NODE=8] [CPUS_PER_TASK=5] [SRUN_ARGS=...] \
#       bash tools/slurm_test.sh PARTITION JOB_NAME CONFIG CHECKPOINT [test.py args]
# GPUS_PER_NODE=0 asks for no GPUs (CPU nodes); PYTHON selects the interpreter (default: the
# repository's .venv/bin/python, else python). The srun itself is tools/slurm_run.sh's.
if [ $# -lt 4 ]; then
    echo "usage: bash $0 PARTITION JOB_NAME CONFIG CHECKPOINT [test.py args]" >&2
    exit 2
fi
exec bash "$(dirname "$0")/slurm_run.sh" "$1" "$2" tools/test.py "$3" "$4" --launcher="slurm" \
    "${@:5}"
