#!/usr/bin/env bash
# Build the dashboard's offline assets: install the npm packages pinned in web/package-lock.json
# and copy MapLibre GL JS, topojson-client, the Natural Earth countries (world-atlas),
# Observable Plot and d3 into
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
# Charts of the site pages: Observable Plot's UMD build and the d3 it expects as a global.
cp web/node_modules/@observablehq/plot/dist/plot.umd.min.js "$V"/
cp web/node_modules/@observablehq/plot/LICENSE "$V/plot.LICENSE"
cp web/node_modules/d3/dist/d3.min.js "$V"/
cp web/node_modules/d3/LICENSE "$V/d3.LICENSE"
# The interactive API reference at /docs: Swagger UI served from here, not from a CDN.
cp web/node_modules/swagger-ui-dist/swagger-ui-bundle.js web/node_modules/swagger-ui-dist/swagger-ui.css "$V"/
cp web/node_modules/swagger-ui-dist/LICENSE "$V/swagger-ui.LICENSE"
echo "build_web: dashboard assets in $V"
