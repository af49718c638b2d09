"""Registry commands: inventory, survey diff, facilities, places, distance."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from basewatch.analysis.geodesy import distance_m
from basewatch.analysis.inventory import (
    Inventory,
    inventory_from_rows,
    inventory_from_survey,
    survey_diff,
    survey_editions,
)
from basewatch.cli._common import (
    DateOpt,
    JsonOpt,
    WorkspaceOpt,
    console,
    date_or_today,
    handle_errors,
    open_workspace,
    print_json,
    synthetic_note,
)
from basewatch.errors import NotFoundError, ValidationError
from basewatch.model._util import parse_date

survey_app = typer.Typer(help="Survey editions: counts published by surveys.", no_args_is_help=True)


def _inventory_table(inv: Inventory) -> Table:
    title = (f"Inventory on {inv.date}: {inv.edition}" if inv.edition
             else f"Inventory on {inv.date}: registry")
    t = Table(title=title)
    for b in inv.by:
        t.add_column(b)
    t.add_column("count", justify="right")
    for r in inv.rows:
        t.add_row(*[str(r[b]) for b in inv.by], str(r["count"]))
    types = " + ".join(f"{n} {k}s" for k, n in sorted(inv.by_type.items()))
    t.caption = f"total {inv.total}" + (f" = {types}" if types else "")
    if inv.by_detail and "detail" not in inv.by:  # airbases and naval bases apart from "base"
        t.caption += " (" + ", ".join(f"{n} {k}" for k, n in inv.by_detail.items()) + ")"
    return t


@handle_errors
def inventory(
    date: DateOpt = None,
    by: Annotated[str, typer.Option(help="Group by, comma-separated: operator,type,detail,region "
                                    "(type: base/point as surveys count; detail: airbase, "
                                    "naval_base, base, ... from the registry)")] =
    "operator,type",
    source: Annotated[str, typer.Option(help="survey, registry, or auto (survey if any)")] = "auto",
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Counts of facilities by operator x type x region on a date, with the change since the
    previous survey edition."""
    day = date_or_today(date)
    keys = tuple(k.strip() for k in by.split(",") if k.strip())
    if source not in ("auto", "survey", "registry"):
        raise ValidationError(f"--source {source!r}: choose survey, registry or auto")
    with open_workspace(workspace) as ws:
        counts = ws.survey_counts()
        rows = ws.facility_rows()
    if "detail" in keys and source == "survey":
        raise ValidationError("--by detail: surveys count bases and points only; use "
                              "--source registry")
    inv = None
    if source in ("auto", "survey"):
        inv = inventory_from_survey(counts, day, keys)
        if inv is None and source == "survey":
            raise NotFoundError(f"no survey edition on or before {day}")
    if inv is None:
        inv = inventory_from_rows(rows, day, keys)
    change = None
    if inv.edition is not None:
        older = [e for e in survey_editions(counts)
                 if e.date < inv.edition.date and e.publisher == inv.edition.publisher]
        if older:
            change = survey_diff(counts, older[-1], inv.edition)
    if as_json:
        out = inv.to_dict()
        out["change"] = change.to_dict() if change else None
        print_json(out)
        return
    console.print(_inventory_table(inv))
    if inv.largest_operator:
        console.print(f"largest operator: [bold]{inv.largest_operator}[/]")
    if change:
        console.print(f"change since {change.old}: {change.change:+d} ({change.change_pct:+.1f} %), "
                      f"{change.old_total} -> {change.new_total}")
    for n in inv.notes:
        console.print(f"[dim]note: {n}[/]", highlight=False)
    synthetic_note(inv.synthetic)


@survey_app.command("diff")
@handle_errors
def survey_diff_cmd(
    old: Annotated[str | None, typer.Option("--from", help="Older edition date (default: previous)")] = None,
    new: Annotated[str | None, typer.Option("--to", help="Newer edition date (default: latest)")] = None,
    publisher: Annotated[str | None, typer.Option(help="Survey publisher")] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change between two survey editions, in total and by operator where both give it."""
    with open_workspace(workspace) as ws:
        counts = ws.survey_counts(publisher)
    editions = survey_editions(counts)
    if len(editions) < 2:
        raise NotFoundError("need two survey editions to compare")

    def pick(text: str | None, default_index: int) -> object:
        if text is None:
            return editions[default_index]
        d = parse_date(text)
        hits = [e for e in editions if e.date == d]
        if not hits:
            raise NotFoundError(f"no survey edition dated {text} (have: "
                                f"{', '.join(str(e) for e in editions)})")
        return hits[0]

    e_new = pick(new, -1)
    e_old = pick(old, editions.index(e_new) - 1 if new else -2)  # type: ignore[arg-type]
    diff = survey_diff(counts, e_old, e_new)  # type: ignore[arg-type]
    if as_json:
        print_json(diff.to_dict())
        return
    console.print(f"{diff.old} -> {diff.new}: {diff.old_total} -> {diff.new_total}, "
                  f"{diff.change:+d} ({diff.change_pct:+.1f} %)")
    for op, (a, b) in diff.by_operator.items():
        console.print(f"  {op}: {a} -> {b} ({b - a:+d})")
    for n in diff.notes:
        console.print(f"[dim]note: {n}[/]")


@handle_errors
def facilities(
    operator: Annotated[str | None, typer.Option(help="Only this operator (faction id)")] = None,
    date: Annotated[str | None, typer.Option("--date", help="Only facilities active on this date")] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List the registry's facilities with their sources."""
    day = parse_date(date) if date else None
    with open_workspace(workspace) as ws:
        items = ws.facilities(operator=operator, on=day)
    if as_json:
        print_json([f.to_dict() for f in items])
        return
    t = Table(title=f"{len(items)} facilities")
    for c in ("id", "name", "operator", "type", "lat", "lon", "source"):
        t.add_column(c)
    for f in items:
        t.add_row(f.id, f.name, f.operator, f.type.value, f"{f.lat:.4f}", f"{f.lon:.4f}",
                  f.provenance.label)
    console.print(t)
    synthetic_note(any(f.provenance.synthetic for f in items))


@handle_errors
def places(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """List the named places."""
    with open_workspace(workspace) as ws:
        items = ws.places()
    if as_json:
        print_json([p.to_dict() for p in items])
        return
    t = Table(title=f"{len(items)} places")
    for c in ("id", "name", "aliases", "lat", "lon", "source"):
        t.add_column(c)
    for p in items:
        t.add_row(p.id, p.name, ", ".join(p.aliases), f"{p.lat:.4f}", f"{p.lon:.4f}", p.provenance.label)
    console.print(t)


@handle_errors
def distance(
    a: Annotated[str, typer.Argument(help="Place or facility (name, alias or id)")],
    b: Annotated[str, typer.Argument(help="Place or facility (name, alias or id)")],
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Geodesic distance (WGS84) between two places or facilities."""
    with open_workspace(workspace) as ws:
        pa, pb = (_locate(ws, x) for x in (a, b))
    km = float(distance_m(pa[1], pa[2], pb[1], pb[2])) / 1000
    if as_json:
        print_json({"from": pa[0], "to": pb[0], "distance_km": round(km, 2), "method": "geodesic WGS84"})
        return
    console.print(f"{pa[0]} -> {pb[0]}: {km:.1f} km (geodesic, WGS84)")


def _locate(ws: object, name: str) -> tuple[str, float, float]:
    from basewatch.store import Workspace

    assert isinstance(ws, Workspace)
    try:
        p = ws.place(name)
        return p.name, p.lon, p.lat
    except NotFoundError:
        f = ws.facility(name)
        return f.name, f.lon, f.lat
