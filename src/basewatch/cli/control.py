"""Control commands: control at a date, changes between dates, the front line."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer
from rich.table import Table

from basewatch.analysis.control import (
    control_changes,
    faction_geometries,
    front_advance,
    front_line,
    holder,
)
from basewatch.analysis.geodesy import area_km2
from basewatch.analysis.hostility import Hostility
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
from basewatch.model._util import geom_to_json, parse_date

app = typer.Typer(help="Territorial control: who holds what, and what changed.", no_args_is_help=True)


@app.command("at")
@handle_errors
def control_at(date: DateOpt = None, workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Ground held by each faction on a date (the latest snapshot at or before it)."""
    day = date_or_today(date)
    with open_workspace(workspace) as ws:
        areas = ws.control_on(day)
        places = ws.places()
    if not areas:
        raise NotFoundError(f"no control snapshot on or before {day}")
    geoms = faction_geometries(areas)
    held: dict[str, list[str]] = {f: [] for f in geoms}
    for p in places:
        h = holder(geoms, p.lon, p.lat)
        if h:
            held[h].append(p.name)
    rows: list[dict[str, Any]] = [
        {"faction": f, "area_km2": round(area_km2(g), 1), "places": sorted(held[f])}
            for f, g in sorted(geoms.items(), key=lambda kv: -area_km2(kv[1]))]
    synthetic = any(a.provenance.synthetic for a in areas)
    if as_json:
        print_json({"date": day.isoformat(), "snapshot": areas[0].date.isoformat(),
                    "factions": rows, "synthetic": synthetic,
                    "sources": sorted({a.provenance.label for a in areas})})
        return
    t = Table(title=f"Control on {day} (snapshot {areas[0].date})")
    t.add_column("faction")
    t.add_column("area km²", justify="right")
    t.add_column("places held")
    for row in rows:
        t.add_row(str(row["faction"]), f"{row['area_km2']:,.0f}", ", ".join(row["places"]))
    console.print(t)
    synthetic_note(synthetic)


@app.command("changes")
@handle_errors
def changes(
    start: Annotated[str, typer.Option("--from", help="Start date (YYYY-MM-DD)")],
    end: Annotated[str, typer.Option("--to", help="End date (YYYY-MM-DD)")],
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Area gained and lost by each faction, and places that changed hands, with dates."""
    d0, d1 = parse_date(start, field="--from"), parse_date(end, field="--to")
    assert d0 is not None and d1 is not None
    if d1 < d0:
        raise ValidationError(f"--to {d1} is before --from {d0}")
    with open_workspace(workspace) as ws:
        first = ws.control_snapshot_date(d0)
        areas = ws.control_between(first or d0, d1)
        places = ws.places()
    if not areas:
        raise NotFoundError(f"no control snapshots between {d0} and {d1}")
    snaps: dict[dt.date, list[Any]] = {}
    for area in areas:
        snaps.setdefault(area.date, []).append(area)
    ch = control_changes(snaps, places, d0, d1)
    if as_json:
        print_json(ch.to_dict())
        return
    t = Table(title=f"Control changes {d0} -> {d1}")
    for c in ("faction", "km² from", "km² to", "gained", "lost"):
        t.add_column(c, justify="right" if c != "faction" else "left")
    for f, (km0, km1) in sorted(ch.area_km2.items()):
        t.add_row(f, f"{km0:,.0f}", f"{km1:,.0f}", f"{ch.gained_km2[f]:,.0f}", f"{ch.lost_km2[f]:,.0f}")
    console.print(t)
    p = Table(title="Places that changed hands")
    for c in ("date", "place", "from", "to"):
        p.add_column(c)
    for pc in ch.places:
        p.add_row(pc.date.isoformat(), pc.place, pc.from_faction or "-", pc.to_faction or "-")
    console.print(p)
    synthetic_note(ch.synthetic)


@handle_errors
def front(
    date: DateOpt = None,
    geometry: Annotated[bool, typer.Option("--geometry", help="Include GeoJSON lines in --json")] = False,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The front line (shared boundaries of hostile factions) and its advance since the
    previous snapshot."""
    day = date_or_today(date)
    with open_workspace(workspace) as ws:
        snap = ws.control_snapshot_date(day)
        if snap is None:
            raise NotFoundError(f"no control snapshot on or before {day}")
        areas = ws.control_on(snap)
        prev_snap = ws.control_snapshot_date(snap - dt.timedelta(days=1))
        prev = ws.control_on(prev_snap) if prev_snap else []
        hostility = Hostility(ws.relations())
    segments = front_line(areas, hostility, snap)
    advance = front_advance(prev, areas, hostility, prev_snap, snap) if prev_snap else []
    synthetic = any(a.provenance.synthetic for a in areas)
    if as_json:
        segs = [s.to_dict() for s in segments]
        if not geometry:
            for s in segs:
                s.pop("geometry")
        print_json({"date": day.isoformat(), "snapshot": snap.isoformat(),
                    "previous_snapshot": prev_snap.isoformat() if prev_snap else None,
                    "segments": segs, "advance": advance, "synthetic": synthetic})
        return
    t = Table(title=f"Front line on {day} (snapshot {snap})")
    for c in ("between", "length km"):
        t.add_column(c)
    for seg in segments:
        t.add_row(f"{seg.a} / {seg.b}", f"{seg.length_km:,.0f}")
    console.print(t)
    if advance:
        a = Table(title=f"Advance since {prev_snap}")
        for c in ("attacker", "defender", "km² taken", "km/day"):
            a.add_column(c)
        for r in advance:
            a.add_row(r["attacker"], r["defender"], f"{r['area_taken_km2']:,.0f}",
                      str(r["advance_km_per_day"]))
        console.print(a)
    synthetic_note(synthetic)


def front_geojson(segments: list[Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"a": s.a, "b": s.b, "length_km": s.length_km},
         "geometry": geom_to_json(s.geometry)} for s in segments]}
