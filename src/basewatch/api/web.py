"""The map dashboard: ``/`` serves the page, ``/static`` its scripts and offline assets."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parents[1] / "web" / "static"
VENDOR = STATIC / "vendor"

_MISSING = """<!doctype html><meta charset="utf-8"><title>basewatch</title>
<p>The dashboard's map assets are not built. Run <code>bash scripts/build_web.sh</code>
(needs Node.js and npm), then reload. The API works meanwhile: <a href="/docs">/docs</a>.</p>"""


def assets_built() -> bool:
    return all((VENDOR / n).exists() for n in ("maplibre-gl.js", "countries-50m.json",
                                                "plot.umd.min.js", "d3.min.js"))


def mount(app: FastAPI) -> None:
    """Add the dashboard to ``app`` (kept out of the OpenAPI document)."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> Response:
        if not assets_built():
            return HTMLResponse(_MISSING, status_code=503)
        return FileResponse(STATIC / "index.html", media_type="text/html")

    @app.get("/docs", include_in_schema=False)
    def api_reference() -> Response:
        # Swagger UI from the bundled npm build with its start-up in docs.js: FastAPI's own
        # page loads it from a CDN with an inline script, which the CSP (rightly) blocks.
        if not (VENDOR / "swagger-ui-bundle.js").exists():
            return HTMLResponse(_MISSING.replace(" The API works meanwhile: "
                                                 '<a href="/docs">/docs</a>.', " The OpenAPI "
                                                 'document: <a href="/openapi.json">/openapi.json'
                                                 "</a>."), status_code=503)
        return FileResponse(STATIC / "docs.html", media_type="text/html")

    @app.get("/site.html", include_in_schema=False)
    def site_page() -> Response:
        # One page for every facility; it reads ?site= and asks the API.
        if not assets_built():
            return HTMLResponse(_MISSING, status_code=503)
        return FileResponse(STATIC / "site.html", media_type="text/html")
