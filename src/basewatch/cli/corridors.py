"""Corridor commands: corridor, corridor timeline, corridor set-rear, roads import."""

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
from basewatch.errors import ValidationError

# The query modules (numpy, shapely, pyproj) and rich's tables are imported inside the
# commands: `basewatch --help`, the other commands and `--json` answers do not pay for them.

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


FerryOpt = Annotated[bool, typer.Option("--ferries", help="Let routes use ferry lines")]
DirectedOpt = Annotated[bool, typer.Option("--directed", help="Respect one-way roads")]
RestrictedOpt = Annotated[bool, typer.Option("--restricted", help="Let routes use roads closed "
                                             "to traffic (access=no/private, military areas)")]
RadiusOpt = Annotated[float | None, typer.Option(
    "--capture-radius", help="km a captured place takes (default: its extent from the extract, "
    "its extent_km, or a radius by population or kind)")]


def _names(text: str | None) -> list[str]:
    return [x.strip() for x in (text or "").split(",") if x.strip()]


def _km(x: Any) -> str:
    return "-" if x is None else f"{x:g}"


@app.callback()
@handle_errors
def corridor_cmd(ctx: typer.Context, a: FromOpt = None, b: ToOpt = None, date: DateOpt = None,
                 assume: Annotated[str | None, typer.Option(
                     "--assume-captured", help="Places assumed captured, comma-separated")] = None,
                 cut: Annotated[str | None, typer.Option(
                     "--assume-cut", help="Bridges assumed cut: names or OSM way ids, comma-separated")] = None,
                 any_road: AnyRoadOpt = False, side: SideOpt = None, buffer_km: BufferOpt = 0.0,
                 capture_radius: RadiusOpt = None, ferries: FerryOpt = False,
                 directed: DirectedOpt = False, restricted: RestrictedOpt = False,
                 geojson: Annotated[Path | None, typer.Option(
                     "--geojson", help="Write the route or the break as GeoJSON")] = None,
                 workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Connected or not on a date; the route or where it breaks; the critical places."""
    if ctx.invoked_subcommand is not None:
        return
    if not a or not b:
        raise ValidationError("give --from and --to (sites or places)")
    if capture_radius is not None and not 0 < capture_radius <= 200:
        raise ValidationError(f"--capture-radius {capture_radius}: give km in (0, 200]")
    from basewatch.queries.corridors import corridor

    day = date_or_today(date)
    with open_workspace(workspace) as ws:
        r = corridor(ws, a, b, day, assume_captured=_names(assume), assume_cut=_names(cut),
                     side=side, any_road=any_road, buffer_m=buffer_km * 1000,
                     capture_radius_km=capture_radius, ferries=ferries, directed=directed,
                     restricted=restricted)
    if geojson:
        geojson.write_text(json.dumps(_layer(r)), "utf-8")
    if as_json:
        print_json(r)
        return
    _print(r)


def _print(r: dict[str, Any]) -> None:
    from rich.table import Table

    state = "[green]connected[/]" if r["connected"] else "[red]CUT[/]"
    what_if = [*r["assumed_captured"], *(f"bridge {x}" for x in r["assumed_cut"])]
    what = f" assuming {', '.join(what_if)} captured or cut" if what_if else ""
    _common.console.print(f"{r['from']} -> {r['to']} on {r['date']}{what}, {r['side']}'s corridor "
                  f"({r['mode']}; {r['routing']}): {state}", highlight=False)
    for c in r["captures"]:
        _common.console.print(f"  {c['place']} captured: {c['extent']} (from {c['from']})", highlight=False)
    legs = r["access_km"]
    if r["connected"]:
        ferry = f", ferries: {', '.join(r['ferries'])}" if r["ferries"] else ""
        _common.console.print(f"  route {r['length_km']} km by road (+ access legs {legs[0]} km and "
                      f"{legs[1]} km to the road){ferry}", highlight=False)
    if r["places_along"]:
        t = Table(title="Places along the route" if r["connected"] else "Places along the usual route")
        for c in ("place", "km along", "km from route"):
            t.add_column(c)
        for p in r["places_along"]:
            t.add_row(p["name"], _km(p["along_km"]), _km(p["off_km"]))
        _common.console.print(t)
    if r["connected"]:
        crit = [c for c in r.get("critical_places") or [] if c["cuts"] or (c["detour_km"] or 0) > 0]
        if crit:
            t = Table(title="Critical places (their capture would cut the corridor)")
            for c in ("places", "cuts", "km to hostile ground", "detour km", "capture takes"):
                t.add_column(c)
            for c in crit:
                t.add_row(" + ".join(c["places"]), "yes" if c["cuts"] else "no",
                          _km(c["hostile_km"]), _km(c["detour_km"]), c.get("extent", "-"))
            _common.console.print(t)
    elif r["breaks"] and "road" in r["breaks"][0]:
        t = Table(title="Where the usual route breaks (one line per road)")
        for c in ("road", "km blocked", "near"):
            t.add_column(c)
        for x in r["breaks"]:
            t.add_row(x["road"] + (" (bridge cut)" if x.get("bridge_cut") else ""), _km(x["km"]),
                      ", ".join(x["near"][:3]) or "-")
        _common.console.print(t)
    else:
        for x in r["breaks"]:
            _common.console.print(f"  {x['reason']}")
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
             any_road: AnyRoadOpt = False, side: SideOpt = None, ferries: FerryOpt = False,
             directed: DirectedOpt = False, restricted: RestrictedOpt = False,
             workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """The corridor's status on every snapshot date, and the first date it was cut."""
    if not a or not b:
        raise ValidationError("give --from and --to (sites or places)")
    from basewatch.model._util import parse_date
    from basewatch.queries.corridors import corridor_timeline

    with open_workspace(workspace) as ws:
        days = ws.control_dates()
        d0 = parse_date(start) if start else None
        d1 = parse_date(end) if end else None
        days = [d for d in days if (d0 is None or d >= d0) and (d1 is None or d <= d1)]
        if not days:
            raise ValidationError("no control snapshots in that span")
        r = corridor_timeline(ws, a, b, days, side=side, any_road=any_road, ferries=ferries,
                              directed=directed, restricted=restricted)
    if as_json:
        print_json(r)
        return
    from rich.table import Table

    t = Table(title=f"{r['from']} -> {r['to']}")
    for c in ("date", "status", "km", "roads cut"):
        t.add_column(c)
    for s in r["series"]:
        t.add_row(s["date"], "connected" if s["connected"] else "CUT", _km(s["length_km"]),
                  ", ".join(s["roads_cut"]) or "-")
    _common.console.print(t)
    _common.console.print(f"first cut: {r['first_cut'] or 'never in this span'}")
    synthetic_note(any(s["synthetic"] for s in r["series"]))


@roads_app.command("import")
@handle_errors
def roads_import(path: Annotated[Path, typer.Argument(
                     help=".osm.pbf, .osm, .osm.bz2, .osm.gz, Overpass JSON, GeoJSON or GeoPackage")],
                 classes: Annotated[str | None, typer.Option(
                     "--classes", help="Road classes to keep, comma-separated; 'default' (motorway "
                     "to tertiary and their links), 'all' (also unclassified, residential, "
                     "service, track...)")] = None,
                 places: Annotated[bool, typer.Option(
                     "--places", help="Also import the extract's towns and villages (place=* "
                     "nodes) as places")] = False,
                 workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Import a road network (see docs/corridors.md and docs/formats.md)."""
    from basewatch.sources.roads import is_osm_file, resolve_classes

    kept = resolve_classes(classes)
    if is_osm_file(path, _head(path)):
        report, n_roads, n_places = _import_osm(path, kept, places, workspace)
    else:
        from basewatch.model import Place
        from basewatch.model.roads import RoadSegment
        from basewatch.sources.importing import ImportReport, write_parsed
        from basewatch.sources.roads import parse_roads

        parsed = parse_roads(path, kept, places=places)  # before the workspace exists: a bad
        with open_workspace(workspace, create=True) as ws:     # file leaves nothing behind
            result = write_parsed(ws, parsed)
        report = ImportReport("roads", str(path), parsed.sha256, len(parsed.records), result,
                              parsed.warnings)
        n_roads = sum(1 for x in parsed.records if isinstance(x, RoadSegment))
        n_places = sum(1 for x in parsed.records if isinstance(x, Place))
    if as_json:
        print_json(report.to_dict())
        return
    for w in report.warnings:
        _common.console.print(f"[yellow]warning:[/] {w}", highlight=False)
    result = report.result
    _common.console.print(f"{path}: {n_roads} roads, {n_places} places and "
                  f"{report.parsed - n_roads - n_places} areas: "
                  f"{result.inserted} new, {result.updated} updated, {result.unchanged} unchanged",
                  highlight=False)


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(4096)
    except OSError:
        return b""  # the importer gives the error with the file's name


def _import_osm(path: Path, kept: tuple[str, ...], places: bool,
                workspace: Path | None) -> tuple[Any, int, int]:
    """An OSM extract streamed into the workspace (sources/roads_import.py), in one transaction;
    a workspace this command made is removed again when the import fails."""
    import shutil

    from basewatch.sources.importing import ImportReport
    from basewatch.sources.osm import OsmStream
    from basewatch.sources.roads_import import import_osm_streamed
    from basewatch.store import default_workspace

    OsmStream(path, kept)  # a missing, foreign or DTD-declaring file is refused before anything
    folder = workspace if workspace is not None else default_workspace()
    made = not Path(folder).exists()
    try:
        with open_workspace(workspace, create=True) as ws:
            s, result, n, warnings = import_osm_streamed(ws, path, kept, places=places)
    except BaseException:
        if made:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    report = ImportReport("roads", str(path), s.sha256, n, result, warnings)
    n_places = len(s.col.places) if places else 0
    return report, s.n_roads, n_places


@app.command("set-rear")
@handle_errors
def set_rear(site: Annotated[str, typer.Argument(help="Facility (id, name, alias), or a faction "
                                                 "with --operator")],
             place: Annotated[str, typer.Argument(help="The place (id, name, alias) of its rear; "
                                                  "'' to clear")],
             operator: Annotated[bool, typer.Option(
                 "--operator", help="Set the rear of every site of this operator (faction)")] = False,
             workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Set a site's rear: the place whose road link keeps it supplied (assessment, exports,
    report, tripwires and dashboard follow the corridor to it)."""
    from basewatch.queries.corridors import set_rear as set_rear_

    with open_workspace(workspace) as ws:
        r = set_rear_(ws, site, place, operator=operator)
    if as_json:
        print_json(r)
    else:
        _common.console.print(f"{r['kind']} {r['id']}: rear {r['rear'] or 'cleared'}", highlight=False)
