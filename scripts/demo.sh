#!/usr/bin/env bash
# Install basewatch and build + show the demo workspace (Syria, 27 Nov - 8 Dec 2024).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/basewatch demo --workspace "${1:-demo-workspace}"
