"""ADS-B positions from the files people have, as a Parquet-ready table.

Formats (see docs/flights.md): tabular files in three column layouts (OpenSky state vectors,
the `traffic` library's, basewatch's own) as CSV or Parquet; readsb / tar1090
``trace_full_<hex>.json``; aggregators' v2 API answers; readsb ``aircraft.json``; SBS-1 /
BaseStation lines; and folders or tars of any of them (readsb ``globe_history``). CSV, SBS
and Parquet are streamed in batches; JSON is size-limited and read whole. Rows with a
malformed address or time are counted and dropped, never silently kept; a read that yields
no position at all is an error.
"""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from basewatch.analysis.arrow_np import arrow_of, numpy_of, scalar_of
from basewatch.analysis.flights import POSITION_SCHEMA
from basewatch.errors import ImportFormatError
from basewatch.sources._common import max_file_bytes, read_limited
from basewatch.sources.adsb_beast import beast_columns, is_beast
from basewatch.sources.adsb_columns import T_MAX, layout_of, to_columns
from basewatch.sources.adsb_json import (
    json_columns,
    parse_json,
    parse_json_batches,
    trace_aircraft,
)
from basewatch.sources.adsb_sbs import SbsCarry, is_sbs, sbs_batches, sbs_columns

__all__ = ["FORMATS", "AdsbRead", "AdsbStream", "detect_format", "is_container", "make_table", "read_adsb",
           "source_sha256", "v2_to_table"]

FORMATS = ("opensky-csv", "opensky-parquet", "traffic-csv", "traffic-parquet", "plain-csv",
           "plain-parquet", "readsb-trace", "v2-api", "readsb-aircraft", "sbs", "beast")
_BLOCK = 16 << 20  # CSV block size for streaming
_PARQUET_BATCH = 1 << 18  # Parquet rows per batch (~20 MB as positions)
#: Errors of pyarrow and of numbers in malformed data, turned into ImportFormatError per file.
_DATA_ERRORS = (pa.ArrowException, ValueError, TypeError, OverflowError, KeyError)
_TARS = (".tar", ".tar.gz", ".tgz")


@dataclass
class AdsbRead:
    """Positions read from one file (or folder, or tar), before cleaning, with what was
    dropped and why, and the aircraft named in readsb trace headers."""

    path: Path
    format: str
    sha256: str
    table: pa.Table
    dropped: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    aircraft: list[dict[str, Any]] = field(default_factory=list)
    files: int = 1


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _unzip_head(data: bytes, where: object) -> bytes:
    if data[:2] == b"\x1f\x8b":
        import gzip  # here: a Parquet or plain-text import never needs it

        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as g:
                return g.read(4096)
        except (OSError, EOFError) as exc:
            # a short read of a gzip is fine when it is only cut by our head read
            if isinstance(exc, EOFError):
                return b""
            raise ImportFormatError(f"{where}: truncated or damaged gzip ({exc})") from None
    return data


def _head(path: Path, n: int = 4096) -> bytes:
    with path.open("rb") as f:
        data = f.read(n)
    if data[:2] == b"\x1f\x8b":
        import gzip

        try:
            with gzip.open(path, "rb") as g:
                data = g.read(n)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise ImportFormatError(f"{path}: truncated or damaged gzip ({exc})") from None
    return data


def _format_of(head: bytes, name: str, where: object) -> str:
    if is_beast(head):
        return "beast"
    head = head.lstrip()
    if head[:1] in (b"{", b"["):
        text = head.decode("utf-8", "replace")
        if '"trace"' in text:
            return "readsb-trace"
        if '"aircraft"' in text and '"ac"' not in text:
            return "readsb-aircraft"
        return "v2-api"
    first = head.split(b"\n", 1)[0].decode("utf-8", "replace")
    if is_sbs(first):
        return "sbs"
    lay = layout_of(first.split(","))
    if lay is not None:
        return f"{lay.name}-csv"
    raise ImportFormatError(f"{where}: not a known ADS-B format (first line {first[:80]!r}); "
                            f"expected one of {', '.join(FORMATS)}")


