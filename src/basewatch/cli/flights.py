"""`basewatch flights|aircraft|airports ...`: import positions and databases, list events, daily sorties."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from basewatch.analysis.flights import HEAVY_TRANSPORT_TYPES, aircraft_category, daily_sorties
from basewatch.cli._common import (
    JsonOpt,
    WorkspaceOpt,
    console,
    handle_errors,
    open_workspace,
    print_json,
    synthetic_note,
)
from basewatch.errors import NotFoundError
from basewatch.model._util import parse_date
from basewatch.sources.flights_ingest import import_aircraft, import_airports, import_positions
from basewatch.store.flights import AIRCRAFT, AIRFIELDS, FLIGHT_EVENTS

app = typer.Typer(help="ADS-B positions, take-offs and landings, sorties per day.",
                  no_args_is_help=True)
aircraft_app = typer.Typer(help="Aircraft database (tar1090-db, OpenSky).", no_args_is_help=True)
airports_app = typer.Typer(help="Airfields and runways (OurAirports).", no_args_is_help=True)

FileArg = Annotated[Path, typer.Argument(help="File to import (see docs/flights.md).")]


@app.command("import")
@handle_errors
def flights_import(path: FileArg, fmt: Annotated[str | None, typer.Option(
        "--format", help="opensky-csv, opensky-parquet, readsb-trace, v2-api, plain-csv "
        "(default: detected)")] = None, workspace: WorkspaceOpt = None,
        as_json: JsonOpt = False) -> None:
    """Import ADS-B positions; bad rows are counted and reported, good rows kept."""
    with open_workspace(workspace, create=True) as ws:
        rep = import_positions(ws, path, fmt=fmt)
    if as_json:
        print_json(rep.to_dict())
        return
    c = rep.clean
    console.print(f"{path} ({rep.format}): {c.rows_in} positions read, {c.kept} kept; dropped: "
                  f"{c.bad_coordinates} impossible coordinates, {c.duplicates} duplicates, "
                  f"{c.teleports} teleports; {c.out_of_order} out of order (sorted)", highlight=False)
    for w in rep.warnings:
        console.print(f"[yellow]warning:[/] {w}", highlight=False)
    if rep.unknown_aircraft:
        console.print(f"{rep.unknown_aircraft} aircraft not in the aircraft database", highlight=False)
    console.print("already imported; nothing changed" if not rep.written
                  else f"stored in {rep.parquet}; {rep.events} take-offs/landings detected")


@aircraft_app.command("import")
@handle_errors
def aircraft_import(path: FileArg, workspace: WorkspaceOpt = None) -> None:
    """Import a tar1090-db aircraft CSV or an OpenSky aircraft database CSV (joined by hex)."""
    with open_workspace(workspace, create=True) as ws:
        r = import_aircraft(ws, path)
    console.print(f"{path}: {r.inserted} new, {r.updated} updated, {r.unchanged} unchanged aircraft")


@airports_app.command("import")
@handle_errors
def airports_import(path: FileArg, workspace: WorkspaceOpt = None) -> None:
    """Import OurAirports airports.csv, then runways.csv."""
    with open_workspace(workspace, create=True) as ws:
        r, warnings = import_airports(ws, path)
    for w in warnings:
        console.print(f"[yellow]warning:[/] {w}", highlight=False)
    console.print(f"{path}: {r.inserted} new, {r.updated} updated, {r.unchanged} unchanged airfields")


def _airfield(ws: Any, site: str) -> Any:
    """An airfield by ICAO ident, or by a facility name whose airfield is nearest (Khmeimim)."""
    fields = ws.store.select(AIRFIELDS)
    hit = [a for a in fields if a.ident.lower() == site.lower() or site.lower() in a.name.lower()]
    if hit:
        return hit[0]
    from basewatch.analysis.geodesy import distance_m

    fac = ws.facility(site)  # NotFoundError if no such facility either
    near = sorted(fields, key=lambda a: distance_m(fac.lon, fac.lat, a.lon, a.lat))
    if not near or distance_m(fac.lon, fac.lat, near[0].lon, near[0].lat) > 5000:
        raise NotFoundError(f"no airfield within 5 km of facility {fac.id}")
    return near[0]


def _rows(ws: Any, site: str | None, date: str | None) -> list[dict[str, Any]]:
    ac = {a.hex: a for a in ws.store.select(AIRCRAFT)}
    names = {a.ident: a.name for a in ws.store.select(AIRFIELDS)}
    where = {"airfield": _airfield(ws, site).ident} if site else None
    rows = []
    day = parse_date(date, field="--date") if date else None
    for e in ws.store.select(FLIGHT_EVENTS, where, order_by=("time",)):
        if day and e.time.date() != day:
            continue
        a = ac.get(e.hex)
        rows.append({"time": e.time.isoformat(), "hex": e.hex,
                     "registration": a.registration if a else "", "type": a.typecode if a else "",
                     "description": a.description if a else "", "operator": a.operator if a else "",
                     "military": bool(a and a.military), "kind": e.kind, "airfield": e.airfield,
                     "airfield_name": names.get(e.airfield, ""), "runway": e.runway,
                     "origin": e.origin, "destination": e.destination,
                     "destination_method": e.destination_method, "basis": e.basis,
                     "synthetic": e.provenance.synthetic, "source": e.provenance.label})
    return rows


@app.command("events")
@handle_errors
def events(site: Annotated[str | None, typer.Option("--site", help="Airfield ICAO or facility")] = None,
           date: Annotated[str | None, typer.Option("--date", help="Day (YYYY-MM-DD)")] = None,
           workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Take-offs and landings at watched airfields, with aircraft and destination."""
    with open_workspace(workspace) as ws:
        rows = _rows(ws, site, date)
    if as_json:
        print_json(rows)
        return
    t = Table("time (UTC)", "reg", "type", "operator", "mil", "kind", "airfield", "rwy",
              "destination", "")
    for r in rows:
        dest = r["destination"] + (" (inferred)" if r["destination_method"] == "inferred from bearing" else "")
        t.add_row(r["time"][:19], r["registration"] or r["hex"], r["type"], r["operator"],
                  "yes" if r["military"] else "", r["kind"], r["airfield"], r["runway"], dest,
                  "[magenta]SYNTHETIC[/]" if r["synthetic"] else "")
    console.print(t)
    synthetic_note(any(r["synthetic"] for r in rows))


