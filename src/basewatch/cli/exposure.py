"""Exposure commands: exposure, exposure timeline, weapons, rings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from basewatch.analysis.exposure import reach_timeline
from basewatch.analysis.geodesy import geodesic_circle
from basewatch.analysis.reach import split_antimeridian
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
from basewatch.errors import NotFoundError
from basewatch.model._util import geom_to_json
from basewatch.queries.exposure import exposure_series, load_catalog, projection
from basewatch.sources.importing import import_file

app = typer.Typer(help="Distance to hostile ground and the weapons that reach each site.",
                  invoke_without_command=True)
weapons_app = typer.Typer(help="The weapons catalog: systems, ranges, holdings.",
                          no_args_is_help=True)

SiteOpt = Annotated[str | None, typer.Option("--site", help="Facility (name, alias or id)")]


@app.callback()
@handle_errors
def exposure(ctx: typer.Context, date: DateOpt = None, site: SiteOpt = None,
             workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Per facility on a date: distance to hostile ground, nearest faction and point, and the
    hostile systems in reach with their margin and since when."""
    if ctx.invoked_subcommand is not None:
        return
    day = date_or_today(date)
    with open_workspace(workspace) as ws:
        facilities = [ws.facility(site)] if site else ws.facilities(on=day)
        dates = [d for d in ws.control_dates() if d <= day] or [day]
        series = exposure_series(ws, facilities, sorted(set(dates) | {day}))
        cat = load_catalog(ws)
    today = series[day]
    if not today:
        raise NotFoundError(f"no control snapshot on or before {day}")
    rows = []
    for e in today:
        hist = [s for d in sorted(series) for s in series[d] if s.facility == e.facility]
        first = reach_timeline(hist)
        d = e.to_dict()
        for r in d["systems_in_reach"]:
            r["since"] = first[(r["system"], r["munition"])].isoformat()
        d["projection"] = projection(hist, cat)
        rows.append(d)
    if as_json:
        print_json(rows)
        return
    t = Table(title=f"Exposure on {day}")
    for c in ("site", "operator", "km to hostile", "nearest", "in reach (margin, since)"):
        t.add_column(c)
    for r in sorted(rows, key=lambda r: r["distance_km"] if r["distance_km"] is not None else 1e9):
        reach = "; ".join(f"{x['name']} {x['munition']} (+{x['margin_km']} km, {x['since']})"
                          for x in r["systems_in_reach"])
        km = f"{r['distance_km']:.1f}" if r["distance_km"] is not None else "-"
        t.add_row(r["name"], r["operator"], km, r["nearest_faction"] or "-", reach or "-")
    console.print(t)
    synthetic_note(any(r["synthetic"] for r in rows))