def _parquet_format(path: Path) -> str:
    try:
        names = pq.read_schema(path).names
    except (*_DATA_ERRORS, OSError) as exc:
        raise ImportFormatError(f"{path}: not a readable Parquet file ({exc})") from None
    lay = layout_of(names)
    if lay is None:
        raise ImportFormatError(f"{path}: Parquet columns {', '.join(names[:12])} are none of "
                                "the known layouts (OpenSky: time, icao24, lat, lon; traffic: "
                                "timestamp, icao24, latitude, longitude; basewatch: time, hex, "
                                "lat, lon)")
    return f"{lay.name}-parquet"


def detect_format(path: str | Path) -> str:
    """The format of a positions file, from its name and first bytes."""
    p = Path(path)
    if not p.is_file():
        raise ImportFormatError(f"{p}: no such file")
    if p.suffix.lower() == ".parquet":
        return _parquet_format(p)
    return _format_of(_head(p), p.name, p)


def make_table(t: np.ndarray, hexes: Any, lat: Any, lon: Any, alt_ft: Any, gs_kt: Any,
               track: Any, on_ground: Any, callsign: Any, synthetic: Any,
               dropped: dict[str, int]) -> pa.Table:
    """Positions in :data:`POSITION_SCHEMA`; rows with a malformed address or time dropped
    (counted)."""
    n = len(t)
    # addresses are few and repeated: normalise and check each distinct one once
    raw = hexes if isinstance(hexes, (pa.Array, pa.ChunkedArray)) else pa.array(hexes, pa.string())
    enc = pc.dictionary_encode(pc.cast(raw, pa.string()))
    if isinstance(enc, pa.ChunkedArray):
        enc = enc.combine_chunks()
    values = pc.utf8_lower(pc.utf8_trim_whitespace(enc.dictionary))
    ok_value = numpy_of(pc.match_substring_regex(values, r"^[0-9a-f]{6}$"), null=False)
    idx = enc.indices
    if idx.null_count:
        idx = pc.fill_null(idx, scalar_of(-1, idx.type))
    codes = np.asarray(numpy_of(idx), np.int64)
    if len(values) and enc.indices.null_count == 0 and values.equals(enc.dictionary):
        # every address already as stored (trimmed, lower case): the column itself, not a
        # copy of a million strings rebuilt from the dictionary (the same values)
        hex_arr = pc.cast(raw, pa.string())
        if isinstance(hex_arr, pa.ChunkedArray):
            hex_arr = hex_arr.combine_chunks()
    elif len(values):
        hex_arr = values.take(arrow_of(np.maximum(codes, 0)))
    else:
        hex_arr = pa.nulls(n, pa.string())
    good_np = (codes >= 0) & ok_value[np.maximum(codes, 0)] if len(values) else np.zeros(n, bool)
    good_np &= np.isfinite(t) & (t >= 0) & (t < T_MAX)
    bad_hex = n - int(good_np.sum())
    if bad_hex:
        dropped["bad_address_or_time"] = dropped.get("bad_address_or_time", 0) + int(bad_hex)

    def f(x: Any) -> pa.Array:  # NaN: not reported (null)
        return arrow_of(np.asarray(x, dtype=float), pa.float64(), nan_is_null=True)

    tab = pa.table({
        "time": arrow_of((np.clip(np.nan_to_num(t), 0, T_MAX) * 1e6).astype(np.int64),
                         pa.timestamp("us", tz="UTC")),
        "hex": hex_arr, "lat": f(lat), "lon": f(lon), "alt_ft": f(alt_ft), "gs_kt": f(gs_kt),
        "track_deg": f(track), "on_ground": _typed(on_ground, pa.bool_()),
        "callsign": pc.utf8_trim_whitespace(_typed(callsign, pa.string())),
        "synthetic": _typed(synthetic, pa.bool_()),
    }, schema=POSITION_SCHEMA)
    # filtering copies every column: only when a row is dropped
    return tab.filter(arrow_of(good_np)) if bad_hex else tab


def _typed(x: Any, type: pa.DataType) -> Any:
    """A column as Arrow of ``type``: Arrow columns cast, boolean numpy arrays through their
    buffers, anything else (Python lists from JSON feeds) by ``pa.array``."""
    if isinstance(x, (pa.Array, pa.ChunkedArray)):
        return x if x.type == type else x.cast(type)
    if isinstance(x, np.ndarray) and x.dtype == bool and type == pa.bool_():
        return arrow_of(x)
    return pa.array(x, type)