@app.command("daily")
@handle_errors
def daily(site: Annotated[str, typer.Option("--site", help="Airfield ICAO or facility")],
          baseline_days: Annotated[int, typer.Option(help="Days of history in the baseline")] = 28,
          workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Take-offs per day by category against a Poisson baseline; airlift surges flagged."""
    with open_workspace(workspace) as ws:
        af = _airfield(ws, site)
        ac = {a.hex: a for a in ws.store.select(AIRCRAFT)}
        evs = ws.store.select(FLIGHT_EVENTS, {"airfield": af.ident, "kind": "takeoff"})
    takeoffs = []
    for e in evs:
        a = ac.get(e.hex)
        tc, mil = (a.typecode, a.military) if a else ("", False)
        takeoffs.append((e.time, aircraft_category(tc, mil), e.provenance.synthetic))
        if tc.upper() in HEAVY_TRANSPORT_TYPES:
            takeoffs.append((e.time, "heavy transport", e.provenance.synthetic))
    rows = [r.to_dict() for r in daily_sorties(takeoffs, af.ident, baseline_days=baseline_days)]
    if as_json:
        print_json({"airfield": af.ident, "name": af.name, "model": "Poisson, rate = (take-offs "
                    f"in the {baseline_days} days before + 0.5) / days; surge if P(X>=n) < 0.01 "
                    "and n >= 2", "rows": rows})
        return
    t = Table("day", "category", "take-offs", "baseline/day", "P(X>=n)", "surge", "")
    for r in rows:
        t.add_row(r["day"], r["category"], str(r["count"]), f"{r['baseline_rate']:.2f}",
                  f"{r['p_value']:.4f}", "[bold red]SURGE[/]" if r["surge"] else "",
                  "[magenta]SYNTHETIC[/]" if r["synthetic"] else "")
    console.print(t)
    synthetic_note(any(r["synthetic"] for r in rows))


@app.command("poll")
@handle_errors
def flights_poll(url: Annotated[str, typer.Argument(help="v2 API URL, e.g. .../v2/mil")],
                 out: Annotated[Path, typer.Option("--out", help="JSON-lines file to append")],
                 state: Annotated[Path | None, typer.Option(
                     "--state", help="Resume state (default: OUT.state.json)")] = None,
                 interval: Annotated[float, typer.Option(help="Seconds between polls")] = 10.0,
                 count: Annotated[int, typer.Option(help="Number of polls")] = 1,
                 then_import: Annotated[bool, typer.Option(
                     "--import", help="Import OUT into the workspace afterwards")] = False,
                 workspace: WorkspaceOpt = None) -> None:
    """Poll an aggregator's v2 API with back-off and de-duplication; resumable."""
    from basewatch.sources.adsb_poll import poll

    st = state or out.with_name(out.name + ".state.json")
    with console.status("polling") as status:
        rep = poll(url, out, st, interval_s=interval, count=count,
                   on_poll=lambda r: status.update(f"poll {r.polls}/{count}: {r.positions} positions"))
    console.print(f"{rep.polls} polls, {rep.positions} new positions, {rep.duplicates} repeats "
                  f"skipped, {rep.retries} retries; appended to {out}")
    if then_import and out.exists():
        flights_import(out, "v2-api", workspace, False)
