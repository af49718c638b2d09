"""The HTTP API (read only): one router module per capability, mounted by ``create_app``.

A capability adds its endpoints by appending its router to ``ROUTERS`` (or calling
``app.include_router`` on the app this returns); nothing else here needs to change.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from fastapi import APIRouter, FastAPI

from basewatch import __version__
from basewatch.api import _common, capabilities, control, registry, sites
from basewatch.store import STORE_ENV

__all__ = ["ROUTERS", "create_app"]

#: Routers mounted by every app, in order. Capabilities append theirs.
ROUTERS: list[APIRouter] = [registry.router, control.router, capabilities.router]
ROUTERS.append(sites.router)

from basewatch.api import audit, auth, security, session, writes  # issue 11: tokens, writes

ROUTERS.append(writes.router)


def create_app(workspace: str | Path, *, cors_origins: Iterable[str] = (),
               require_token_for_reads: bool = False,
               max_body_bytes: int = security.DEFAULT_MAX_BODY_BYTES,
               max_upload_bytes: int = security.DEFAULT_MAX_UPLOAD_BYTES,
               allowed_hosts: Sequence[str] | None = None,
               store_url: str | None = None) -> FastAPI:
    """A FastAPI app serving the workspace at ``workspace`` (opened per request).

    Reads are open unless ``require_token_for_reads``; writes need a bearer token (see
    docs/security.md). CORS stays closed unless ``cors_origins`` are given. ``store_url``
    (default: $BASEWATCH_STORE) serves a PostGIS store instead of the folder's GeoPackage.
    """
    folder = Path(workspace)
    app = FastAPI(title="basewatch", version=__version__,
                  # /docs is served by the dashboard module from bundled assets (CSP: no CDN)
                  docs_url=None, redoc_url=None,
                  description="API over a basewatch workspace: reads, and writes with a "
                              "bearer token. Records made by a "
                              "seeded generator carry `synthetic: true`.")
    app.state.workspace = folder
    app.state.store_url = os.environ.get(STORE_ENV) if store_url is None else store_url
    app.state.require_token_for_reads = require_token_for_reads
    _common.install_error_handlers(app)
    reads = auth.read_dependencies(require_token_for_reads)  # per router: /session and the
    for r in ROUTERS:                                        # login page stay reachable
        app.include_router(r, dependencies=reads)
    app.include_router(session.router)
    try:
        from basewatch.api import web
    except ImportError:  # the dashboard is optional; the API works without it
        pass
    else:
        web.mount(app)
    app.add_middleware(audit.AuditMiddleware)  # innermost: sees the answer's status
    security.install(app, cors_origins=cors_origins, max_body_bytes=max_body_bytes,
                     max_upload_bytes=max_upload_bytes, allowed_hosts=allowed_hosts)
    return app
