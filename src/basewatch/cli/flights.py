"""`basewatch flights|aircraft|airports ...`: import positions and databases, list events, daily sorties."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer

from basewatch.cli import _common
from basewatch.cli._common import (
    JsonOpt,
    WorkspaceOpt,
    handle_errors,
    open_workspace,
    print_json,
    synthetic_note,
)

# the queries and importers (pyarrow, numpy, pyproj) are imported inside each command, and
# rich (its console, made on first use: _common.console; its tables) where something is
# printed: `basewatch --help`, other commands and `flights import --json` do not pay for them

app = typer.Typer(help="ADS-B positions, take-offs and landings, sorties per day.",
                  no_args_is_help=True)
aircraft_app = typer.Typer(help="Aircraft database (tar1090-db, OpenSky).", no_args_is_help=True)
airports_app = typer.Typer(help="Airfields and runways (OurAirports).", no_args_is_help=True)

FileArg = Annotated[Path, typer.Argument(help="File to import (see docs/flights.md).")]


@app.command("import")
@handle_errors
def flights_import(path: FileArg, fmt: Annotated[str | None, typer.Option(
        "--format", help="opensky-csv|-parquet, traffic-csv|-parquet, plain-csv|-parquet, "
        "readsb-trace, v2-api, readsb-aircraft, sbs, beast (default: detected; a folder or "
        "tar: each file detected)")] = None, workspace: WorkspaceOpt = None,
        as_json: JsonOpt = False, start: Annotated[str | None, typer.Option(
            "--start", help="Beast: UTC time of the recording's first frame, ISO 8601 with a "
            "zone (default: the last frame at the file's modification time)")] = None) -> None:
    """Import ADS-B positions; bad rows are counted and reported, good rows kept."""
    import datetime as dt
    import os

    from basewatch.errors import BasewatchError

    # Arrow's allocator (mimalloc) hands freed pages back to the system after 10 ms, and an
    # import frees and allocates part-sized blocks over and over: each comes back page by page
    # (~60,000 of ~120,000 page faults at 10 M positions). Kept for this process, which ends
    # with the import; read when pyarrow loads (next line), so only if it has not yet, and a
    # user's own setting wins.
    os.environ.setdefault("MIMALLOC_PURGE_DELAY", "-1")
    from basewatch.sources.flights_ingest import import_positions

    begin = None
    if start is not None:
        try:
            begin = dt.datetime.fromisoformat(start.replace("Z", "+00:00"))
        except ValueError:
            raise BasewatchError(f"--start {start!r}: not an ISO 8601 time") from None
        if begin.tzinfo is None:
            raise BasewatchError(f"--start {start!r}: give a time zone (e.g. "
                                 "2024-12-04T10:00:00Z)")
    with open_workspace(workspace, create=True) as ws:
        rep = import_positions(ws, path, fmt=fmt, start=begin)
    if as_json:
        print_json(rep.to_dict())
        return
    c = rep.clean
    _common.console.print(f"{path} ({rep.format}): {c.rows_in} positions read, {c.kept} kept; dropped: "
                  f"{c.bad_coordinates} impossible coordinates, {c.duplicates} duplicates, "
                  f"{c.teleports} teleports; {c.out_of_order} out of order (sorted)", highlight=False)
    for w in rep.warnings:
        _common.console.print(f"[yellow]warning:[/] {w}", highlight=False)
    if rep.unknown_aircraft:
        _common.console.print(f"{rep.unknown_aircraft} aircraft not in the aircraft database", highlight=False)
    _common.console.print("already imported; nothing changed" if not rep.written
                  else f"stored in {rep.parquet}; {rep.events} take-offs/landings detected")


@aircraft_app.command("import")
@handle_errors
def aircraft_import(path: FileArg, workspace: WorkspaceOpt = None) -> None:
    """Import a tar1090-db aircraft CSV or an OpenSky aircraft database CSV (joined by hex)."""
    from basewatch.sources.flights_ingest import import_aircraft

    with open_workspace(workspace, create=True) as ws:
        r = import_aircraft(ws, path)
    _common.console.print(f"{path}: {r.inserted} new, {r.updated} updated, {r.unchanged} unchanged aircraft")


@airports_app.command("import")
@handle_errors
def airports_import(path: FileArg, workspace: WorkspaceOpt = None) -> None:
    """Import OurAirports airports.csv, then runways.csv."""
    from basewatch.sources.flights_ingest import import_airports

    with open_workspace(workspace, create=True) as ws:
        r, warnings = import_airports(ws, path)
    for w in warnings:
        _common.console.print(f"[yellow]warning:[/] {w}", highlight=False)
    _common.console.print(f"{path}: {r.inserted} new, {r.updated} updated, {r.unchanged} unchanged airfields")


@app.command("events")
@handle_errors
def events(site: Annotated[str | None, typer.Option("--site", help="Airfield ICAO or facility")] = None,
           date: Annotated[str | None, typer.Option("--date", help="Day (YYYY-MM-DD)")] = None,
           workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Take-offs, landings, touch-and-goes and go-arounds at watched airfields, with
    aircraft, destination and the interval each time is known to."""
    from basewatch.queries.flights import event_rows

    with open_workspace(workspace) as ws:
        rows = event_rows(ws, site, date)
    if as_json:
        print_json(rows)
        return
    from rich.table import Table

    t = Table("time (UTC)", "reg", "type", "operator", "mil", "kind", "airfield", "rwy",
              "destination", "")
    for r in rows:
        dest = r["destination"] + (" (inferred)" if r["destination_method"] == "inferred from bearing" else "")
        span = (f" ({r['time_lo'][11:19]}-{r['time_hi'][11:19]})"
                if r.get("time_lo") and r.get("time_hi") else "")
        t.add_row(r["time"][:19] + span, r["registration"] or r["hex"], r["type"], r["operator"],
                  "yes" if r["military"] else "",
                  r["kind"] + (" (probable: track ended on final)" if r["status"] != r["kind"]
                               else ""), r["airfield"], r["runway"], dest,
                  "[magenta]SYNTHETIC[/]" if r["synthetic"] else "")
    _common.console.print(t)
    synthetic_note(any(r["synthetic"] for r in rows))


