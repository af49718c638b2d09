"""Flight imports into a workspace: positions to Parquet, aircraft and airfields to the store,
and the take-off/landing events recomputed from all positions after each change."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from basewatch.analysis.flights import CleanReport, Detected, clean_positions, detect_events
from basewatch.analysis.geodesy import approx_distance_m
from basewatch.analysis.sorties import COVERAGE_RADIUS_KM, daily_coverage
from basewatch.errors import BasewatchError, ImportFormatError
from basewatch.model import Provenance, Source
from basewatch.model.flights import Aircraft, Airfield, AirfieldCoverage, FlightEvent
from basewatch.sources._common import decode_text, read_limited
from basewatch.sources.adsb import detect_format, is_container, read_adsb, source_sha256
from basewatch.sources.aircraftdb import (
    attach_runways,
    detect_db_format,
    merge_aircraft,
    parse_aircraft,
    parse_airports,
    parse_runways,
)
from basewatch.store import IMPORTS, PutResult, Workspace
from basewatch.store.base import ImportRecord
from basewatch.store.flights import (
    AIRCRAFT,
    AIRFIELDS,
    FLIGHT_COVERAGE,
    FLIGHT_EVENTS,
    position_files,
    position_files_named,
    read_positions,
    write_positions,
)

__all__ = ["PositionImport", "import_aircraft", "import_airports", "import_positions",
           "refresh_airfields", "refresh_events"]

#: Generator named on events detected in synthetic positions (only the demo makes those).
SYNTHETIC_GENERATOR = "basewatch.demo.flights_gen"


@dataclass
class PositionImport:
    """What a positions import did: the format, cleaning counts, the Parquet file, events."""

    path: str
    format: str
    sha256: str
    clean: CleanReport
    dropped: dict[str, int]
    parquet: str
    written: bool
    events: int
    unknown_aircraft: int = 0
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "format": self.format, "sha256": self.sha256,
                "clean": self.clean.to_dict(), "dropped": self.dropped, "parquet": self.parquet,
                "written": self.written, "events": self.events,
                "unknown_aircraft": self.unknown_aircraft, "warnings": self.warnings}


def _log(ws: Workspace, sha: str, kind: str, path: Path, inserted: int) -> None:
    ws.store.put(IMPORTS, [ImportRecord(sha, kind, str(path), dt.datetime.now(dt.UTC),
                                        inserted, 0)])


def import_positions(ws: Workspace, path: str | Path, *, fmt: str | None = None,
                     synthetic: bool = False) -> PositionImport:
    """Read, clean and store one positions file; re-importing the same file changes nothing."""
    p = Path(path)
    # the same content imported before: nothing to read, clean, store or detect again
    sha = source_sha256(p)
    done = position_files_named(ws.folder, sha[:20])
    # ... and logged: the log is written after the events were refreshed, so a crash between
    # storing the file and refreshing the events makes the next import do the refresh
    if done is not None and ws.store.select(IMPORTS, {"sha256": sha, "kind": "positions"}):
        n = pq.ParquetFile(done).metadata.num_rows
        return PositionImport(str(p), fmt or ("folder/tar" if is_container(p) else
                                             detect_format(p)), sha,
                              CleanReport(n, n, 0, 0, 0, 0), {}, str(done), False,
                              len(ws.store.select_columns(FLIGHT_EVENTS, ["kind"])), 0,
                              [f"{p}: already imported (same content); nothing read"])
    read = read_adsb(p, fmt=fmt, synthetic=synthetic)
    table, report = clean_positions(read.table)
    # the raw rows are not needed once cleaned: at 10 M positions they are ~0.7 GB
    read.table = table.schema.empty_table()
    pa.default_memory_pool().release_unused()
    out, written = write_positions(ws.folder, read.sha256[:20], table)
    if read.aircraft:
        _header_aircraft(ws, read.aircraft, p, synthetic)
    known = {a.hex for a in ws.store.select(AIRCRAFT)}
    unknown = len(set(table.column("hex").unique().to_pylist()) - known)
    logged = bool(ws.store.select(IMPORTS, {"sha256": read.sha256, "kind": "positions"}))
    if written or not logged:  # only the aircraft and days of this file can have changed
        refresh_events(ws, touched=table, sole_file=out)
    n_events = len(ws.store.select_columns(FLIGHT_EVENTS, ["kind"]))
    if written or not logged:
        with ws.store.transaction():
            _log(ws, read.sha256, "positions", p, table.num_rows)
    return PositionImport(str(p), read.format, read.sha256, report, read.dropped, str(out),
                          written, n_events, unknown, read.warnings)


def _header_aircraft(ws: Workspace, named: list[dict[str, Any]], path: Path,
                     synthetic: bool) -> None:
    """Registration, type and operator from readsb trace headers: they fill what the
    workspace's aircraft database leaves empty (never override it); military is OR-ed."""
    old = {a.hex: a for a in ws.store.select(AIRCRAFT)}
    src = Source("readsb trace header", f"aircraft named in {path.name}")
    out: dict[str, Aircraft] = {}
    for d in named:
        try:
            rec = Aircraft(d["hex"], Provenance(src, synthetic=synthetic),
                           registration=d["registration"], typecode=d["typecode"],
                           description=d["description"], operator=d["operator"],
                           military=d["military"])
        except BasewatchError:  # a malformed address in the header: its rows were dropped too
            continue
        prev = out.get(rec.hex) or old.get(rec.hex)
        if prev is None:
            out[rec.hex] = rec
            continue
        fill = {f: getattr(prev, f) or getattr(rec, f)
                for f in ("registration", "typecode", "description", "operator")}
        prov = prev.provenance
        if any(getattr(prev, f) != v for f, v in fill.items()) \
                and src.publisher not in prov.source.publisher:
            prov = replace(prov, source=replace(
                prov.source, publisher=f"{prov.source.publisher}; {src.publisher}"))
        out[rec.hex] = Aircraft(rec.hex, prov, military=prev.military or rec.military, **fill)
    changed = [a for a in out.values() if old.get(a.hex) != a]
    if changed:
        with ws.store.transaction():
            ws.store.put(AIRCRAFT, changed)


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
            _log(ws, sha, "aircraft", p, result.inserted)
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
            _log(ws, sha, fmt, p, result.inserted)
    if result.changed and fmt == "runways":
        changed = [a for a in fields if before.get(a.ident) != a]
        refresh_airfields(ws, changed, [before[a.ident] for a in changed if a.ident in before])
    return result, warnings