def _from_columns(cols: dict[str, Any], synthetic: bool, dropped: dict[str, int]) -> pa.Table:
    syn = cols.get("synthetic")
    return make_table(cols["t"], cols["hex"], cols["lat"], cols["lon"], cols["alt_ft"],
                      cols["gs_kt"], cols["track"], cols["on_ground"], cols["callsign"],
                      syn if syn is not None else np.full(len(cols["t"]), synthetic), dropped)


def v2_to_table(obj: Any, *, synthetic: bool = False, dropped: dict[str, int] | None = None,
                where: str = "response") -> pa.Table:
    """Positions of a v2 API response (or a list of them), or of a readsb aircraft.json."""
    dropped = {} if dropped is None else dropped
    return _from_columns(json_columns(obj, "v2-api", where, dropped), synthetic, dropped)


def _csv_batches(source: Any, where: object = None, header: list[str] | None = None
                 ) -> Iterator[pa.RecordBatch]:
    # every column as text first: numbers are converted per column with empty = missing
    if header is None:
        header = _head(source).split(b"\n", 1)[0].decode("utf-8").strip().split(",")
    import pyarrow.csv as pcsv  # here: only CSV imports load Arrow's CSV reader

    try:
        reader = pcsv.open_csv(
            source, read_options=pcsv.ReadOptions(block_size=_BLOCK),
            convert_options=pcsv.ConvertOptions(
                column_types={c.strip().strip("\""): pa.string() for c in header}, strings_can_be_null=False))
        yield from reader
    except (pa.ArrowException, OSError) as exc:
        raise ImportFormatError(f"{where}: {exc}") from None


def _tabular(batches: Iterator[pa.RecordBatch], where: object, synthetic: bool,
             dropped: dict[str, int]) -> Iterator[pa.Table]:
    rows = 0
    for batch in batches:
        lay = layout_of(batch.schema.names)
        try:
            if lay is None:
                raise KeyError(", ".join(batch.schema.names[:8]))
            yield _from_columns(to_columns(batch, lay, synthetic, dropped), synthetic, dropped)
        except KeyError as exc:
            raise ImportFormatError(f"{where}: missing column {exc}") from None
        except ImportFormatError as exc:
            raise ImportFormatError(f"{where} rows {rows + 1}-{rows + batch.num_rows}: {exc}"
                                    ) from None
        except _DATA_ERRORS as exc:
            raise ImportFormatError(f"{where} rows {rows + 1}-{rows + batch.num_rows}: "
                                    f"malformed values ({exc})") from None
        rows += batch.num_rows


def _read_one(data_or_path: bytes | Path, fmt: str, where: str, synthetic: bool,
              dropped: dict[str, int], aircraft: list[dict[str, Any]],
              start: float | None = None) -> Iterator[pa.Table]:
    """Position tables of one file (a path, or a tar member's bytes)."""
    src: Any = pa.py_buffer(data_or_path) if isinstance(data_or_path, bytes) else data_or_path
    if fmt.endswith("-csv"):
        head = data_or_path[:4096] if isinstance(data_or_path, bytes) else _head(data_or_path)
        try:
            header = head.split(b"\n", 1)[0].decode("utf-8").strip().split(",")
        except UnicodeDecodeError as exc:
            raise ImportFormatError(f"{where} line 1: not UTF-8 text ({exc.reason})") from None
        yield from _tabular(_csv_batches(pa.BufferReader(src) if isinstance(src, pa.Buffer)
                                         else src, where, header), where, synthetic, dropped)
    elif fmt.endswith("-parquet"):
        try:
            pf = pq.ParquetFile(pa.BufferReader(src) if isinstance(src, pa.Buffer) else src)
            yield from _tabular(pf.iter_batches(batch_size=_PARQUET_BATCH), where, synthetic,
                                dropped)
        except ImportFormatError:
            raise
        except (*_DATA_ERRORS, OSError) as exc:
            raise ImportFormatError(f"{where}: not a readable Parquet file ({exc})") from None
    elif fmt == "beast":
        data = data_or_path if isinstance(data_or_path, bytes) else read_limited(data_or_path)[0]
        # a recording's end: the file's modification time (a tar member's as the tar kept it)
        end = (data_or_path.stat().st_mtime if isinstance(data_or_path, Path)
               else _TAR_MTIMES.pop(where, time.time()))
        yield _from_columns(beast_columns(data, where, dropped, end, start_time=start),
                            synthetic, dropped)
    elif fmt == "sbs":
        carry = SbsCarry()
        stream = pa.BufferReader(src) if isinstance(src, pa.Buffer) else src
        for batch in sbs_batches(stream, where, dropped):
            cols = sbs_columns(batch, carry, dropped)
            if cols is not None:
                yield _from_columns(cols, synthetic, dropped)
    elif fmt == "readsb-trace":
        data = data_or_path if isinstance(data_or_path, bytes) else read_limited(data_or_path)[0]
        obj = parse_json(data, where)
        named = trace_aircraft(obj)
        if named is not None:
            aircraft.append(named)
        yield _from_columns(json_columns(obj, fmt, where, dropped), synthetic, dropped)
    else:  # v2 API answers, aircraft.json: a poll file's lines in batches
        data = data_or_path if isinstance(data_or_path, bytes) else read_limited(data_or_path)[0]
        for obj in parse_json_batches(data, where):
            yield _from_columns(json_columns(obj, fmt, where, dropped), synthetic, dropped)


