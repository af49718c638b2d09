"""ADS-B positions from the files people have, as a Parquet-ready table.

Formats (see docs/flights.md): OpenSky historical state vectors (CSV or Parquet), readsb /
tar1090 ``trace_full_<hex>.json``, adsb.lol / ADS-B Exchange v2 API responses (``{"ac": [...]}``,
one object, a list of them, or one per line as ``flights poll`` writes), and a plain CSV.
CSV and Parquet are streamed in batches; JSON is size-limited and read whole. Rows with a
malformed address or time are counted and dropped, never silently kept.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from basewatch.analysis.flights import KNOTS, POSITION_SCHEMA
from basewatch.errors import ImportFormatError
from basewatch.sources._common import max_file_bytes, read_limited

__all__ = ["FORMATS", "AdsbRead", "detect_format", "read_adsb", "v2_to_table"]

FORMATS = ("opensky-csv", "opensky-parquet", "readsb-trace", "v2-api", "plain-csv")
FT_PER_M = 1 / 0.3048
_MS_THRESHOLD = 1e11  # epoch seconds reach 1e11 in the year 5138; milliseconds passed it in 1973
_BLOCK = 16 << 20  # CSV block size for streaming
#: Times outside [1970, 2100) are malformed (counted and dropped): beyond them datetimes overflow.
_T_MAX = 4102444800.0
#: Errors of pyarrow and of numbers in malformed data, turned into ImportFormatError per file.
_DATA_ERRORS = (pa.ArrowException, ValueError, TypeError, OverflowError, KeyError)


@dataclass
class AdsbRead:
    """Positions read from one file, before cleaning, with what was dropped and why."""

    path: Path
    format: str
    sha256: str
    table: pa.Table
    dropped: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _head(path: Path, n: int = 4096) -> bytes:
    with path.open("rb") as f:
        data = f.read(n)
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as g:
                data = g.read(n)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise ImportFormatError(f"{path}: truncated or damaged gzip ({exc})") from None
    return data


def detect_format(path: str | Path) -> str:
    """The format of a positions file, from its name and first bytes."""
    p = Path(path)
    if not p.is_file():
        raise ImportFormatError(f"{p}: no such file")
    if p.suffix.lower() == ".parquet":
        return "opensky-parquet"
    head = _head(p).lstrip()
    if head[:1] in (b"{", b"["):
        text = head.decode("utf-8", "replace")
        if '"trace"' in text:
            return "readsb-trace"
        return "v2-api"
    first = head.split(b"\n", 1)[0].decode("utf-8", "replace").lower()
    cols = {c.strip() for c in first.split(",")}
    if {"icao24", "lat", "lon", "time"} <= cols:
        return "opensky-csv"
    if {"time", "hex", "lat", "lon"} <= cols:
        return "plain-csv"
    raise ImportFormatError(f"{p}: not a known ADS-B format (first line {first[:80]!r}); "
                            f"expected one of {', '.join(FORMATS)}")


def _times(values: pa.Array | np.ndarray, dropped: dict[str, int]) -> np.ndarray:
    """Epoch seconds from epoch s/ms numbers or ISO 8601 strings with a zone; NaN if bad."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)) and pa.types.is_string(values.type):
        values = pc.utf8_trim_whitespace(values)
        numeric = pc.fill_null(pc.match_substring_regex(values, r"^[0-9]+(\.[0-9]*)?$"), False)
        out = np.full(len(values), np.nan)
        num_mask = np.asarray(numeric.to_numpy(zero_copy_only=False), bool)
        if num_mask.any():
            out[num_mask] = np.asarray(pc.cast(pc.filter(values, numeric), pa.float64())
                                       .to_numpy(zero_copy_only=False), float)
        text_mask = ~num_mask & np.asarray(pc.fill_null(pc.not_equal(values, ""), False)
                                           .to_numpy(zero_copy_only=False), bool)
        if text_mask.any():
            try:
                ts = pc.cast(pc.filter(values, pa.array(text_mask)), pa.timestamp("us", tz="UTC"))
            except pa.ArrowInvalid as exc:
                raise ImportFormatError(f"time: {exc} (times are epoch seconds, epoch "
                                        "milliseconds, or ISO 8601 with a zone such as Z)") from None
            out[text_mask] = np.asarray(ts.cast(pa.int64()).to_numpy(zero_copy_only=False),
                                        float) / 1e6
        values = out
    t = np.asarray(values.to_numpy(zero_copy_only=False) if hasattr(values, "to_numpy")
                   else values, dtype=float)
    ms = t > _MS_THRESHOLD
    if ms.any():
        dropped["milliseconds_converted"] = dropped.get("milliseconds_converted", 0) + int(ms.sum())
        t = np.where(ms, t / 1000.0, t)
    return t


