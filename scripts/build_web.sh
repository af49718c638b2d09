#!/usr/bin/env bash
# Build the dashboard's offline assets: install the npm packages pinned in web/package-lock.json
# and copy MapLibre GL JS, topojson-client and the Natural Earth countries (world-atlas) into
# src/basewatch/web/static/vendor, which `basewatch serve` serves. Nothing is fetched at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null; then
  echo "build_web: npm not found; install Node.js 20 and npm, then run this again" >&2
  exit 1
fi
(cd web && npm ci --no-audit --no-fund --silent)
V=src/basewatch/web/static/vendor
mkdir -p "$V"
cp web/node_modules/maplibre-gl/dist/maplibre-gl.js web/node_modules/maplibre-gl/dist/maplibre-gl.css \
   web/node_modules/maplibre-gl/LICENSE.txt "$V"/
mv "$V/LICENSE.txt" "$V/maplibre-gl.LICENSE.txt"
cp web/node_modules/topojson-client/dist/topojson-client.min.js "$V"/
cp web/node_modules/topojson-client/LICENSE "$V/topojson-client.LICENSE"
cp web/node_modules/world-atlas/countries-50m.json "$V"/
cp web/node_modules/world-atlas/LICENSE "$V/world-atlas.LICENSE"
echo "build_web: dashboard assets in $V"
