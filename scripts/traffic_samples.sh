#!/usr/bin/env bash
# The `traffic` library's sample flights (real recorded ADS-B) for the flight truth tests:
# its wheel is fetched by pip (no install: traffic needs pandas < 3) and only its
# data/samples folder is unpacked, into .cache/traffic-samples. Prints that folder, or nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=.cache/traffic-samples
if [ ! -d "$OUT/featured" ]; then
  TMP=$(mktemp -d)
  trap 'rm -rf "$TMP"' EXIT
  if .venv/bin/python -m pip download --quiet --no-deps "traffic==2.13" -d "$TMP" >/dev/null 2>&1; then
    .venv/bin/python - "$TMP" "$OUT" <<'PY'
import sys, zipfile, pathlib
tmp, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
whl = next(tmp.glob("traffic-*.whl"))
prefix = "traffic/data/samples/"
with zipfile.ZipFile(whl) as z:
    for name in z.namelist():
        if name.startswith(prefix) and not name.endswith("/") and not name.endswith(".py"):
            dest = out / name[len(prefix):]
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(z.read(name))
PY
  fi
fi
[ -d "$OUT/featured" ] && (cd "$OUT" && pwd) || true