def _table(t: np.ndarray, hexes: Any, lat: Any, lon: Any, alt_ft: Any, gs_kt: Any,
           track: Any, on_ground: Any, callsign: Any, synthetic: Any,
           dropped: dict[str, int]) -> pa.Table:
    n = len(t)
    hex_arr = pc.utf8_lower(pc.utf8_trim_whitespace(pa.array(hexes, pa.string())))
    good = pc.fill_null(pc.match_substring_regex(hex_arr, r"^[0-9a-f]{6}$"), False)
    good = pc.and_(good, pa.array(np.isfinite(t) & (t >= 0) & (t < _T_MAX)))
    bad_hex = n - pc.sum(pc.cast(good, pa.int64())).as_py() if n else 0
    if bad_hex:
        dropped["bad_address_or_time"] = dropped.get("bad_address_or_time", 0) + int(bad_hex)

    def f(x: Any) -> pa.Array:
        return pa.array(np.asarray(x, dtype=float), pa.float64(), from_pandas=True)

    tab = pa.table({
        "time": pa.array((np.clip(np.nan_to_num(t), 0, _T_MAX) * 1e6).astype(np.int64),
                         pa.int64()).cast(
            pa.timestamp("us", tz="UTC")),
        "hex": hex_arr, "lat": f(lat), "lon": f(lon), "alt_ft": f(alt_ft), "gs_kt": f(gs_kt),
        "track_deg": f(track), "on_ground": pa.array(on_ground, pa.bool_()),
        "callsign": pc.utf8_trim_whitespace(pa.array(callsign, pa.string())),
        "synthetic": pa.array(synthetic, pa.bool_()),
    }, schema=POSITION_SCHEMA)
    return tab.filter(good)


def _bool(col: pa.Array) -> pa.Array:
    if pa.types.is_boolean(col.type):
        return col
    s = pc.utf8_lower(pc.cast(col, pa.string()))
    return pc.if_else(pc.is_in(s, pa.array(["true", "1", "t", "yes"])), True,
                      pc.if_else(pc.is_in(s, pa.array(["false", "0", "f", "no"])), False, None))


def _num(batch: pa.RecordBatch | pa.Table, name: str) -> np.ndarray:
    if name not in batch.schema.names:
        return np.full(batch.num_rows, np.nan)
    col = batch.column(name)
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        col = pc.cast(pc.if_else(pc.equal(col, ""), None, col), pa.float64())
    return np.asarray(pc.cast(col, pa.float64()).to_numpy(zero_copy_only=False), dtype=float)


def _opensky(batch: pa.RecordBatch | pa.Table, synthetic: bool, dropped: dict[str, int]) -> pa.Table:
    n = batch.num_rows
    t = _times(batch.column("time"), dropped)
    names = batch.schema.names
    og = _bool(batch.column("onground")) if "onground" in names else pa.nulls(n, pa.bool_())
    cs = batch.column("callsign") if "callsign" in names else pa.nulls(n, pa.string())
    return _table(t, batch.column("icao24"), _num(batch, "lat"), _num(batch, "lon"),
                  _num(batch, "baroaltitude") * FT_PER_M, _num(batch, "velocity") / KNOTS,
                  _num(batch, "heading"), og, pc.cast(cs, pa.string()), [synthetic] * n, dropped)


def _plain(batch: pa.RecordBatch | pa.Table, synthetic: bool, dropped: dict[str, int]) -> pa.Table:
    n = batch.num_rows
    names = batch.schema.names
    t = _times(batch.column("time"), dropped)
    og = _bool(batch.column("on_ground")) if "on_ground" in names else pa.nulls(n, pa.bool_())
    cs = batch.column("callsign") if "callsign" in names else pa.nulls(n, pa.string())
    syn = (pc.fill_null(_bool(batch.column("synthetic")), False) if "synthetic" in names
           else pa.array([synthetic] * n))
    return _table(t, batch.column("hex"), _num(batch, "lat"), _num(batch, "lon"),
                  _num(batch, "alt_ft"), _num(batch, "gs_kt"), _num(batch, "track"), og,
                  pc.cast(cs, pa.string()), syn, dropped)