@app.command("timeline")
@handle_errors
def exposure_timeline(site: Annotated[str, typer.Option("--site", help="Facility")],
                      workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """A site's distance to hostile ground and systems in reach on every snapshot date."""
    with open_workspace(workspace) as ws:
        f = ws.facility(site)
        dates = ws.control_dates()
        series = exposure_series(ws, [f], dates)
        cat = load_catalog(ws)
    hist = [series[d][0] for d in dates if series[d]]
    first = reach_timeline(hist)
    out: dict[str, Any] = {"site": f.id, "name": f.name,
           "series": [{"date": e.date.isoformat(),
                       "distance_km": round(e.nearest.distance_km, 2) if e.nearest else None,
                       "nearest_faction": e.nearest_faction,
                       "in_reach": [f"{r.system_name} {r.munition}" for r in e.reach],
                       "synthetic": e.synthetic} for e in hist],
           "first_in_reach": [{"system": k[0], "munition": k[1], "date": v.isoformat()}
                              for k, v in sorted(first.items(), key=lambda kv: kv[1])],
           "projection": projection(hist, cat)}
    if as_json:
        print_json(out)
        return
    t = Table(title=f"Exposure of {f.name}")
    for c in ("date", "km", "nearest", "in reach"):
        t.add_column(c)
    for r in out["series"]:
        km = f"{r['distance_km']:.1f}" if r["distance_km"] is not None else "-"
        t.add_row(r["date"], km, r["nearest_faction"] or "-", ", ".join(r["in_reach"]) or "-")
    console.print(t)
    for x in out["first_in_reach"]:
        console.print(f"{x['system']} {x['munition']}: in reach since {x['date']}")
    synthetic_note(any(r["synthetic"] for r in out["series"]))


@weapons_app.command("list")
@handle_errors
def weapons_list(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Systems with their munitions' ranges and sources, and who holds them."""
    with open_workspace(workspace) as ws:
        cat = load_catalog(ws)
    if as_json:
        print_json({"systems": [s.to_dict() for s in cat.systems.values()],
                    "holdings": [h.to_dict() for h in cat.holdings]})
        return
    t = Table(title="Weapon systems")
    for c in ("system", "class", "calibre", "munition", "range km", "source"):
        t.add_column(c)
    for s in cat.systems.values():
        for m in s.munitions:
            t.add_row(s.name, s.weapon_class.value, f"{s.calibre_mm:g} mm" if s.calibre_mm else "-",
                      m.name, f"{m.min_range_km:g}-{m.max_range_km:g}", m.source.publisher)
    console.print(t)
    h = Table(title="Holdings")
    for c in ("faction", "system", "from", "captured", "source"):
        h.add_column(c)
    for x in cat.holdings:
        h.add_row(x.faction, x.system, x.valid_from.isoformat() if x.valid_from else "-",
                  "yes" if x.captured else "", x.provenance.label)
    console.print(h)


@weapons_app.command("import")
@handle_errors
def weapons_import(path: Annotated[Path, typer.Argument(help="Weapons catalog JSON")],
                   workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Import a weapons catalog (see docs/formats.md)."""
    with open_workspace(workspace, create=True) as ws:
        report = import_file(ws, "weapons", path)
    if as_json:
        print_json(report.to_dict())
    else:
        r = report.result
        console.print(f"{path}: {report.parsed} records: {r.inserted} new, {r.updated} updated, "
                      f"{r.unchanged} unchanged")


@handle_errors
def rings(site: Annotated[str, typer.Option("--site", help="Facility")],
          system: Annotated[str, typer.Option("--system", help="Weapon system")],
          reach: Annotated[bool, typer.Option("--reach", help="Also the system's reach areas: "
                                              "hostile ground buffered by each range")] = False,
          date: DateOpt = None,
          out: Annotated[Path | None, typer.Option("--out", help="Write GeoJSON here")] = None,
          geojson: Annotated[bool, typer.Option("--geojson", help="Print GeoJSON")] = False,
          workspace: WorkspaceOpt = None) -> None:
    """Range rings (true geodesic circles) of a system's munitions around a site: the ground
    from which it can hit the site; with --reach, the hostile ground buffered by each range."""
    day = date_or_today(date)
    with open_workspace(workspace) as ws:
        f = ws.facility(site)
        cat = load_catalog(ws)
        match = [s for s in cat.systems.values() if s.matches(system)]
        if not match:
            raise NotFoundError(f"no weapon system {system!r} (known: {', '.join(sorted(cat.systems))})")
        sysm = match[0]
        features: list[dict[str, Any]] = []
        for m in sysm.munitions:
            ring = split_antimeridian(geodesic_circle(f.lon, f.lat, m.max_range_km * 1000, 256))
            features.append({"type": "Feature", "geometry": geom_to_json(ring), "properties": {
                "kind": "range_ring", "site": f.id, "system": sysm.id, "munition": m.name,
                "radius_km": m.max_range_km, "source": m.source.publisher, "synthetic": False}})
        if reach:  # the same reach areas as the API and the map
            from basewatch.queries.sites import reach_areas  # loads every capability

            features += reach_areas(ws, day, [f.operator], sysm.id)["features"]
    fc = {"type": "FeatureCollection", "features": features}
    if out:
        out.write_text(json.dumps(fc), "utf-8")
        console.print(f"wrote {len(features)} features to {out}")
    if geojson or not out:
        print_json(fc)


