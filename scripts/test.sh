#!/usr/bin/env bash
# Install basewatch and what the tests need, then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The store tests start their own PostgreSQL + PostGIS (Debian packages) when it is installed.
if { ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
     || ! ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; } \
   && command -v apt-get >/dev/null; then
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update && $SUDO apt-get install -y postgresql-15-postgis-3
fi
# The dashboard's browser test drives Debian's Chromium (skipped if it is absent).
if ! command -v chromium >/dev/null && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && apt-get install -y -qq chromium
fi
# The PDF report test renders pages to PNG with poppler's pdftoppm (skipped if it is absent).
if ! command -v pdftoppm >/dev/null && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && apt-get install -y -qq poppler-utils
fi
# The flight truth tests read the `traffic` library's real sample flights (skipped if absent).
if [ -z "${BASEWATCH_TRAFFIC_SAMPLES:-}" ]; then
  SAMPLES=$(bash scripts/traffic_samples.sh)
  [ -n "$SAMPLES" ] && export BASEWATCH_TRAFFIC_SAMPLES="$SAMPLES"
fi
.venv/bin/python -m pytest "$@"
