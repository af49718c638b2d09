"""Faces: `basewatch serve` (API + dashboard) and `basewatch export`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from basewatch.cli._common import WorkspaceOpt, console, handle_errors, open_workspace
from basewatch.errors import NotFoundError, ValidationError
from basewatch.store import STORE_ENV, STORE_FILENAME, default_workspace


@handle_errors
def serve(
    workspace: WorkspaceOpt = None,
    host: Annotated[str, typer.Option(help="Interface to bind; loopback unless you mean it")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    cors_origin: Annotated[list[str] | None, typer.Option(
        "--cors-origin", help="Origin allowed to call the API from a browser (repeatable); "
        "none by default")] = None,
    require_token_for_reads: Annotated[bool, typer.Option(
        "--require-token-for-reads", help="Reads need a reader token too (API only: the "
        "dashboard cannot send one)")] = False,
    max_upload_mb: Annotated[float, typer.Option(help="Largest import upload, MiB")] = 64.0,
    allowed_host: Annotated[list[str] | None, typer.Option(
        "--allowed-host", help="Host header to answer (repeatable; default on loopback: "
        "127.0.0.1 and localhost)")] = None,
) -> None:
    """Serve the HTTP API and dashboard (OpenAPI at /openapi.json); writes need a token."""
    import uvicorn

    from basewatch.api import create_app
    from basewatch.cli.tokens import allowed_hosts_for, serve_warnings

    folder = Path(workspace) if workspace is not None else default_workspace()
    url = os.environ.get(STORE_ENV)  # set by --store or the environment: a PostGIS store
    if not url and not (folder / STORE_FILENAME).exists():
        raise NotFoundError(f"no workspace in {folder} (run `basewatch demo -w {folder}`)")
    serve_warnings(folder, host, require_token_for_reads)
    where = str(folder)
    if url:
        from basewatch.store.postgis import redact  # SQLAlchemy only when PostGIS is used

        where = redact(url)
    console.print(f"serving {where} on http://{host}:{port}/", highlight=False)
    app = create_app(folder, cors_origins=cors_origin or (),
                     require_token_for_reads=require_token_for_reads,
                     max_upload_bytes=int(max_upload_mb * 2**20),
                     allowed_hosts=allowed_hosts_for(host, allowed_host))
    # Everything made so far (modules, the app) lives as long as the server: out of the cyclic
    # garbage collector's sight, whose full passes over it otherwise cost a first /exposure
    # of two years of history about half its time (docs/exposure.md).
    import gc

    gc.freeze()
    uvicorn.run(app, host=host, port=port, log_level="warning")


@handle_errors
def export(
    fmt: Annotated[str, typer.Argument(help="geojson, kml, gpkg or csv")],
    layer: Annotated[str, typer.Option("--layer", help="facilities, places, control, front, rings, reach, corridors, flight_events or alerts")],
    out: Annotated[Path, typer.Option("--out", help="File to write")],
    date: Annotated[str | None, typer.Option("--date", help="Date (YYYY-MM-DD)")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Export a layer on a date; synthetic records carry the mark in every format."""
    from basewatch.exports import FORMATS, collect
    from basewatch.exports import export as do_export
    from basewatch.model._util import parse_date

    if fmt not in FORMATS:
        raise ValidationError(f"format {fmt!r}: choose {', '.join(FORMATS)}")
    day = parse_date(date, field="--date") if date else None
    with open_workspace(workspace) as ws:
        data = collect(ws, layer, day)
    do_export(data, fmt, out)
    note = " (contains SYNTHETIC records)" if data.synthetic else ""
    console.print(f"wrote {len(data.rows)} {layer} features to {out}{note}", highlight=False)


def export_as(fmt: str) -> Any:
    """The `export FMT` command of one format."""

    @handle_errors
    def cmd(
        layer: Annotated[str, typer.Option("--layer", help="facilities, places, control, front, rings, reach, corridors, flight_events or alerts")],
        out: Annotated[Path, typer.Option("--out", help="File to write")],
        date: Annotated[str | None, typer.Option("--date", help="Date (YYYY-MM-DD)")] = None,
        workspace: WorkspaceOpt = None,
    ) -> None:
        export(fmt, layer, out, date, workspace)

    cmd.__doc__ = f"Export a layer on a date as {fmt}."
    return cmd


report_app = typer.Typer(help="Situation report for a date (HTML or PDF), optionally as a "
                         "bundle with its data and SHA-256 manifest; `report verify BUNDLE`.",
                         invoke_without_command=True)


@report_app.callback()
@handle_errors
def report(
    ctx: typer.Context,
    date: Annotated[str | None, typer.Option("--date", help="Date (YYYY-MM-DD)")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write")] = None,
    fmt: Annotated[str, typer.Option("--format", help="html or pdf")] = "html",
    bundle: Annotated[Path | None, typer.Option(
        "--bundle", help="Also write the report, the data it used and MANIFEST.sha256 to this "
        "new folder, or to a zip file if the name ends in .zip")] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Situation report for a date: map with rings and corridors, inventory, control changes,
    exposure, corridors, imagery verdicts, flights, claims, assessments with their evidence,
    caveats and sources; every row names the records it came from; synthetic marks."""
    if ctx.invoked_subcommand is not None:
        return
    from basewatch.exports.bundle import bundle_files, write_bundle
    from basewatch.exports.report import render_html, situation_report, write_pdf
    from basewatch.model._util import parse_date

    if fmt not in ("html", "pdf"):
        raise ValidationError(f"--format {fmt!r}: choose html or pdf")
    if date is None or (output is None and bundle is None):
        raise ValidationError("give --date and --output (or --bundle); "
                              "or `basewatch report verify BUNDLE`")
    day = parse_date(date, field="--date")
    assert day is not None
    with open_workspace(workspace) as ws:
        rep = situation_report(ws, day)
        text = render_html(rep)
        if output is not None:
            if fmt == "pdf":
                write_pdf(text, output)
            else:
                output.write_text(text, "utf-8")
            console.print(f"wrote {output}", highlight=False)
        if bundle is not None:
            name = f"report-{day.isoformat()}.{fmt}"
            if fmt == "pdf":
                import tempfile

                with tempfile.TemporaryDirectory() as tmp:
                    write_pdf(text, Path(tmp) / name)
                    body = (Path(tmp) / name).read_bytes()
            else:
                body = text.encode()
            files = bundle_files(ws, rep, body, name)
            write_bundle(files, bundle)
            console.print(f"wrote bundle {bundle} ({len(files)} files + MANIFEST.sha256)",
                          highlight=False)
    if rep["snapshot"] is None:
        console.print(f"[yellow]note:[/] no data on or before {day}; the report says so",
                      highlight=False)


@report_app.command("verify")
@handle_errors
def report_verify(
    bundle: Annotated[Path, typer.Argument(help="Bundle folder or .zip written by --bundle")],
) -> None:
    """Recheck every file of a report bundle against its SHA-256 manifest (exit 2 naming each
    changed, missing or unlisted file)."""
    from basewatch.exports.bundle import verify_bundle

    res = verify_bundle(bundle)
    console.print(f"{bundle}: all {res['files']} files match MANIFEST.sha256", highlight=False)