def _event(d: Detected) -> FlightEvent:
    prov = Provenance(Source("basewatch flight detection", "take-offs and landings from ADS-B"),
                      synthetic=d.synthetic, generator=SYNTHETIC_GENERATOR if d.synthetic else "",
                      notes="detected in synthetic positions" if d.synthetic else "")
    return FlightEvent(d.time, d.hex, d.kind, d.airfield, d.runway, d.flight_id, prov,
                       origin=d.origin, destination=d.destination,
                       destination_method=d.destination_method, basis=d.basis,
                       course_deg=d.course_deg, course_error_deg=d.course_error_deg,
                       candidates=d.candidates, time_lo=d.time_lo, time_hi=d.time_hi)


def refresh_events(ws: Workspace, positions: pa.Table | None = None, *,
                   touched: pa.Table | None = None,
                   sole_file: str | Path | None = None) -> list[FlightEvent]:
    """Detect events in all stored positions at the workspace's airfields; replace the layer.

    ``touched`` (the positions a new file added): re-detect only its aircraft (every position
    of each, from all files: tracks are per aircraft) and recount coverage only on its days
    (every aircraft's positions of those days), replacing just those rows; the result is the
    full refresh's, at the cost of the file rather than of the whole workspace. With
    ``sole_file`` (the file ``touched`` was stored in, already cleaned) and no other positions
    file in the workspace, nothing is read back. Returns the events (re)detected.
    """
    airfields = [a for a in ws.store.select(AIRFIELDS) if a.runways or a.area]
    watched = [a for a in airfields if a.runways]
    order = watched + [a for a in airfields if not a.runways]
    if touched is None:
        table = read_positions(ws.folder) if positions is None else positions
        table, _ = clean_positions(table)  # files may overlap: sort and de-duplicate across them
        events = [_event(d) for d in detect_events(table, order)]
        coverage = _coverage(table, watched)
        with ws.store.transaction():
            ws.store.delete(FLIGHT_EVENTS, {})
            ws.store.put(FLIGHT_EVENTS, events)
            ws.store.delete(FLIGHT_COVERAGE, {})
            ws.store.put(FLIGHT_COVERAGE, coverage)
        return events
    if touched.num_rows == 0:
        return []
    hexes = sorted(set(touched.column("hex").unique().to_pylist()))
    sole = [Path(f).name for f in position_files(ws.folder)] == [Path(str(sole_file)).name]
    # the workspace's only positions file is the one just cleaned: nothing to read again
    tracks = touched if sole else clean_positions(read_positions(ws.folder, hexes=hexes))[0]
    events = [_event(d) for d in detect_events(tracks, order)]
    days = sorted(set(touched.column("time").to_numpy().astype("datetime64[D]").tolist()))
    span = (dt.datetime.combine(days[0], dt.time(), dt.UTC),
            dt.datetime.combine(days[-1], dt.time(23, 59, 59, 999999), dt.UTC))
    around = touched if sole else clean_positions(read_positions(ws.folder, between=span))[0]
    coverage = [c for c in _coverage(around, watched) if c.day in set(days)]
    with ws.store.transaction():
        for h in hexes:
            ws.store.delete(FLIGHT_EVENTS, {"hex": h})
        ws.store.put(FLIGHT_EVENTS, events)
        for a in watched:
            for d in days:
                ws.store.delete(FLIGHT_COVERAGE, {"airfield": a.ident, "day": d.isoformat()})
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
    airfields = [a for a in ws.store.select(AIRFIELDS) if a.runways or a.area]
    watched = [a for a in airfields if a.runways]
    order = watched + [a for a in airfields if not a.runways]
    events: list[FlightEvent] = []
    if hexes:
        tracks, _ = clean_positions(read_positions(ws.folder, hexes=sorted(hexes)))
        events = [_event(d) for d in detect_events(tracks, order)]
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
    if table.num_rows == 0 or not airfields:
        return []
    per = daily_coverage(table.column("lon").to_numpy(), table.column("lat").to_numpy(),
                         table.column("time").to_numpy().astype("datetime64[D]"),
                         {a.ident: (a.lon, a.lat) for a in airfields})
    # synthetic per day: a day counted from any synthetic position carries the mark
    days = table.column("time").to_numpy().astype("datetime64[D]")
    synthetic_days = set(np.unique(days[table.column("synthetic").to_numpy(
        zero_copy_only=False)]).astype(object))

    def prov(synthetic: bool) -> Provenance:
        return Provenance(Source("basewatch flight coverage",
                                 f"positions within {COVERAGE_RADIUS_KM:.0f} km of the airfield"),
                          synthetic=synthetic, generator=SYNTHETIC_GENERATOR if synthetic else "",
                          notes="counted in synthetic positions" if synthetic else "")

    return [AirfieldCoverage(ident, day, n, prov(day in synthetic_days))
            for ident, per_day in sorted(per.items()) for day, n in sorted(per_day.items())]
