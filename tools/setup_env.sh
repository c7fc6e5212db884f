#!/usr/bin/env bash
# Creates .venv/ in the repository root with the OpenMMLab stack attn_plugins runs on:
# torch + torchvision, mmcv 2.1.0 *with compiled ops*, mmengine, mmdet, mmsegmentation, mmpretrain,
# pycocotools, then attn_plugins itself in editable mode.
#
# Pins live in requirements/constraints.txt (one place). Re-running is quick and changes nothing once a
# working environment is there; mmcv is never rebuilt while `import mmcv.ops` works.
#
# Environment:
#   PYTHON=python3.11   interpreter used to create .venv (default: python3)
#   MAX_JOBS=N          parallel C++ jobs for the mmcv build (default: number of cores)
#   FORCE_CUDA=1        build mmcv's CUDA kernels even when no GPU is visible (GPU clusters)
#   WITH_TESTS=0        skip the test/benchmark extras (pytest, timm, onnx)
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
REQ="$ROOT/requirements"
STAMP="$VENV/.attn_plugins_setup"
PYTHON="${PYTHON:-python3}"
WITH_TESTS="${WITH_TESTS:-1}"
LOG="$VENV/setup.log"

say()  { printf '[setup] %s\n' "$*"; }
fail() {
  printf '[setup] ERROR: %s\n' "$1" >&2
  [ -n "${2:-}" ] && printf '[setup]   fix: %s\n' "$2" >&2
  [ -f "$LOG" ] && printf '[setup]   the full pip output is in %s\n' "$LOG" >&2
  exit 1
}
# Runs pip quietly into the log; on failure prints the tail of the log and the given message.
pipq() {
  local what="$1" fix="$2"; shift 2
  echo "+ pip $*" >>"$LOG"
  if ! "$VENV/bin/python" -m pip "$@" >>"$LOG" 2>&1; then
    tail -n 25 "$LOG" >&2
    fail "$what failed" "$fix"
  fi
}

