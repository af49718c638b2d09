"""Positions imports, streamed: read in batches, split by aircraft, cleaned, stored and
searched for events one part at a time, then the events and coverage written in bulk.

A file of any size is held one batch at a time while reading and one part (a set of whole
aircraft, :mod:`basewatch.sources.flights_partition`) at a time afterwards; the stored
Parquet file is written part by part to a temporary name and renamed, and the store's layers
change in one transaction after that, so an import lands whole or not at all. The events and
coverage are the full refresh's (:func:`basewatch.sources.flights_ingest.refresh_events`;
tested), at the cost of the file rather than of the whole workspace.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from basewatch.analysis.arrow_np import arrow_of, numpy_of
from basewatch.analysis.flights import CleanReport, Detected, clean_positions, detect_events
from basewatch.analysis.sorties import COVERAGE_RADIUS_KM, daily_coverage
from basewatch.errors import BasewatchError
from basewatch.model import Provenance, Source
from basewatch.model.flights import Aircraft, Airfield, AirfieldCoverage, FlightEvent
from basewatch.sources.adsb import AdsbStream, detect_format, is_container, source_sha256
from basewatch.sources.flights_heap import heap_kept
from basewatch.sources.flights_partition import Partitions, bucket_of
from basewatch.store import IMPORTS, Workspace
from basewatch.store.base import ImportRecord
from basewatch.store.flights import (
    AIRCRAFT,
    AIRFIELDS,
    FLIGHT_COVERAGE,
    FLIGHT_EVENTS,
    PositionsWriter,
    position_files,
    position_files_named,
    positions_scratch,
    read_positions,
)

__all__ = ["SYNTHETIC_GENERATOR", "PositionImport", "coverage_records", "count_coverage",
           "detected_event", "import_positions", "log_import", "watched_airfields"]

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
    parts: int = 1  # parts the positions were split into (1: held in memory)

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "format": self.format, "sha256": self.sha256,
                "clean": self.clean.to_dict(), "dropped": self.dropped, "parquet": self.parquet,
                "written": self.written, "events": self.events,
                "unknown_aircraft": self.unknown_aircraft, "warnings": self.warnings,
                "parts": self.parts}


def log_import(ws: Workspace, sha: str, kind: str, path: Path, inserted: int) -> None:
    ws.store.put(IMPORTS, [ImportRecord(sha, kind, str(path), dt.datetime.now(dt.UTC),
                                        inserted, 0)])


def _detection_provenance(synthetic: bool) -> Provenance:
    return Provenance(Source("basewatch flight detection", "take-offs and landings from ADS-B"),
                      synthetic=synthetic, generator=SYNTHETIC_GENERATOR if synthetic else "",
                      notes="detected in synthetic positions" if synthetic else "")


#: The two provenances of detected events (frozen records: shared, not made per event).
_DETECTION_PROVENANCE = {s: _detection_provenance(s) for s in (False, True)}


def detected_event(d: Detected) -> FlightEvent:
    """The stored record of a detected event, with the detector's provenance."""
    return FlightEvent(d.time, d.hex, d.kind, d.airfield, d.runway, d.flight_id,
                       _DETECTION_PROVENANCE[bool(d.synthetic)], origin=d.origin,
                       destination=d.destination, destination_method=d.destination_method,
                       basis=d.basis, course_deg=d.course_deg,
                       course_error_deg=d.course_error_deg, candidates=d.candidates,
                       time_lo=d.time_lo, time_hi=d.time_hi)


def watched_airfields(ws: Workspace) -> tuple[list[Airfield], list[Airfield]]:
    """(watched airfields: with runways; every airfield detection knows, watched first)."""
    airfields = [a for a in ws.store.select(AIRFIELDS) if a.runways or a.area]
    watched = [a for a in airfields if a.runways]
    return watched, watched + [a for a in airfields if not a.runways]


def position_days(table: pa.Table) -> np.ndarray:
    """The day (numpy ``datetime64[D]``, UTC) of each position."""
    return numpy_of(table.column("time")).astype("datetime64[D]")


def distinct_days(days: np.ndarray) -> list[dt.date]:
    """The distinct days of :func:`position_days`, in order (counted, not sorted)."""
    if len(days) == 0:
        return []
    first = days.min()
    return (first + np.flatnonzero(np.bincount((days - first).astype(np.int64)))
            ).astype(object).tolist()