def _csv_batches(path: Path) -> Iterator[pa.RecordBatch]:
    # every column as text first: numbers are converted per column with empty = missing
    try:
        try:
            header = _head(path).split(b"\n", 1)[0].decode("utf-8").strip().split(",")
        except UnicodeDecodeError as exc:
            raise ImportFormatError(f"{path} line 1: not UTF-8 text ({exc.reason})") from None
        reader = pcsv.open_csv(
            path, read_options=pcsv.ReadOptions(block_size=_BLOCK),
            convert_options=pcsv.ConvertOptions(
                column_types={c.strip(): pa.string() for c in header}, strings_can_be_null=False))
        yield from reader
    except (pa.ArrowException, OSError) as exc:
        raise ImportFormatError(f"{path}: {exc}") from None


def _load_json(path: Path) -> Any:
    data, _ = read_limited(path)
    if data[:2] == b"\x1f\x8b":
        limit = max_file_bytes()
        try:  # read at most the import limit: a small gzip can expand to gigabytes
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as g:
                data = g.read(limit + 1)
        except (OSError, EOFError) as exc:
            raise ImportFormatError(f"{path}: truncated or damaged gzip ({exc})") from None
        if len(data) > limit:
            raise ImportFormatError(f"{path}: unpacks to over the import limit of "
                                    f"{limit / 1e6:.0f} MB (set BASEWATCH_MAX_IMPORT_MB)")
    text = data.decode("utf-8", "replace")
    try:
        return json.loads(text)
    except json.JSONDecodeError as first:
        err = first
    except RecursionError:
        raise ImportFormatError(f"{path}: JSON nested too deeply") from None
    if text.lstrip().startswith("{") and "\n{" in text:  # one response per line
        try:
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as line_err:
            err = line_err
        except RecursionError:
            raise ImportFormatError(f"{path}: JSON nested too deeply") from None
    end = " (the file ends early: truncated?)" if err.pos >= len(text.rstrip()) - 1 else ""
    raise ImportFormatError(f"{path} line {err.lineno} column {err.colno}: invalid JSON: "
                            f"{err.msg}{end}")


def _number(x: Any) -> float:
    """A JSON number as float; NaN for anything else (text, null, booleans, overflow)."""
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        try:
            return float(x)
        except OverflowError:  # an integer of hundreds of digits
            return math.nan
    return math.nan


def _text(x: Any) -> str | None:
    return x if isinstance(x, str) else None


def _trace(path: Path, obj: Any, synthetic: bool, dropped: dict[str, int]) -> pa.Table:
    if not isinstance(obj, dict) or not isinstance(obj.get("trace"), list) \
            or "timestamp" not in obj:
        raise ImportFormatError(f"{path}: a readsb trace needs 'icao', 'timestamp' and a "
                                "'trace' list")
    t0 = _number(obj["timestamp"])
    if not math.isfinite(t0):
        raise ImportFormatError(f"{path}: timestamp {str(obj['timestamp'])[:40]!r} is not a "
                                "number")
    if t0 > _MS_THRESHOLD:
        t0 /= 1000.0
        dropped["milliseconds_converted"] = dropped.get("milliseconds_converted", 0) + 1
    rows = [r for r in obj["trace"] if isinstance(r, list) and len(r) >= 6]
    if len(rows) != len(obj["trace"]):
        dropped["malformed_trace_points"] = len(obj["trace"]) - len(rows)
    n = len(rows)

    num = _number
    callsigns = [_text(r[8].get("flight")) if len(r) > 8 and isinstance(r[8], dict) else None
                 for r in rows]
    return _table(np.array([t0 + num(r[0]) for r in rows]), [_text(obj.get("icao")) or ""] * n,
                  [num(r[1]) for r in rows], [num(r[2]) for r in rows],
                  [num(r[3]) for r in rows], [num(r[4]) for r in rows],
                  [num(r[5]) for r in rows], [r[3] == "ground" for r in rows], callsigns,
                  [synthetic] * n, dropped)


