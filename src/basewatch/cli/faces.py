"""Faces: `basewatch serve` (API + dashboard) and `basewatch export`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from basewatch.cli._common import WorkspaceOpt, console, handle_errors
from basewatch.errors import NotFoundError
from basewatch.store import STORE_FILENAME, default_workspace


@handle_errors
def serve(
    workspace: WorkspaceOpt = None,
    host: Annotated[str, typer.Option(help="Interface to bind; loopback unless you mean it")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
) -> None:
    """Serve the read-only HTTP API (OpenAPI at /openapi.json, docs at /docs)."""
    import uvicorn

    from basewatch.api import create_app

    folder = Path(workspace) if workspace is not None else default_workspace()
    if not (folder / STORE_FILENAME).exists():
        raise NotFoundError(f"no workspace in {folder} (run `basewatch demo -w {folder}`)")
    console.print(f"serving {folder} on http://{host}:{port}/", highlight=False)
    uvicorn.run(create_app(folder), host=host, port=port, log_level="warning")
