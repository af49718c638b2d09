#!/usr/bin/env bash
# Run every benchmark with its default sizes (minutes, not seconds). Needs `bash scripts/setup.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."
for b in benchmarks/bench_*.py; do
  echo "== $b"
  .venv/bin/python "$b"
done