@app.command("daily")
@handle_errors
def daily(site: Annotated[str, typer.Option("--site", help="Airfield ICAO or facility")],
          baseline_days: Annotated[int, typer.Option(help="Days of history in the baseline")] = 28,
          workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Take-offs per day by category against a Poisson baseline; airlift surges flagged."""
    from basewatch.analysis.sorties import COVERAGE_RADIUS_KM
    from basewatch.queries.flights import daily_rows

    with open_workspace(workspace) as ws:
        af, rows = daily_rows(ws, site, baseline_days)
    if as_json:
        print_json({"airfield": af.ident, "name": af.name, "model": "Poisson, rate = (take-offs "
                    f"on the covered days of the {baseline_days} before + 0.5) / covered days; "
                    "surge if P(X>=n) < 0.01 and n >= 2; a day is covered when any position "
                    f"was reported within {COVERAGE_RADIUS_KM:.0f} km", "rows": rows})
        return
    from rich.table import Table

    t = Table()
    t.add_column("day", no_wrap=True)
    for c in ("category", "take-offs", "baseline/day", "P(X>=n)", "surge", ""):
        t.add_column(c)

    def num(v: float | None, fmt: str) -> str:  # None: no baseline yet (first week)
        return "-" if v is None or math.isnan(v) else format(v, fmt)

    for r in rows:
        if r["covered"] is False:  # no receiver saw anything near the field that day
            t.add_row(r["day"], r["category"], "[dim]no coverage[/]", "", "", "",
                      "[magenta]SYNTHETIC[/]" if r["synthetic"] else "")
            continue
        t.add_row(r["day"], r["category"], str(r["count"]), num(r["baseline_rate"], ".2f"),
                  num(r["p_value"], ".4f"), "[bold red]SURGE[/]" if r["surge"] else "",
                  "[magenta]SYNTHETIC[/]" if r["synthetic"] else "")
    _common.console.print(t)
    synthetic_note(any(r["synthetic"] for r in rows))


@app.command("poll")
@handle_errors
def flights_poll(url: Annotated[str, typer.Argument(
                     help="v2 API URL (.../v2/mil) or readsb .../data/aircraft.json")],
                 out: Annotated[Path, typer.Option("--out", help="JSON-lines file to append")],
                 state: Annotated[Path | None, typer.Option(
                     "--state", help="Resume state (default: OUT.state.json)")] = None,
                 interval: Annotated[float, typer.Option(help="Seconds between polls")] = 10.0,
                 count: Annotated[int, typer.Option(help="Number of polls")] = 1,
                 then_import: Annotated[bool, typer.Option(
                     "--import", help="Import OUT into the workspace afterwards")] = False,
                 workspace: WorkspaceOpt = None) -> None:
    """Poll an aggregator's v2 API or a receiver's aircraft.json (back-off, de-duplication,
    resumable)."""
    from basewatch.sources.adsb_poll import poll

    st = state or out.with_name(out.name + ".state.json")
    with _common.console.status("polling") as status:
        rep = poll(url, out, st, interval_s=interval, count=count,
                   on_poll=lambda r: status.update(f"poll {r.polls}/{count}: {r.positions} positions"))
    _common.console.print(f"{rep.polls} polls, {rep.positions} new positions, {rep.duplicates} repeats "
                  f"skipped, {rep.retries} retries; appended to {out}")
    if then_import and out.exists():
        flights_import(out, "v2-api", workspace, False)


@app.command("listen")
@handle_errors
def flights_listen(address: Annotated[str, typer.Argument(
                       help="SBS-1 / BaseStation feed, HOST:PORT (dump1090/readsb: 30003)")],
                   out: Annotated[Path, typer.Option("--out", help="SBS file to append")],
                   lines: Annotated[int | None, typer.Option(help="Stop after N lines")] = None,
                   seconds: Annotated[float | None, typer.Option(
                       help="Stop after S seconds")] = None,
                   then_import: Annotated[bool, typer.Option(
                       "--import", help="Import OUT into the workspace afterwards")] = False,
                   workspace: WorkspaceOpt = None) -> None:
    """Record a live SBS-1 feed over TCP (reconnecting with back-off); lines kept whole."""
    from basewatch.errors import BasewatchError
    from basewatch.sources.adsb_stream import listen_sbs

    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise BasewatchError(f"listen: {address!r} is not HOST:PORT")
    with _common.console.status("listening") as status:
        rep = listen_sbs(host, int(port), out, max_lines=lines, duration_s=seconds,
                         on_line=lambda r: status.update(f"{r.lines} lines, {r.positions} "
                                                         "positions") if r.lines % 500 == 0
                         else None)
    _common.console.print(f"{rep.lines} lines ({rep.positions} positions), {rep.reconnects} reconnects, "
                  f"{rep.discarded} partial lines discarded; appended to {out}", highlight=False)
    if then_import and out.exists():
        flights_import(out, "sbs", workspace, False)