stamp_of() {
  # Everything that decides what gets installed: the pins, the package lists, this script, setup.py.
  cat "$REQ"/*.txt "$ROOT/setup.py" "${BASH_SOURCE[0]}" | sha256sum | cut -d' ' -f1
  echo "tests=$WITH_TESTS"
}

IMPORT_CHECK='import attn_plugins, mmcv.ops, mmdet, mmseg, mmpretrain, torchvision, pycocotools'

# ---- fast path: nothing changed and everything imports -----------------------------------------
if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(stamp_of)" ] \
   && "$VENV/bin/python" -c "$IMPORT_CHECK" >/dev/null 2>&1; then
  say "environment in .venv is up to date (delete .venv/.attn_plugins_setup to force a re-check)"
  exit 0
fi

# ---- interpreter --------------------------------------------------------------------------------
command -v "$PYTHON" >/dev/null 2>&1 || fail "no '$PYTHON' on PATH" "install Python 3.9-3.11 or set PYTHON=/path/to/python3.11"
pyver="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
case "$pyver" in
  3.9|3.10|3.11) ;;
  *) fail "Python $pyver is not supported by this stack (mmcv 2.1.0 / torch 2.13 wheels)" \
          "use Python 3.9-3.11, e.g. PYTHON=python3.11 bash tools/setup_env.sh" ;;
esac

if [ ! -x "$VENV/bin/python" ]; then
  say "creating virtual environment .venv (Python $pyver)"
  "$PYTHON" -m venv "$VENV" || fail "could not create $VENV" "install the venv module (e.g. apt-get install python3-venv)"
fi
: >"$LOG"
C=(-c "$REQ/constraints.txt")

# ---- build tools, then torch --------------------------------------------------------------------
say "installing build tools (setuptools<82 keeps pkg_resources for mmcv's setup.py)"
pipq "installing build tools" "check access to the package index" install -q "${C[@]}" setuptools wheel ninja

if "$VENV/bin/python" -c 'import torch, torchvision; assert torch.__version__.startswith("2.13.0") and "+cpu" not in torch.__version__' >/dev/null 2>&1; then
  say "torch $("$VENV/bin/python" -c 'import torch; print(torch.__version__)') already installed"
else
  say "installing torch 2.13 + torchvision 0.28 (the PyPI build; several GB the first time)"
  pipq "installing torch/torchvision" "check the pins in requirements/constraints.txt and access to the index" \
    install -q "${C[@]}" torch torchvision
fi
"$VENV/bin/python" -c 'import torchvision.ops' >/dev/null 2>&1 \
  || fail "torchvision does not import against the installed torch" \
          "torchvision from PyPI needs the CUDA-built torch: pip uninstall torch, then re-run this script"

# ---- mmcv with compiled ops ---------------------------------------------------------------------
if "$VENV/bin/python" -c 'import mmcv, mmcv.ops; assert mmcv.__version__ == "2.1.0"' >/dev/null 2>&1; then
  say "mmcv 2.1.0 with ops already works; not rebuilding"
else
  njobs="${MAX_JOBS:-$(nproc 2>/dev/null || echo 2)}"
  say "installing mmcv 2.1.0 with compiled ops (pip's wheel cache is reused; a fresh build takes ~15-20 min on 2 cores)"
  # --no-build-isolation: the build must see torch, otherwise mmcv silently installs without mmcv._ext.
  MMCV_WITH_OPS=1 MAX_JOBS="$njobs" pipq "building mmcv 2.1.0" \
    "a C++17 compiler (g++) and the Python headers are needed; see ../shared/ENVIRONMENT.md" \
    install "${C[@]}" --no-build-isolation mmcv
  if ! "$VENV/bin/python" -c 'import mmcv.ops' >>"$LOG" 2>&1; then
    say "the installed mmcv has no compiled ops (a cached ops-less wheel?); rebuilding without pip's cache"
    pipq "removing the ops-less mmcv" "-" uninstall -y mmcv
    MMCV_WITH_OPS=1 MAX_JOBS="$njobs" pipq "building mmcv 2.1.0" \
      "a C++17 compiler (g++) and the Python headers are needed" \
      install "${C[@]}" --no-build-isolation --no-cache-dir mmcv
    "$VENV/bin/python" -c 'import mmcv.ops' >>"$LOG" 2>&1 \
      || fail "mmcv was built without its compiled ops (import mmcv.ops fails)" \
              "build it by hand: MMCV_WITH_OPS=1 .venv/bin/pip install --no-build-isolation --no-cache-dir mmcv==2.1.0"
  fi
fi

# ---- the rest of the stack and the package ------------------------------------------------------
say "installing mmengine, mmdet, mmsegmentation, mmpretrain, pycocotools"
pipq "installing the OpenMMLab stack" "check the pins in requirements/constraints.txt" \
  install -q "${C[@]}" -r "$REQ/runtime.txt"
if [ "$WITH_TESTS" = 1 ]; then
  pipq "installing the test extras" "check requirements/tests.txt" install -q "${C[@]}" -r "$REQ/tests.txt"
fi
pipq "installing attn_plugins (editable)" "check setup.py" \
  install -q "${C[@]}" --no-deps --no-build-isolation -e "$ROOT"

# ---- verify -------------------------------------------------------------------------------------
if ! out="$("$VENV/bin/python" -c "$IMPORT_CHECK" 2>&1)"; then
  echo "$out" | tail -n 5 >&2
  fail "the environment does not import" "see the error above; delete .venv and re-run to start clean"
fi
stamp_of >"$STAMP"
say "ready: $("$VENV/bin/python" -c 'import torch, mmcv, mmdet, mmseg, mmpretrain, mmengine; print(f"torch {torch.__version__}, mmcv {mmcv.__version__}, mmengine {mmengine.__version__}, mmdet {mmdet.__version__}, mmseg {mmseg.__version__}, mmpretrain {mmpretrain.__version__}")')"
