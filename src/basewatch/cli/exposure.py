"""Exposure commands: exposure, exposure timeline, weapons, rings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from basewatch.cli import _common
from basewatch.cli._common import (
    DateOpt,
    JsonOpt,
    WorkspaceOpt,
    date_or_today,
    handle_errors,
    open_workspace,
    print_json,
    synthetic_note,
)
from basewatch.errors import NotFoundError
from basewatch.queries.exposure import load_catalog, projection
from basewatch.queries.reach import (
    NO_CONTROL,
    reach_history,
    reach_words,
    state_words,
    workspace_span,
)
from basewatch.queries.reach_kept import kept_histories

app = typer.Typer(help="Distance to hostile ground and the weapons that reach each site.",
                  invoke_without_command=True)
weapons_app = typer.Typer(help="The weapons catalog: systems, ranges, holdings.",
                          no_args_is_help=True)

SiteOpt = Annotated[str | None, typer.Option("--site", help="Facility (name, alias or id)")]


@app.callback()
@handle_errors
def exposure(ctx: typer.Context, date: DateOpt = None, site: SiteOpt = None,
             workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Per facility on a date: distance to hostile ground (or inside it: held by whom, how deep,
    since when), nearest faction and point, and the hostile systems in reach with their margin
    and since when (each from its own date: docs/exposure.md)."""
    if ctx.invoked_subcommand is not None:
        return
    day = date_or_today(date)
    with open_workspace(workspace) as ws:
        facilities = [ws.facility(site)] if site else ws.facilities(on=day)
        # each history kept in the store (queries/reach_kept.py): evaluated once per revision
        hist = kept_histories(ws, facilities, day)
        cat = load_catalog(ws)
    rows = []
    for f in facilities:
        h = hist[f.id]
        d = h.row(day)
        upto = h.states_upto(day)
        if len(upto):
            d["projection"] = projection(upto, cat)
        rows.append(d)
    if as_json:
        print_json(rows)
        return
    from rich.table import Table  # tables only: --json loads no rich

    if rows and all(r["state"] == NO_CONTROL for r in rows):
        _common.console.print(f"No control known on {day}: the first control snapshot is later.")
        return
    t = Table(title=f"Exposure on {day}")
    for c in ("site", "operator", "km to hostile", "nearest", "in reach (margin, since)"):
        t.add_column(c)

    def order(r: dict[str, Any]) -> float:
        return -1.0 if r["inside"] else (r["distance_km"] if r["distance_km"] is not None else 1e9)

    for r in sorted(rows, key=order):
        reach = "; ".join(reach_words(x) for x in r["systems_in_reach"])
        t.add_row(r["name"], r["operator"], state_words(r), r["nearest_faction"] or "-",
                  reach or "-")
    _common.console.print(t)
    synthetic_note(any(r["synthetic"] for r in rows))


@app.command("timeline")
@handle_errors
def exposure_timeline(site: Annotated[str, typer.Option("--site", help="Facility")],
                      workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """A site's distance to hostile ground and systems in reach on every date where anything
    that decides reach changes (control snapshots, holdings, the facility's own dates)."""
    with open_workspace(workspace) as ws:
        f = ws.facility(site)
        _, end = workspace_span(ws)
        h = reach_history(ws, [f], end)[f.id]
        cat = load_catalog(ws)
    series = [h.row(d) for d in h.dates]
    out: dict[str, Any] = {
        "site": f.id, "name": f.name,
        "series": [{"date": r["date"], "state": r["state"], "distance_km": r["distance_km"],
                    "nearest_faction": r["nearest_faction"], "inside": r["inside"],
                    "distance_within_location_uncertainty":
                        r["distance_within_location_uncertainty"],
                    "in_reach": [f"{x['name']} {x['munition']}" for x in r["systems_in_reach"]],
                    "synthetic": r["synthetic"]} for r in series],
        "first_in_reach": [{"system": k[0], "munition": k[1], "date": v.isoformat()}
                           for k, v in sorted(h.first_in_reach().items(), key=lambda kv: kv[1])],
        "reach_spans": [{"system": k[0], "munition": k[1], "from": a.isoformat(),
                         "to": b.isoformat() if b else None}
                        for k, spans in sorted(h.spans.items()) for a, b in spans],
        "inside_hostile": [{"faction": x, "from": a.isoformat(), "to": b.isoformat() if b else None}
                           for a, b, x in h.inside],
        "projection": projection([h.states[d] for d in h.dates], cat)}
    if as_json:
        print_json(out)
        return
    from rich.table import Table

    t = Table(title=f"Exposure of {f.name}")
    for c in ("date", "km to hostile", "nearest", "in reach"):
        t.add_column(c)
    for r, s in zip(series, out["series"], strict=True):
        t.add_row(r["date"], state_words(r), r["nearest_faction"] or "-",
                  ", ".join(s["in_reach"]) or "-")
    _common.console.print(t)
    for x in out["first_in_reach"]:
        _common.console.print(f"{x['system']} {x['munition']}: in reach since {x['date']}")
    for x in out["inside_hostile"]:
        _common.console.print(f"inside ground held by {x['faction']} from {x['from']}"
                      + (f" to {x['to']}" if x["to"] else ""))
    synthetic_note(any(r["synthetic"] for r in out["series"]))


@weapons_app.command("list")
@handle_errors
def weapons_list(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Systems with their munitions' ranges and sources, and who holds them."""
    from rich.table import Table

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
    _common.console.print(t)
    h = Table(title="Holdings")
    for c in ("faction", "system", "from", "captured", "source"):
        h.add_column(c)
    for x in cat.holdings:
        h.add_row(x.faction, x.system, x.valid_from.isoformat() if x.valid_from else "-",
                  "yes" if x.captured else "", x.provenance.label)
    _common.console.print(h)


@weapons_app.command("import")
@handle_errors
def weapons_import(path: Annotated[Path, typer.Argument(help="Weapons catalog JSON")],
                   workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Import a weapons catalog (see docs/formats.md)."""
    from basewatch.sources.importing import import_file  # every importer: only here

    with open_workspace(workspace, create=True) as ws:
        report = import_file(ws, "weapons", path)
    if as_json:
        print_json(report.to_dict())
    else:
        r = report.result
        _common.console.print(f"{path}: {report.parsed} records: {r.inserted} new, {r.updated} updated, "
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
    from basewatch.analysis.geodesy import geodesic_circle
    from basewatch.analysis.reach import split_antimeridian
    from basewatch.model._util import geom_to_json

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
        _common.console.print(f"wrote {len(features)} features to {out}")
    if geojson or not out:
        print_json(fc)


