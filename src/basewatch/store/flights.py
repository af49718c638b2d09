"""Flight storage: positions as Parquet files in the workspace, metadata as store layers.

Positions are many and read column-wise, so they live in ``<workspace>/flights/*.parquet``
(one file per import, written to a temporary name then renamed: a crash leaves no half
file). Aircraft, airfields, detected events and the position-file log are records in the
workspace store, where QGIS and SQL users see them.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from basewatch.model.flights import Aircraft, Airfield, AirfieldCoverage, FlightEvent, _iso
from basewatch.store.base import PROVENANCE_COLUMNS, LayerSpec, _point, dumps, register_layer
from basewatch.store.encoding import ProvenanceCells

if TYPE_CHECKING:
    import pyarrow as pa

# pyarrow (and the flight analysis, which holds the position schema) are imported by the two
# functions that read or write positions: the layer specs here are imported by every face that
# asks "when did anything last change" (queries/reach.py), which should not pay ~0.2 s for them.

__all__ = ["AIRCRAFT", "AIRFIELDS", "FLIGHT_COVERAGE", "FLIGHT_EVENTS", "POSITIONS_DIR",
           "PositionsWriter", "position_files", "position_files_named", "positions_scratch",
           "read_positions", "write_positions"]

POSITIONS_DIR = "flights"
#: How positions files are written: zstd, dictionaries for the repeated text and flags only,
#: the times delta-encoded and the floats byte-split (measured on 1 M positions: ~25 % less
#: CPU than zstd with pyarrow's defaults, and half the size; any Parquet reader reads them)
PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "use_dictionary": ["hex", "callsign", "on_ground", "synthetic"],
    "column_encoding": {"time": "DELTA_BINARY_PACKED", "lat": "BYTE_STREAM_SPLIT",
                        "lon": "BYTE_STREAM_SPLIT", "alt_ft": "BYTE_STREAM_SPLIT",
                        "gs_kt": "BYTE_STREAM_SPLIT", "track_deg": "BYTE_STREAM_SPLIT"},
}

AIRCRAFT = register_layer(LayerSpec(
    name="aircraft",
    geometry_type=None,
    columns={"hex": ("TEXT", lambda d: d["hex"]),
             "registration": ("TEXT", lambda d: d["registration"]),
             "typecode": ("TEXT", lambda d: d["typecode"]),
             "operator": ("TEXT", lambda d: d["operator"]),
             "military": ("INTEGER", lambda d: 1 if d["military"] else 0)},
    key=("hex",),
    from_dict=Aircraft.from_dict,
    description="Aircraft by ICAO 24-bit address: registration, type, operator, military flag.",
))

AIRFIELDS = register_layer(LayerSpec(
    name="airfields",
    geometry_type="POINT",
    columns={"ident": ("TEXT", lambda d: d["ident"]), "name": ("TEXT", lambda d: d["name"]),
             "country": ("TEXT", lambda d: d["country"]), "area": ("TEXT", lambda d: d["area"])},
    key=("ident",),
    from_dict=Airfield.from_dict,
    geometry=lambda a: _point(a.lon, a.lat),
    description="Airfields with their runways (OurAirports).",
))

_EVENT_COLUMNS: dict[str, tuple[str, Any]] = {
    "time": ("DATETIME", lambda d: d["time"]), "hex": ("TEXT", lambda d: d["hex"]),
    "kind": ("TEXT", lambda d: d["kind"]), "airfield": ("TEXT", lambda d: d["airfield"]),
    "runway": ("TEXT", lambda d: d["runway"]),
    "destination": ("TEXT", lambda d: d["destination"])}
#: extractors in the order the store writes them: the layer's columns, then provenance ones
_EVENT_EXTRACT = [g for _, g in _EVENT_COLUMNS.values()] + [
    g for n, (_, g) in PROVENANCE_COLUMNS.items() if n not in _EVENT_COLUMNS]
_str = json.encoder.encode_basestring  # type: ignore[attr-defined]  # what dumps uses for str


def _num(x: Any) -> str:
    if x is None:
        return "null"
    return float.__repr__(x) if type(x) is float and math.isfinite(x) else dumps(x)


def _opt_time(x: dt.datetime | None) -> str:
    if x is None:
        return "null"
    return _str(x.isoformat() if x.tzinfo is dt.UTC else _iso(x))


def _span_end(x: dt.datetime | None, tm: dt.datetime, time: str) -> str:
    """:func:`_opt_time` of an interval's end, the event's own text when it is the event's
    time object (detection shares it: no second ``isoformat``)."""
    if x is tm:
        return _str(time)
    return "null" if x is None else _opt_time(x)


def _event_rows(records: Any) -> list[tuple[list[Any], str]]:
    """Column values and stored JSON of many flight events: the same as each record's
    ``to_dict`` through the extractors and :func:`~basewatch.store.base.dumps` (sorted keys,
    compact; tested on random records), written out directly. An import stores tens of
    thousands of events and the generic path spent ~20 us on each; this ~5."""
    out: list[tuple[list[Any], str]] = []
    prov_cells = ProvenanceCells(_EVENT_COLUMNS)
    for e in records:
        if type(e) is not FlightEvent:
            d = e.to_dict()
            out.append(([g(d) for g in _EVENT_EXTRACT], dumps(d)))
            continue
        got = prov_cells(e.provenance)
        tm, lo, hi = e.time, e.time_lo, e.time_hi
        time = tm.isoformat() if tm.tzinfo is dt.UTC else _iso(tm)
        try:  # text fields are str (the C encoder refuses anything else: then the slow way)
            text = (f'{{"airfield":{_str(e.airfield)},"basis":{_str(e.basis)},'
                    f'"candidates":[{",".join(map(_str, e.candidates))}],'
                    f'"course_deg":{_num(e.course_deg)},'
                    f'"course_error_deg":{_num(e.course_error_deg)},'
                    f'"destination":{_str(e.destination)},'
                    f'"destination_method":{_str(e.destination_method)},'
                    f'"flight_id":{_str(e.flight_id)},"hex":{_str(e.hex)},'
                    f'"kind":{_str(e.kind)},"origin":{_str(e.origin)},"provenance":{got[0]},'
                    f'"runway":{_str(e.runway)},"time":{_str(time)},'
                    f'"time_hi":{_span_end(hi, tm, time)},'
                    f'"time_lo":{_span_end(lo, tm, time)}}}')
        except TypeError:
            text = dumps(e.to_dict())
        out.append(([time, e.hex, e.kind, e.airfield, e.runway, e.destination, *got[1]], text))
    return out


FLIGHT_EVENTS = register_layer(LayerSpec(
    name="flight_events",
    geometry_type=None,
    columns=_EVENT_COLUMNS,
    key=("hex", "time", "kind"),
    from_dict=FlightEvent.from_dict,
    indexes=(("airfield", "time"),),
    description="Take-offs and landings detected at watched airfields.",
    encode_rows=_event_rows,
))


FLIGHT_COVERAGE = register_layer(LayerSpec(
    name="flight_coverage",
    geometry_type=None,
    columns={"airfield": ("TEXT", lambda d: d["airfield"]), "day": ("DATE", lambda d: d["day"]),
             "positions": ("INTEGER", lambda d: d["positions"])},
    key=("airfield", "day"),
    from_dict=AirfieldCoverage.from_dict,
    description="Positions reported near each airfield per day: days with none are coverage gaps.",
))

def _dir(folder: str | Path) -> Path:
    return Path(folder) / POSITIONS_DIR


def position_files(folder: str | Path) -> list[Path]:
    """The Parquet position files of a workspace, sorted by name."""
    d = _dir(folder)
    return sorted(d.glob("*.parquet")) if d.is_dir() else []


def position_files_named(folder: str | Path, name: str) -> Path | None:
    """The stored positions file of that import name, if it exists."""
    path = _dir(folder) / f"{name}.parquet"
    return path if path.is_file() else None


def write_positions(folder: str | Path, name: str, table: pa.Table) -> tuple[Path, bool]:
    """Write positions to ``flights/<name>.parquet`` atomically; (path, written?).

    An existing file of that name (same import content) is left alone: re-import is a no-op.
    """
    import pyarrow.parquet as pq

    from basewatch.analysis.flights import POSITION_SCHEMA

    d = _dir(folder)
    d.mkdir(parents=True, exist_ok=True)
    path = d / f"{name}.parquet"
    if path.exists():
        return path, False
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=d)
    os.close(fd)
    try:
        pq.write_table(table.cast(POSITION_SCHEMA), tmp, **PARQUET_OPTIONS)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path, True


class PositionsWriter:
    """``flights/<name>.parquet`` written part by part (one or more row groups per part) to a
    temporary file, renamed into place by :meth:`commit`: a crash or :meth:`abort` leaves no
    half file. An existing file of that name (same import content) is left alone
    (``exists``; parts are then dropped)."""

    def __init__(self, folder: str | Path, name: str) -> None:
        d = _dir(folder)
        d.mkdir(parents=True, exist_ok=True)
        self.path = d / f"{name}.parquet"
        self.exists = self.path.exists()
        self._tmp: str | None = None
        self._writer: Any = None
        if not self.exists:
            fd, self._tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=d)
            os.close(fd)

    def write(self, table: pa.Table) -> None:
        import pyarrow.parquet as pq

        from basewatch.analysis.flights import POSITION_SCHEMA

        if self.exists or table.num_rows == 0:
            return
        if self._writer is None:
            self._writer = pq.ParquetWriter(self._tmp, POSITION_SCHEMA, **PARQUET_OPTIONS)
        self._writer.write_table(table.cast(POSITION_SCHEMA))

    def commit(self) -> bool:
        """Rename the file into place; whether a new file was written."""
        if self.exists or self._tmp is None:
            return False
        if self._writer is None:  # nothing kept: an empty file of the schema
            self.write_empty()
        self._writer.close()
        os.replace(self._tmp, self.path)
        self._tmp = None
        return True

    def write_empty(self) -> None:
        import pyarrow.parquet as pq

        from basewatch.analysis.flights import POSITION_SCHEMA

        self._writer = pq.ParquetWriter(self._tmp, POSITION_SCHEMA, **PARQUET_OPTIONS)

    def abort(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._tmp is not None:
            Path(self._tmp).unlink(missing_ok=True)
            self._tmp = None


def positions_scratch(folder: str | Path) -> Path:
    """A new scratch folder beside the positions files (same disk), for an import's spilled
    partitions; the caller removes it."""
    d = _dir(folder)
    d.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=".spill-", dir=d))


def read_positions(folder: str | Path, *, hexes: list[str] | None = None,
                   between: tuple[dt.datetime, dt.datetime] | None = None,
                   files: list[Path] | None = None) -> pa.Table:
    """All stored positions (optionally of some aircraft, or in a time span, both ends
    included; of the given ``files`` only), in the position schema, file by file in name
    order."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from basewatch.analysis.flights import POSITION_SCHEMA

    files = position_files(folder) if files is None else files
    if not files:
        return POSITION_SCHEMA.empty_table()
    conds: list[Any] = [("hex", "in", hexes)] if hexes else []
    if between:
        conds += [("time", ">=", between[0]), ("time", "<=", between[1])]
    filters: Any = conds or None
    tables = [pq.read_table(f, filters=filters, schema=POSITION_SCHEMA) for f in files]
    return pa.concat_tables(tables)
