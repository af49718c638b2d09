"""`basewatch imagery serve-synthetic`: the demo's SYNTHETIC scenes served as a STAC API on
127.0.0.1, to try the imagery commands offline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from basewatch.cli._common import WorkspaceOpt, console, handle_errors, open_workspace

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add ``serve-synthetic`` to the ``imagery`` commands."""

    @app.command("serve-synthetic")
    @handle_errors
    def serve_synthetic_cmd(
        out: Annotated[Path, typer.Option("--out", help="Folder for the synthetic COGs")],
        port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0: any free port)")] = 0,
        workspace: WorkspaceOpt = None,
    ) -> None:
        """Serve the demo's SYNTHETIC scenes over Tartus (before and after 3 Dec 2024) as a STAC API
        on 127.0.0.1, to try `imagery search/process/chips` offline. Stop with Ctrl-C."""
        import time as _time

        from basewatch.demo.imagery_scenes import demo_catalog
        from basewatch.demo.stac_server import LoopbackStac
        from basewatch.errors import NotFoundError
        from basewatch.store.imagery import site_areas

        with open_workspace(workspace) as ws:
            basin = [a for a in site_areas(ws.store, "tartus") if a.kind == "water"]
        if not basin:
            raise NotFoundError("no water area at tartus: build the demo first (basewatch demo)")
        out.mkdir(parents=True, exist_ok=True)
        srv = LoopbackStac(out, port=port)
        srv.items = demo_catalog(out, basin[0].geometry, srv.url)
        with srv:
            console.print(f"SYNTHETIC STAC API at {srv.url} ({len(srv.items)} scenes over Tartus); "
                          f"e.g. basewatch imagery process --site tartus --date 2024-12-03 "
                          f"--stac-url {srv.url}", highlight=False)
            try:
                while True:
                    _time.sleep(3600)
            except KeyboardInterrupt:
                pass