#: Modification times of tar members read (bytes have no stat): a Beast member's anchor.
_TAR_MTIMES: dict[str, float] = {}


def _members(p: Path) -> Iterator[tuple[str, bytes | Path]]:
    """The files of a folder (sorted, recursively) or of a tar (readsb globe_history)."""
    if p.is_dir():
        for f in sorted(x for x in p.rglob("*") if x.is_file() and not x.name.startswith(".")):
            yield str(f), f
        return
    import tarfile  # here: only tar imports load it (with bz2, lzma, shutil)

    limit = max_file_bytes()
    try:
        with tarfile.open(p, "r:*") as tar:
            _TAR_MTIMES.clear()  # only the tar being read
            for m in tar:
                if not m.isfile() or Path(m.name).name.startswith("."):
                    continue
                if m.size > limit:
                    raise ImportFormatError(f"{p}: member {m.name} is over the import limit "
                                            f"of {limit / 1e6:.0f} MB")
                fobj = tar.extractfile(m)
                if fobj is not None:  # regular members only: no links, no devices
                    _TAR_MTIMES[f"{p}:{m.name}"] = float(m.mtime)
                    yield f"{p}:{m.name}", fobj.read()
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise ImportFormatError(f"{p}: not a readable tar ({exc})") from None


def is_container(p: Path) -> bool:
    """A folder of position files, or a tar of them."""
    return p.is_dir() or (p.is_file() and p.name.lower().endswith(_TARS))


def source_sha256(path: str | Path) -> str:
    """The content hash :func:`read_adsb` stores an import under, without parsing anything:
    the file's SHA-256, or for a folder or tar, that of its members' names and contents."""
    p = Path(path)
    if not is_container(p):
        if not p.is_file():
            raise ImportFormatError(f"{p}: no such file")
        return _sha256(p)
    h = hashlib.sha256()
    for name, member in _members(p):
        h.update(name.encode() + b"\0")
        h.update(member if isinstance(member, bytes) else _sha256(member).encode())
    return h.hexdigest()


