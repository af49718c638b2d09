"""The map dashboard: ``/`` serves the page, ``/static`` its scripts and offline assets."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parents[1] / "web" / "static"
VENDOR = STATIC / "vendor"

_MISSING = """<!doctype html><meta charset="utf-8"><title>basewatch</title>
<p>The dashboard's map assets are not built. Run <code>bash scripts/build_web.sh</code>
(needs Node.js and npm), then reload. The API works meanwhile: <a href="/docs">/docs</a>.</p>"""


def assets_built() -> bool:
    return all((VENDOR / n).exists() for n in ("maplibre-gl.js", "countries-50m.json",
                                                "plot.umd.min.js", "d3.min.js"))


def _login_first(request: Request) -> Response | None:
    """On a server that needs a token for reads, a page asked for without a valid session
    goes to the login page (and comes back after)."""
    if not getattr(request.app.state, "require_token_for_reads", False):
        return None
    from basewatch.api.auth import page_token

    if page_token(request) is not None:
        return None
    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?{urlencode({'next': back})}", status_code=303)


def mount(app: FastAPI) -> None:
    """Add the dashboard to ``app`` (kept out of the OpenAPI document)."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/login", include_in_schema=False)
    def login() -> Response:
        return FileResponse(STATIC / "login.html", media_type="text/html")

    @app.get("/", include_in_schema=False)
    def index(request: Request) -> Response:
        if (go := _login_first(request)) is not None:
            return go
        if not assets_built():
            return HTMLResponse(_MISSING, status_code=503)
        return FileResponse(STATIC / "index.html", media_type="text/html")

    @app.get("/docs", include_in_schema=False)
    def api_reference(request: Request) -> Response:
        if (go := _login_first(request)) is not None:
            return go
        # Swagger UI from the bundled npm build with its start-up in docs.js: FastAPI's own
        # page loads it from a CDN with an inline script, which the CSP (rightly) blocks.
        if not (VENDOR / "swagger-ui-bundle.js").exists():
            return HTMLResponse(_MISSING.replace(" The API works meanwhile: "
                                                 '<a href="/docs">/docs</a>.', " The OpenAPI "
                                                 'document: <a href="/openapi.json">/openapi.json'
                                                 "</a>."), status_code=503)
        return FileResponse(STATIC / "docs.html", media_type="text/html")

    @app.get("/site.html", include_in_schema=False)
    def site_page(request: Request) -> Response:
        if (go := _login_first(request)) is not None:
            return go
        # One page for every facility; it reads ?site= and asks the API.
        if not assets_built():
            return HTMLResponse(_MISSING, status_code=503)
        return FileResponse(STATIC / "site.html", media_type="text/html")
