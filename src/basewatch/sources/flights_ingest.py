"""Flight imports into a workspace: positions to Parquet, aircraft and airfields to the store,
and the take-off/landing events recomputed from all positions after each change."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from basewatch.analysis.flights import clean_positions, detect_events
from basewatch.analysis.geodesy import approx_distance_m
from basewatch.errors import ImportFormatError
from basewatch.model.flights import Aircraft, Airfield, AirfieldCoverage, FlightEvent
from basewatch.sources._common import decode_text, read_limited
from basewatch.sources.aircraftdb import (
    attach_runways,
    detect_db_format,
    merge_aircraft,
    parse_aircraft,
    parse_airports,
    parse_runways,
)
from basewatch.sources.flights_positions import (  # re-exported: the positions import
    SYNTHETIC_GENERATOR,
    PositionImport,
    count_coverage,
    coverage_records,
    detected_event,
    import_positions,
    log_import,
    watched_airfields,
)
from basewatch.store import PutResult, Workspace
from basewatch.store.flights import (
    AIRCRAFT,
    AIRFIELDS,
    FLIGHT_COVERAGE,
    FLIGHT_EVENTS,
    position_files,
    read_positions,
)

__all__ = ["SYNTHETIC_GENERATOR", "PositionImport", "import_aircraft", "import_airports",
           "import_positions", "refresh_airfields", "refresh_events"]

#: The stored record of a detected event (batch jobs give theirs the importer's provenance).
_event = detected_event


def import_aircraft(ws: Workspace, path: str | Path) -> PutResult:
    """Import an aircraft database, joined by ICAO address with what the workspace has."""
    p = Path(path)
    new = parse_aircraft(p)
    _, sha = read_limited(p)
    old = {a.hex: a for a in ws.store.select(AIRCRAFT)}
    merged: dict[str, Aircraft] = {}
    for a in new:
        merged[a.hex] = merge_aircraft(merged.get(a.hex) or old.get(a.hex), a)
    with ws.store.transaction():
        result = ws.store.put(AIRCRAFT, merged.values())
        if result.changed:
            log_import(ws, sha, "aircraft", p, result.inserted)
    return result


def import_airports(ws: Workspace, path: str | Path) -> tuple[PutResult, list[str]]:
    """Import OurAirports airports.csv (airfields) or runways.csv (runways of known airfields).

    Only airfields with runways are watched (detection needs a runway); an airports file adds
    airfields, a runways file then gives them runways.
    """
    p = Path(path)
    data, sha = read_limited(p)
    text = decode_text(data, p)
    fmt = detect_db_format(p, text)
    warnings: list[str] = []
    if fmt == "airports":
        fields = parse_airports(p, text)
        old = {a.ident: a for a in ws.store.select(AIRFIELDS)}
        # keep runways imported earlier: airports.csv does not carry them
        fields = [replace(a, runways=old[a.ident].runways) if a.ident in old else a
                  for a in fields]
    elif fmt == "runways":
        runways, skipped = parse_runways(p, text)
        fields = attach_runways(ws.store.select(AIRFIELDS), runways)
        missing = set(runways) - {a.ident for a in fields}
        if skipped:
            known = {a.ident for a in ws.store.select(AIRFIELDS)}
            mine = [x for x in skipped if x.split(" ", 1)[0] in known]
            unwatched = sorted({x.split(" ", 1)[0] for x in mine} - set(runways))
            if mine:
                warnings.append(f"{p.name}: {len(mine)} runways of workspace airfields left out: "
                                + "; ".join(mine[:20]) + ("; ..." if len(mine) > 20 else ""))
            if unwatched:
                warnings.append(f"{p.name}: not watched (no usable runway): "
                                + ", ".join(unwatched[:20]))
        if missing:
            warnings.append(f"{p.name}: runways of {len(missing)} airfields not in the workspace "
                            f"(import airports.csv first), e.g. {sorted(missing)[:3]}")
    else:
        raise ImportFormatError(f"{p.name}: an aircraft database; use 'basewatch aircraft import'")
    before = {a.ident: a for a in ws.store.select(AIRFIELDS)}
    with ws.store.transaction():
        result = ws.store.put(AIRFIELDS, fields)
        if result.changed:
            log_import(ws, sha, fmt, p, result.inserted)
    if result.changed and fmt == "runways":
        changed = [a for a in fields if before.get(a.ident) != a]
        refresh_airfields(ws, changed, [before[a.ident] for a in changed if a.ident in before])
    return result, warnings


def refresh_events(ws: Workspace, positions: pa.Table | None = None) -> list[FlightEvent]:
    """Detect events in all stored positions (or ``positions``) at the workspace's
    airfields and count coverage; replace both layers. (A positions import refreshes only
    what its file touched: :func:`basewatch.sources.flights_positions.import_positions`.)"""
    watched, order = watched_airfields(ws)
    table = read_positions(ws.folder) if positions is None else positions
    table, _ = clean_positions(table)  # files may overlap: sort and de-duplicate across them
    events = [detected_event(d) for d in detect_events(table, order)]
    coverage = _coverage(table, watched)
    with ws.store.transaction():
        ws.store.delete(FLIGHT_EVENTS, {})
        ws.store.put(FLIGHT_EVENTS, events)
        ws.store.delete(FLIGHT_COVERAGE, {})
        ws.store.put(FLIGHT_COVERAGE, coverage)
    return events


#: Positions this close to a changed airfield may make or unmake its events (runway ends
#: plus 8 km of final plus margin; screened on the sphere, generously).
_NEAR_FIELD_KM = 25.0


def refresh_airfields(ws: Workspace, changed: list[Airfield], old: list[Airfield]) -> None:
    """After runways changed at some airfields, re-detect only the aircraft that came near
    them (or had events there) and recount coverage only at fields whose place or watched
    status changed; the result is the full refresh's (tested)."""
    if not changed:
        return
    places = {(a.lon, a.lat) for a in changed} | {(a.lon, a.lat) for a in old}
    idents = {a.ident for a in changed}
    hexes = {e.hex for e in ws.store.select(FLIGHT_EVENTS) if e.airfield in idents}
    for f in position_files(ws.folder):  # three columns only, file by file
        part = pq.read_table(f, columns=["hex", "lon", "lat"])
        lon = part.column("lon").to_numpy()
        lat = part.column("lat").to_numpy()
        near = np.zeros(part.num_rows, bool)
        for x, y in places:
            near |= approx_distance_m(lon, lat, x, y) <= _NEAR_FIELD_KM * 1e3
        if near.any():
            hexes |= set(part.column("hex").filter(pa.array(near)).unique().to_pylist())
    watched, order = watched_airfields(ws)
    events: list[FlightEvent] = []
    if hexes:
        tracks, _ = clean_positions(read_positions(ws.folder, hexes=sorted(hexes)))
        events = [detected_event(d) for d in detect_events(tracks, order)]
    was = {a.ident: a for a in old}
    recount = [a for a in changed if a.runways and (
        a.ident not in was or not was[a.ident].runways
        or (was[a.ident].lon, was[a.ident].lat) != (a.lon, a.lat))]
    unwatched = [a.ident for a in changed if not a.runways]
    coverage: list[AirfieldCoverage] = []
    if recount:
        every, _ = clean_positions(read_positions(ws.folder))
        coverage = _coverage(every, recount)
    with ws.store.transaction():
        for h in sorted(hexes):
            ws.store.delete(FLIGHT_EVENTS, {"hex": h})
        ws.store.put(FLIGHT_EVENTS, events)
        for ident in [a.ident for a in recount] + unwatched:
            ws.store.delete(FLIGHT_COVERAGE, {"airfield": ident})
        ws.store.put(FLIGHT_COVERAGE, coverage)


def _coverage(table: pa.Table, airfields: list[Airfield]) -> list[AirfieldCoverage]:
    """Positions per day near each watched airfield; synthetic when any position was."""
    counts: Counter[Any] = Counter()
    synthetic_days: set[dt.date] = set()
    count_coverage(table, airfields, counts, synthetic_days)
    return coverage_records(counts, synthetic_days)
