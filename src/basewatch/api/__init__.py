"""The HTTP API (read only): one router module per capability, mounted by ``create_app``.

A capability adds its endpoints by appending its router to ``ROUTERS`` (or calling
``app.include_router`` on the app this returns); nothing else here needs to change.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI

from basewatch import __version__
from basewatch.api import _common, capabilities, control, registry, sites

__all__ = ["ROUTERS", "create_app"]

#: Routers mounted by every app, in order. Capabilities append theirs.
ROUTERS: list[APIRouter] = [registry.router, control.router, capabilities.router]
ROUTERS.append(sites.router)


def create_app(workspace: str | Path) -> FastAPI:
    """A FastAPI app serving the workspace at ``workspace`` (opened per request, read only)."""
    folder = Path(workspace)
    app = FastAPI(title="basewatch", version=__version__,
                  description="Read-only API over a basewatch workspace. Records made by a "
                              "seeded generator carry `synthetic: true`.")
    app.state.workspace = folder
    _common.install_error_handlers(app)
    for r in ROUTERS:
        app.include_router(r)
    try:
        from basewatch.api import web
    except ImportError:  # the dashboard is optional; the API works without it
        pass
    else:
        web.mount(app)
    return app