def count_coverage(table: pa.Table, airfields: Sequence[Airfield], counts: Counter[Any],
                   synthetic_days: set[dt.date], days: np.ndarray | None = None) -> None:
    """Add the positions per (airfield, day) within the coverage radius to ``counts`` and
    the days holding any synthetic position to ``synthetic_days`` (sums over parts of
    whole aircraft equal the count over all). ``days``: :func:`position_days` of the table,
    when the caller has them."""
    if table.num_rows == 0 or not airfields:
        return
    days = position_days(table) if days is None else days
    per = daily_coverage(numpy_of(table.column("lon")), numpy_of(table.column("lat")), days,
                         {a.ident: (a.lon, a.lat) for a in airfields})
    for ident, per_day in per.items():
        for day, n in per_day.items():
            counts[(ident, day)] += n
    syn = numpy_of(table.column("synthetic"), null=False)
    if syn.any():
        synthetic_days.update(np.unique(days[syn]).astype(object))


def coverage_records(counts: Counter[Any], synthetic_days: set[dt.date],
                     days: set[dt.date] | None = None) -> list[AirfieldCoverage]:
    """Coverage records (synthetic on days counted from any synthetic position), sorted by
    airfield and day; only ``days`` when given."""
    def prov(synthetic: bool) -> Provenance:
        return Provenance(Source("basewatch flight coverage",
                                 f"positions within {COVERAGE_RADIUS_KM:.0f} km of the airfield"),
                          synthetic=synthetic, generator=SYNTHETIC_GENERATOR if synthetic else "",
                          notes="counted in synthetic positions" if synthetic else "")

    provs = {s: prov(s) for s in (False, True)}
    return [AirfieldCoverage(ident, day, n, provs[day in synthetic_days])
            for (ident, day), n in sorted(counts.items())
            if days is None or day in days]


def _estimated_rows(p: Path) -> int:
    """Positions a source probably holds: exact for a Parquet file, else ~50 bytes a row."""
    try:
        if p.is_file() and p.suffix.lower() == ".parquet":
            return int(pq.ParquetFile(p).metadata.num_rows)
        if p.is_file():
            return p.stat().st_size // 50
        return sum(f.stat().st_size for f in p.rglob("*") if f.is_file()) // 50
    except (OSError, pa.ArrowException):
        return 0


def _sum(reports: list[CleanReport]) -> CleanReport:
    return CleanReport(*(sum(getattr(r, f) for r in reports) for f in
                         ("rows_in", "kept", "bad_coordinates", "duplicates", "out_of_order",
                          "teleports")))


def import_positions(ws: Workspace, path: str | Path, *, fmt: str | None = None,
                     synthetic: bool = False, start: dt.datetime | None = None
                     ) -> PositionImport:
    """Read, clean and store one positions file (or folder, or tar), streamed; re-importing
    the same content changes nothing. ``start``: a Beast recording's first frame (UTC)."""
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
                              ws.store.count(FLIGHT_EVENTS), 0,
                              [f"{p}: already imported (same content); nothing read"])
    if start is not None and start.tzinfo is None:
        raise BasewatchError("--start: give a time zone (e.g. 2024-12-04T10:00:00Z)")
    stream = AdsbStream(p, fmt=fmt, synthetic=synthetic,
                        start=None if start is None else start.timestamp(), sha256=sha)
    writer = PositionsWriter(ws.folder, sha[:20])
    # tens of thousands of event records and no reference cycles among them: the cyclic
    # garbage collector's passes over them would cost ~10 % of the import
    gc_was = gc.isenabled()
    gc.disable()
    try:
        with heap_kept():  # freed arrays reused, not faulted in again (flights_heap)
            return _import(ws, p, sha, stream, writer, synthetic)
    finally:
        if gc_was:
            gc.enable()