class AdsbStream:
    """Positions of a file (or a folder, or a tar) in batches, as they are read: at most one
    block (16 MB of CSV, a Parquet batch of 1 M rows, one JSON or Beast file) is held at a
    time. What was dropped, the aircraft named in readsb trace headers and the formats seen
    fill in as :meth:`batches` runs; once it is exhausted, reading nothing is an error.

    ``start`` (Beast only): the UTC time of the recording's first frame; without it the last
    frame is put at the file's modification time (a recording's end), and :attr:`warnings`
    says which anchor was used.
    """

    def __init__(self, path: str | Path, *, fmt: str | None = None, synthetic: bool = False,
                 start: float | None = None, sha256: str | None = None) -> None:
        if fmt is not None and fmt not in FORMATS:
            raise ImportFormatError(f"unknown ADS-B format {fmt!r} (choose from "
                                    f"{', '.join(FORMATS)})")
        self.path, self.fmt, self.synthetic, self.start = Path(path), fmt, synthetic, start
        self.container = is_container(self.path)
        self.formats: set[str] = set() if self.container else {fmt or detect_format(self.path)}
        self.dropped: dict[str, int] = {}
        self.aircraft: list[dict[str, Any]] = []
        self.files = 0
        self.rows = 0
        self._sha = sha256  # known already (source_sha256), or computed when asked

    @property
    def format(self) -> str:
        return "+".join(sorted(self.formats))

    @property
    def sha256(self) -> str:
        """The content hash (:func:`source_sha256`), known before or after reading."""
        if self._sha is None:
            self._sha = source_sha256(self.path)
        return self._sha

    def batches(self) -> Iterator[pa.Table]:
        """Position tables (:data:`POSITION_SCHEMA`, not yet cleaned), one per block read."""
        p = self.path
        if not self.container:
            self.files = 1
            for part in _read_one(p, self.format, str(p), self.synthetic, self.dropped,
                                  self.aircraft, self.start):
                if part.num_rows:
                    self.rows += part.num_rows
                    yield part
        else:
            h = hashlib.sha256()
            for name, member in _members(p):
                raw = member if isinstance(member, bytes) else None
                if name.lower().endswith(".parquet"):
                    f = self.fmt or (_parquet_format(member) if isinstance(member, Path) else
                                     _parquet_bytes_format(member, name))  # type: ignore[arg-type]
                else:
                    head = _unzip_head(raw[:4096], name) if raw is not None else _head(member)  # type: ignore[arg-type]
                    if raw is not None and raw[:2] == b"\x1f\x8b":
                        head = _unzip_head(raw, name)
                    f = self.fmt or _format_of(head, name, name)
                if f == "beast" and self.start is not None and "beast" in self.formats:
                    raise ImportFormatError(f"{p}: --start gives one recording's start, and "
                                            "this holds several Beast files: import them one "
                                            "by one")
                self.formats.add(f)
                self.files += 1
                h.update(name.encode() + b"\0")
                h.update(raw if raw is not None else _sha256(member).encode())  # type: ignore[arg-type]
                for part in _read_one(member, f, name, self.synthetic, self.dropped,
                                      self.aircraft, self.start):
                    if part.num_rows:
                        self.rows += part.num_rows
                        yield part
            if self.files == 0:
                raise ImportFormatError(f"{p}: no files to import")
            self._sha = h.hexdigest()
        if self.rows == 0:
            why = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in sorted(self.dropped.items()))
            raise ImportFormatError(f"{p} ({self.format}): no positions read"
                                    + (f" ({why})" if why else " (the file holds no position rows)"))

    @property
    def warnings(self) -> list[str]:
        p = self.path
        out = [f"{p}: {v} rows: {k.replace('_', ' ')}" for k, v in sorted(self.dropped.items())]
        if "sbs" in self.format:
            out.append(f"{p}: SBS times carry no zone; read as UTC")
        if "beast" in self.format:
            out.append(f"{p}: Beast carries a receiver counter, not a clock: times anchored "
                       + ("so that the first frame falls at the given start, "
                          f"{_iso(self.start)}" if self.start is not None else
                          "so that the last frame falls at the file's modification time "
                          "(give --start for the recording's real start)"))
        return out


def _iso(t: float) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(t, dt.UTC).isoformat().replace("+00:00", "Z")


def _parquet_bytes_format(data: bytes, name: str) -> str:
    try:
        lay = layout_of(pq.read_schema(pa.BufferReader(data)).names)
    except (*_DATA_ERRORS, OSError) as exc:
        raise ImportFormatError(f"{name}: not a readable Parquet file ({exc})") from None
    if lay is None:
        raise ImportFormatError(f"{name}: Parquet columns are none of the known layouts")
    return f"{lay.name}-parquet"


def read_adsb(path: str | Path, *, fmt: str | None = None, synthetic: bool = False,
              start: float | None = None) -> AdsbRead:
    """Read a positions file of any supported format (``fmt`` or detected), a folder of such
    files, or a tar of them (readsb ``globe_history``), whole. Reading nothing is an error.
    (Imports stream instead: :class:`AdsbStream`.)"""
    stream = AdsbStream(path, fmt=fmt, synthetic=synthetic, start=start)
    parts = list(stream.batches())
    try:
        table = pa.concat_tables(parts) if parts else POSITION_SCHEMA.empty_table()
    except pa.ArrowException as exc:  # batches whose columns disagree
        raise ImportFormatError(f"{stream.path}: malformed values ({exc})") from None
    return AdsbRead(stream.path, stream.format, stream.sha256, table, stream.dropped,
                    stream.warnings, stream.aircraft, stream.files)