def v2_to_table(obj: Any, *, synthetic: bool = False, dropped: dict[str, int] | None = None,
                where: str = "response") -> pa.Table:
    """Positions of a v2 API response (or a list of them): one row per aircraft with a position."""
    dropped = {} if dropped is None else dropped
    responses = obj if isinstance(obj, list) else [obj]
    t: list[float] = []
    cols: dict[str, list[Any]] = {k: [] for k in ("hex", "lat", "lon", "alt", "gs", "track", "og", "cs")}
    for r in responses:
        if not isinstance(r, dict) or not isinstance(r.get("ac"), list) or "now" not in r:
            raise ImportFormatError(f"{where}: a v2 API response needs 'now' and an 'ac' array")
        now = _number(r["now"])
        if not math.isfinite(now):
            raise ImportFormatError(f"{where}: 'now' {str(r['now'])[:40]!r} is not a number")
        now = now / 1000.0 if now > _MS_THRESHOLD else now  # 'now' is in ms in v2
        for i, a in enumerate(r["ac"]):
            if not isinstance(a, dict):
                raise ImportFormatError(f"{where}: aircraft {i} of 'ac' is not an object")
            lat, lon = _number(a.get("lat")), _number(a.get("lon"))
            if math.isnan(lat) or math.isnan(lon):
                dropped["no_position"] = dropped.get("no_position", 0) + 1
                continue
            alt = a.get("alt_baro")
            seen = a.get("seen_pos", a.get("seen", 0.0))
            t.append(now - (0.0 if seen is None else _number(seen)))
            cols["hex"].append(_text(a.get("hex")) or "")
            cols["lat"].append(lat)
            cols["lon"].append(lon)
            cols["alt"].append(_number(alt))
            cols["gs"].append(_number(a.get("gs")))
            cols["track"].append(_number(a.get("track")))
            cols["og"].append(True if alt == "ground" else (False if alt is not None else None))
            cols["cs"].append(_text(a.get("flight")))
    n = len(t)
    return _table(np.array(t, dtype=float), cols["hex"], cols["lat"], cols["lon"], cols["alt"],
                  cols["gs"], cols["track"], cols["og"], cols["cs"], [synthetic] * n, dropped)


def read_adsb(path: str | Path, *, fmt: str | None = None, synthetic: bool = False) -> AdsbRead:
    """Read a positions file of any supported format (``fmt`` or detected)."""
    p = Path(path)
    fmt = fmt or detect_format(p)
    if fmt not in FORMATS:
        raise ImportFormatError(f"unknown ADS-B format {fmt!r} (choose from {', '.join(FORMATS)})")
    dropped: dict[str, int] = {}
    parts: list[pa.Table] = []
    if fmt in ("opensky-csv", "plain-csv"):
        conv = _opensky if fmt == "opensky-csv" else _plain
        rows = 0
        for batch in _csv_batches(p):
            try:
                parts.append(conv(batch, synthetic, dropped))
            except KeyError as exc:
                raise ImportFormatError(f"{p}: missing column {exc}") from None
            except ImportFormatError as exc:
                raise ImportFormatError(f"{p} rows {rows + 1}-{rows + batch.num_rows}: {exc}"
                                        ) from None
            except _DATA_ERRORS as exc:
                raise ImportFormatError(f"{p} rows {rows + 1}-{rows + batch.num_rows}: "
                                        f"malformed values ({exc})") from None
            rows += batch.num_rows
    elif fmt == "opensky-parquet":
        try:
            pf = pq.ParquetFile(p)
            rows = 0
            for batch in pf.iter_batches(batch_size=1 << 20):
                try:
                    parts.append(_opensky(batch, synthetic, dropped))
                except KeyError as exc:
                    raise ImportFormatError(f"{p}: missing column {exc}") from None
                except ImportFormatError as exc:
                    raise ImportFormatError(f"{p} rows {rows + 1}-{rows + batch.num_rows}: {exc}"
                                            ) from None
                rows += batch.num_rows
        except ImportFormatError:
            raise
        except (*_DATA_ERRORS, OSError) as exc:
            raise ImportFormatError(f"{p}: not a readable OpenSky Parquet file ({exc})") from None
    elif fmt == "readsb-trace":
        parts.append(_trace(p, _load_json(p), synthetic, dropped))
    else:
        parts.append(v2_to_table(_load_json(p), synthetic=synthetic, dropped=dropped, where=str(p)))
    try:
        table = pa.concat_tables(parts) if parts else POSITION_SCHEMA.empty_table()
    except pa.ArrowException as exc:  # batches whose columns disagree
        raise ImportFormatError(f"{p}: malformed values ({exc})") from None
    warnings = [f"{p}: {v} rows: {k.replace('_', ' ')}" for k, v in sorted(dropped.items())]
    return AdsbRead(p, fmt, _sha256(p), table, dropped, warnings)
