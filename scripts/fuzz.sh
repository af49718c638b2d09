#!/usr/bin/env bash
# Coverage-guided fuzzing (atheris) on the kept corpus: bash scripts/fuzz.sh [TARGET] [SECONDS]
# TARGET: importers (registry importers), imagery, adsb, aircraft, posts, readers (KML,
# spreadsheets, GIS layers), or all (default);
# SECONDS per target (default 300). Crashes land in fuzz/crashes/<target>-*.
# PYTHON=/path/to/python skips the .venv setup (e.g. an environment that already has atheris).
set -euo pipefail
cd "$(dirname "$0")/.."
TARGETS="importers imagery adsb aircraft posts readers"
target=${1:-all}
if [[ "$target" =~ ^[0-9]+$ ]]; then  # the old form: bash scripts/fuzz.sh SECONDS
  set -- all "$target"; target=all
fi
seconds=${2:-300}
if [ -z "${PYTHON:-}" ]; then
  bash scripts/setup.sh
  .venv/bin/python -m pip install --quiet atheris
  PYTHON=.venv/bin/python
fi
run() {
  local t=$1
  mkdir -p "fuzz/corpus/$t" fuzz/crashes
  echo "fuzz: $t for ${seconds}s" >&2
  local flags=(-max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=10
               -artifact_prefix="fuzz/crashes/$t-")
  if [ "$t" = importers ]; then
    PYTHONPATH=src "$PYTHON" fuzz/fuzz_importers.py fuzz/corpus/importers "${flags[@]}"
  else
    PYTHONPATH=src "$PYTHON" fuzz/fuzz_target.py "$t" "fuzz/corpus/$t" "${flags[@]}"
  fi
}
case "$target" in
  all) for t in $TARGETS; do run "$t"; done ;;
  importers|imagery|adsb|aircraft|posts) run "$target" ;;
  *) echo "fuzz: unknown target $target (choose from: all $TARGETS)" >&2; exit 2 ;;
esac
