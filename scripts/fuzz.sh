#!/usr/bin/env bash
# Coverage-guided fuzzing of the importers (atheris) for SECONDS (default 300), on the kept corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m pip install --quiet atheris
mkdir -p fuzz/corpus/importers fuzz/crashes
.venv/bin/python fuzz/fuzz_importers.py fuzz/corpus/importers -max_total_time="${1:-300}" \
  -max_len=65536 -rss_limit_mb=2048 -timeout=10 -artifact_prefix=fuzz/crashes/
