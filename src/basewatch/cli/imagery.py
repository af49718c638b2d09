"""`basewatch imagery ...`: counts and their verdicts, manual count imports, scene search,
processing and chips."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from basewatch.analysis.verdicts import Verdict, site_verdicts
from basewatch.cli._common import (
    JsonOpt,
    WorkspaceOpt,
    console,
    handle_errors,
    open_workspace,
    print_json,
    synthetic_note,
)
from basewatch.model._util import parse_date
from basewatch.sources.importing import ImportReport
from basewatch.sources.imagery_counts import import_areas, import_counts
from basewatch.store.imagery import site_counts

app = typer.Typer(help="Imagery: counts judged against each site's history, scenes, chips.",
                  no_args_is_help=True)

SiteOpt = Annotated[str, typer.Option("--site", help="Site: facility id, name or alias")]
FromOpt = Annotated[str | None, typer.Option("--from", help="First date shown (YYYY-MM-DD)")]
ToOpt = Annotated[str | None, typer.Option("--to", help="Last date shown (YYYY-MM-DD)")]

_STYLE = {Verdict.ANOMALOUS: "bold red", Verdict.UNUSUAL: "yellow",
          Verdict.NOT_CONCLUSIVE: "cyan", Verdict.NORMAL: "green"}


def _report(report: ImportReport, path: Path, as_json: bool) -> None:
    if as_json:
        print_json(report.to_dict())
        return
    for w in report.warnings:
        console.print(f"[yellow]warning:[/] {w}", highlight=False)
    r = report.result
    console.print(f"{path}: {report.parsed} records: {r.inserted} new, {r.updated} updated, "
                  f"{r.unchanged} unchanged")


@app.command("import-counts")
@handle_errors
def import_counts_cmd(
    path: Annotated[Path, typer.Argument(help="Counts CSV (see docs/imagery.md)")],
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import analysts' manual counts (CSV): whole or not at all."""
    with open_workspace(workspace, create=True) as ws:
        report = import_counts(ws, path)
    _report(report, path, as_json)


@app.command("import-areas")
@handle_errors
def import_areas_cmd(
    path: Annotated[Path, typer.Argument(help="GeoJSON of named site areas (docs/imagery.md)")],
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import named areas of sites (apron, harbour basin) from GeoJSON."""
    with open_workspace(workspace, create=True) as ws:
        report = import_areas(ws, path)
    _report(report, path, as_json)


@app.command("counts")
@handle_errors
def counts_cmd(
    site: SiteOpt,
    date_from: FromOpt = None,
    date_to: ToOpt = None,
    area: Annotated[str | None, typer.Option(help="Only this named area")] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Counts per date and class with their verdict against the site's own history.

    Every count is judged against all earlier dates of the same area and class (see
    docs/imagery.md for the model); --from/--to only choose the dates shown.
    """
    d0 = parse_date(date_from, field="--from") if date_from else None
    d1 = parse_date(date_to, field="--to") if date_to else None
    with open_workspace(workspace) as ws:
        fac = ws.facility(site)
        counts = site_counts(ws.store, fac.id)
    rows = [r for r in site_verdicts(counts)
            if (area is None or r.area == area) and (d0 is None or r.day >= d0)
            and (d1 is None or r.day <= d1)]
    if as_json:
        print_json({"site": fac.id, "name": fac.name, "rows": [r.to_dict() for r in rows]})
        return
    if d0 is None and rows:
        # A table of two years of dates helps nobody: show the last six weeks unless asked.
        last = rows[-1].day
        rows = [r for r in rows if r.day >= last - dt.timedelta(days=42)]
    t = Table(title=f"Imagery counts at {fac.name}", box=box.SIMPLE, pad_edge=False)
    for c in ("date", "area", "class", "count", "verdict", "base rate", "n", "source"):
        t.add_column(c, justify="right" if c in ("count", "n") else "left")
    for r in rows:
        j = r.judgement
        rate = "-" if j.base_rate is None else f"{j.state}: {100 * j.base_rate:.0f} %"
        cls = r.object_class + (f" ({'+'.join(r.classes)})" if r.classes else "")
        count = ("present" if r.count else "empty") if j.presence_only else str(r.count)
        t.add_row(r.day.isoformat(), r.area, cls, count,
                  f"[{_STYLE[j.verdict]}]{j.verdict.value}[/]", rate, str(j.n),
                  "SYNTHETIC" if r.synthetic else ", ".join(r.sources))
    console.print(t)
    for r in rows:
        if r.judgement.verdict in (Verdict.ANOMALOUS, Verdict.UNUSUAL) or (
                not r.synthetic and r.object_class != "total"):
            console.print(f"  {r.day} {r.judgement.text}", highlight=False)
    synthetic_note(any(r.synthetic for r in rows))
