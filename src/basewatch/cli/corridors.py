"""Corridor commands: corridor, corridor timeline, roads import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

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
from basewatch.errors import ValidationError
from basewatch.model._util import parse_date
from basewatch.queries.corridors import corridor, corridor_timeline
from basewatch.sources.importing import import_file

app = typer.Typer(help="Is a site still connected by road to a place through friendly ground?",
                  invoke_without_command=True)
roads_app = typer.Typer(help="Road networks (OpenStreetMap extracts, line layers).",
                        no_args_is_help=True)

FromOpt = Annotated[str | None, typer.Option("--from", help="Site or place (name, alias, id)")]
ToOpt = Annotated[str | None, typer.Option("--to", help="Site or place (name, alias, id)")]
AnyRoadOpt = Annotated[bool, typer.Option("--any-road", help="Allow roads through third-party "
                                          "ground (e.g. Lebanon); default: friendly ground only")]
SideOpt = Annotated[str | None, typer.Option("--side", help="Faction whose corridor it is "
                                             "(default: the site's operator)")]
BufferOpt = Annotated[float, typer.Option("--buffer-km", help="Also block roads within this "
                                          "distance of hostile ground")]


def _names(text: str | None) -> list[str]:
    return [x.strip() for x in (text or "").split(",") if x.strip()]


@app.callback()
@handle_errors
def corridor_cmd(ctx: typer.Context, a: FromOpt = None, b: ToOpt = None, date: DateOpt = None,
                 assume: Annotated[str | None, typer.Option(
                     "--assume-captured", help="Places assumed captured, comma-separated")] = None,
                 any_road: AnyRoadOpt = False, side: SideOpt = None, buffer_km: BufferOpt = 0.0,
                 geojson: Annotated[Path | None, typer.Option(
                     "--geojson", help="Write the route or the break as GeoJSON")] = None,
                 workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Connected or not on a date; the route or where it breaks; the critical places."""
    if ctx.invoked_subcommand is not None:
        return
    if not a or not b:
        raise ValidationError("give --from and --to (sites or places)")
    day = date_or_today(date)
    with open_workspace(workspace) as ws:
        r = corridor(ws, a, b, day, assume_captured=_names(assume), side=side,
                     any_road=any_road, buffer_m=buffer_km * 1000)
    if geojson:
        geojson.write_text(json.dumps(_layer(r)), "utf-8")
    if as_json:
        print_json(r)
        return
    state = "[green]connected[/]" if r["connected"] else "[red]CUT[/]"
    what_if = f" assuming {', '.join(r['assumed_captured'])} captured" if r["assumed_captured"] else ""
    console.print(f"{r['from']} -> {r['to']} on {r['date']}{what_if} ({r['mode']}): {state}")
    if r["connected"]:
        console.print(f"  route {r['length_km']} km via {', '.join(r['places_on_route'])}")
        crit = [c for c in r.get("critical_places") or [] if c["cuts"] or (c["detour_km"] or 0) > 0]
        if crit:
            t = Table(title="Critical places (their capture would cut the corridor)")
            for c in ("places", "cuts", "km to hostile ground", "detour km"):
                t.add_column(c)
            for c in crit:
                t.add_row(" + ".join(c["places"]), "yes" if c["cuts"] else "no",
                          str(c["hostile_km"]), "-" if c["detour_km"] is None else str(c["detour_km"]))
            console.print(t)
    else:
        for x in r["breaks"]:
            console.print(f"  breaks on {x.get('road', '')} near {', '.join(x.get('near', []))}"
                          if "road" in x else f"  {x['reason']}")
    synthetic_note(r["synthetic"])


def _layer(r: dict[str, Any]) -> dict[str, Any]:
    props = {k: v for k, v in r.items() if k not in ("route", "critical_places")}
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": r.get("route"),
         "properties": {**props, "kind": "route" if r["connected"] else "usual route (broken)"}}]}


@app.command("timeline")
@handle_errors
def timeline(a: FromOpt = None, b: ToOpt = None,
             start: Annotated[str | None, typer.Option("--since", help="First date")] = None,
             end: Annotated[str | None, typer.Option("--until", help="Last date")] = None,
             any_road: AnyRoadOpt = False, side: SideOpt = None,
             workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """The corridor's status on every snapshot date, and the first date it was cut."""
    if not a or not b:
        raise ValidationError("give --from and --to (sites or places)")
    with open_workspace(workspace) as ws:
        days = ws.control_dates()
        d0 = parse_date(start) if start else None
        d1 = parse_date(end) if end else None
        days = [d for d in days if (d0 is None or d >= d0) and (d1 is None or d <= d1)]
        if not days:
            raise ValidationError("no control snapshots in that span")
        r = corridor_timeline(ws, a, b, days, side=side, any_road=any_road)
    if as_json:
        print_json(r)
        return
    t = Table(title=f"{r['from']} -> {r['to']}")
    for c in ("date", "status", "km"):
        t.add_column(c)
    for s in r["series"]:
        t.add_row(s["date"], "connected" if s["connected"] else "CUT",
                  str(s["length_km"]) if s["length_km"] else "-")
    console.print(t)
    console.print(f"first cut: {r['first_cut'] or 'never in this span'}")
    synthetic_note(any(s["synthetic"] for s in r["series"]))


@roads_app.command("import")
@handle_errors
def roads_import(path: Annotated[Path, typer.Argument(help=".osm.pbf, .osm, GeoJSON or GeoPackage")],
                 workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Import a road network (see docs/formats.md)."""
    with open_workspace(workspace, create=True) as ws:
        report = import_file(ws, "roads", path)
    if as_json:
        print_json(report.to_dict())
    else:
        r = report.result
        console.print(f"{path}: {report.parsed} roads: {r.inserted} new, {r.updated} updated, "
                      f"{r.unchanged} unchanged")
