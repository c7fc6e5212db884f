# Sourced (not run) by the shell launchers of tools/: sets PYTHON, the interpreter they run.
#   1. $PYTHON when it is set (any interpreter: PYTHON=python3.11, PYTHON=/opt/env/bin/python);
#   2. else the repository's .venv/bin/python (made by bash tools/setup_env.sh) when it exists;
#   3. else `python` from PATH.
# ATTN_PLUGINS_ROOT is set to the repository root as a side effect.
ATTN_PLUGINS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -z "${PYTHON:-}" ]; then
    if [ -x "$ATTN_PLUGINS_ROOT/.venv/bin/python" ]; then
        PYTHON="$ATTN_PLUGINS_ROOT/.venv/bin/python"
    else
        PYTHON=python
    fi
fi
