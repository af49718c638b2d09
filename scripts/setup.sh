#!/usr/bin/env bash
# Create .venv and install basewatch with what the tests need. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
# The map dashboard's offline assets (MapLibre, Natural Earth) come from npm; optional.
if command -v npm >/dev/null; then
  bash scripts/build_web.sh
else
  echo "setup: npm not found; the dashboard at / will say how to build its assets" >&2
fi
