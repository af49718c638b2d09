"""`basewatch import KIND FILE`: one file into the workspace, whole or not at all."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer

from basewatch.cli._common import (
    JsonOpt,
    WorkspaceOpt,
    console,
    handle_errors,
    open_workspace,
    print_json,
)
from basewatch.sources.importing import import_file

app = typer.Typer(help="Import a file into the workspace (facilities, survey, control, places, "
                       "factions, outlines).",
                  no_args_is_help=True)

FileArg = Annotated[Path, typer.Argument(help="File to import (see docs/formats.md).")]


def _run(kind: str, path: Path, workspace: Path | None, as_json: bool) -> None:
    with open_workspace(workspace, create=True) as ws, console.status(
            f"importing {kind} from {path}", spinner="dots") if not as_json else nullcontext():
        report = import_file(ws, kind, path)
    if as_json:
        print_json(report.to_dict())
        return
    r = report.result
    for w in report.warnings:
        console.print(f"[yellow]warning:[/] {w}", highlight=False)
    if not r.changed:
        console.print(f"{path}: {report.parsed} {kind} records, all already in the workspace; "
                      "nothing changed")
    else:
        console.print(f"{path}: {report.parsed} {kind} records: {r.inserted} new, {r.updated} updated, "
                      f"{r.unchanged} unchanged")


def _command(kind: str) -> None:
    @app.command(kind, help=f"Import {kind} (see docs/formats.md).")
    @handle_errors
    def cmd(path: FileArg, workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
        _run(kind, path, workspace, as_json)


for _kind in ("facilities", "survey", "control", "places", "factions", "outlines"):
    _command(_kind)