def _import(ws: Workspace, p: Path, sha: str, stream: AdsbStream, writer: PositionsWriter,
            synthetic: bool) -> PositionImport:
    try:
        with Partitions(lambda: positions_scratch(ws.folder),
                        estimated_rows=_estimated_rows(p)) as parts:
            for batch in stream.batches():  # raises when nothing at all was read
                parts.add(batch)
            result = _by_part(ws, parts, writer)
            n_parts = parts.buckets if parts.spilled else 1
        written = writer.commit()
    except BaseException:
        writer.abort()
        raise
    reports, events, hexes, counts, syn_days, days = result
    report = _sum(reports)
    if stream.aircraft:
        _header_aircraft(ws, stream.aircraft, p, synthetic)
    known = {h for (h,) in ws.store.select_columns(AIRCRAFT, ["hex"])}
    unknown = len(hexes - known)
    watched, _ = watched_airfields(ws)
    with ws.store.transaction():  # only the aircraft and days of this file can have changed
        # (only aircraft with stored events, and coverage only if any is stored: deleting
        # what is not there is a no-op, ~10 us a statement, thousands per import)
        stored = set(ws.store.distinct(FLIGHT_EVENTS, "hex")) if hexes else set()
        for h in sorted(hexes & stored):
            ws.store.delete(FLIGHT_EVENTS, {"hex": h})
        ws.store.put(FLIGHT_EVENTS, [detected_event(d) for d in events])
        for a in watched if ws.store.count(FLIGHT_COVERAGE) else ():
            for d in sorted(days):
                ws.store.delete(FLIGHT_COVERAGE, {"airfield": a.ident, "day": d.isoformat()})
        ws.store.put(FLIGHT_COVERAGE, coverage_records(counts, syn_days, days))
    n_events = ws.store.count(FLIGHT_EVENTS)
    with ws.store.transaction():
        log_import(ws, sha, "positions", p, report.kept)
    return PositionImport(str(p), stream.format, sha, report, stream.dropped,
                          str(writer.path), written, n_events, unknown, stream.warnings,
                          n_parts)


def _by_part(ws: Workspace, parts: Partitions, writer: PositionsWriter) -> tuple[
        list[CleanReport], list[Detected], set[str], Counter[Any], set[dt.date], set[dt.date]]:
    """Clean, store and detect part by part; coverage counted on the file's days.

    With other positions files in the workspace, each part's aircraft are read from them too
    (tracks are per aircraft, across files), and coverage counts every aircraft's positions on
    the file's days (from all files, cleaned together part by part: duplicates across files
    count once)."""
    watched, order = watched_airfields(ws)
    others = [f for f in position_files(ws.folder) if f.name != writer.path.name]
    names = sorted([f.name for f in others] + [writer.path.name])
    here = names.index(writer.path.name)  # where the new file falls among them (name order)
    reports: list[CleanReport] = []
    events: list[Detected] = []
    hexes: set[str] = set()
    counts: Counter[Any] = Counter()
    syn_days: set[dt.date] = set()
    days: set[dt.date] = set()
    before, after = others[:here], others[here:]
    if others and watched:  # coverage: every aircraft's positions on the file's days
        span = _file_days(parts)
        around = (_read(ws, before, between=span), _read(ws, after, between=span))
    n_parts = 0
    for b, n_b, part in parts.parts():
        n_parts += 1
        if part.num_rows == 0 and not (others and watched):
            continue  # no aircraft of this file here, and no coverage of others' to count
        table, rep = clean_positions(part)
        del part
        reports.append(rep)
        writer.write(table)
        part_hexes = sorted(set(pc.unique(table.column("hex")).to_pylist()))
        hexes.update(part_hexes)
        part_days = position_days(table)
        days.update(distinct_days(part_days))
        if not others:
            events += detect_events(table, order)
            count_coverage(table, watched, counts, syn_days, part_days)
            continue
        if part_hexes:
            tracks = _in_name_order(_read(ws, before, hexes=part_hexes), table,
                                    _read(ws, after, hexes=part_hexes))
            events += detect_events(clean_positions(tracks)[0], order)
        if watched:  # the other files' aircraft of this part number, cleaned with the new
            together = _in_name_order(_bucket(around[0], b, n_b), table,
                                      _bucket(around[1], b, n_b))
            count_coverage(clean_positions(together)[0], watched, counts, syn_days)
    if n_parts > 1:  # as one detection gives them
        events.sort(key=lambda e: (e.time, e.hex, e.kind))
    return reports, events, hexes, counts, syn_days, days


def _file_days(parts: Partitions) -> tuple[dt.datetime, dt.datetime]:
    """From the first to the last day (whole days) of the positions read."""
    return (dt.datetime.combine(parts.first.date(), dt.time(), dt.UTC),
            dt.datetime.combine(parts.last.date(), dt.time(23, 59, 59, 999999), dt.UTC))


def _read(ws: Workspace, files: list[Path], **filters: Any) -> pa.Table | None:
    return read_positions(ws.folder, files=files, **filters) if files else None


def _bucket(table: pa.Table | None, b: int, n_b: int) -> pa.Table | None:
    if table is None or n_b == 1:
        return table
    return table.filter(arrow_of(bucket_of(table.column("hex"), n_b) == b))


def _in_name_order(before: pa.Table | None, mine: pa.Table, after: pa.Table | None) -> pa.Table:
    """The other files' positions and the new ones in the files' name order (the order one
    read of every file gives: of duplicates across files, cleaning keeps the first)."""
    return pa.concat_tables([t for t in (before, mine, after) if t is not None])


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
