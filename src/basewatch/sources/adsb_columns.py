"""Column layouts of tabular ADS-B files (CSV and Parquet) and their conversion to positions.

Three layouts, recognised by their column names whatever the container:

* ``opensky``: OpenSky historical state vectors (``time, icao24, lat, lon, velocity`` m/s,
  ``heading``, ``baroaltitude`` m, ``onground``, ``callsign``): what its Impala shell and
  ``pyopensky`` give.
* ``traffic``: the `traffic` library's own layout (``timestamp, icao24, latitude, longitude,
  altitude`` ft, ``groundspeed`` kt, ``track``, ``vertical_rate``, ``onground``,
  ``callsign``): what ``Traffic.to_parquet`` and its sample flights hold.
* ``plain``: basewatch's own (``time, hex, lat, lon, alt_ft, gs_kt, track, on_ground,
  callsign[, synthetic]``).

Times may be epoch seconds, epoch milliseconds, ISO 8601 text with a zone, or a timestamp
column with a zone (pandas, pyopensky and traffic write ``timestamp[ns|us, tz=UTC]``); a
timestamp column without a zone is refused, as is text without one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from basewatch.analysis.arrow_np import arrow_of, numpy_of, scalar_of, strings_of
from basewatch.errors import ImportFormatError

__all__ = ["LAYOUTS", "MS_THRESHOLD", "T_MAX", "Layout", "layout_of", "times", "to_columns"]

FT_PER_M = 1 / 0.3048
KT_PER_MS = 3600.0 / 1852.0
MS_THRESHOLD = 1e11  # epoch seconds reach 1e11 in the year 5138; milliseconds passed it in 1973
T_MAX = 4102444800.0  # 2100-01-01: later times are malformed (datetimes overflow beyond)


@dataclass(frozen=True)
class Layout:
    """Which column holds what, and the factors to feet and knots."""

    name: str
    time: str
    hex: str
    lat: str
    lon: str
    alt: str
    alt_factor: float
    gs: str
    gs_factor: float
    track: str
    on_ground: str
    callsign: str = "callsign"

    @property
    def required(self) -> set[str]:
        return {self.time, self.hex, self.lat, self.lon}


LAYOUTS = (
    Layout("opensky", "time", "icao24", "lat", "lon", "baroaltitude", FT_PER_M, "velocity",
           KT_PER_MS, "heading", "onground"),
    Layout("traffic", "timestamp", "icao24", "latitude", "longitude", "altitude", 1.0,
           "groundspeed", 1.0, "track", "onground"),
    Layout("plain", "time", "hex", "lat", "lon", "alt_ft", 1.0, "gs_kt", 1.0, "track",
           "on_ground"),
)


def layout_of(names: Sequence[str]) -> Layout | None:
    """The layout whose required columns are all present (names compared lower-case)."""
    have = {n.strip().strip("\"").strip().lower() for n in names}
    for lay in LAYOUTS:
        if lay.required <= have:
            return lay
    return None


def times(values: Any, dropped: dict[str, int]) -> np.ndarray:
    """Epoch seconds from a timestamp column (with a zone), epoch s/ms numbers or ISO 8601
    text with a zone; NaN where a value is missing or malformed."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array) and pa.types.is_timestamp(values.type):
        if values.type.tz is None:
            raise ImportFormatError("time: a timestamp column without a time zone (write it "
                                    "as UTC, e.g. pandas tz_localize('UTC'))")
        us = pc.cast(pc.cast(values, pa.timestamp("us", tz="UTC")), pa.int64())
        return np.asarray(numpy_of(us), float) / 1e6
    if isinstance(values, pa.Array) and pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    if isinstance(values, pa.Array) and (pa.types.is_string(values.type)
                                         or pa.types.is_large_string(values.type)):
        values = pc.utf8_trim_whitespace(pc.cast(values, pa.string()))
        num_mask = numpy_of(pc.match_substring_regex(values, r"^[0-9]+(\.[0-9]*)?$"),
                            null=False)
        out = np.full(len(values), np.nan)
        if num_mask.any():
            out[num_mask] = np.asarray(numpy_of(pc.cast(pc.filter(values, arrow_of(num_mask)),
                                                        pa.float64())), float)
        text_mask = ~num_mask & numpy_of(pc.not_equal(values, scalar_of("", values.type)),
                                         null=False)
        if text_mask.any():
            text = pc.filter(values, arrow_of(text_mask))
            try:  # microseconds, or nanoseconds as pandas writes them
                ts, scale = pc.cast(text, pa.timestamp("us", tz="UTC")), 1e6
            except pa.ArrowInvalid:
                try:
                    ts, scale = pc.cast(text, pa.timestamp("ns", tz="UTC")), 1e9
                except pa.ArrowInvalid as exc:
                    raise ImportFormatError(f"time: {exc} (times are epoch seconds, epoch "
                                            "milliseconds, or ISO 8601 with a zone such as Z)"
                                            ) from None
            out[text_mask] = np.asarray(numpy_of(ts.cast(pa.int64())), float) / scale
        values = out
    if isinstance(values, pa.Array):
        values = numpy_of(pc.cast(values, pa.float64()))
    t = np.asarray(values, dtype=float)
    ms = t > MS_THRESHOLD
    if ms.any():
        dropped["milliseconds_converted"] = dropped.get("milliseconds_converted", 0) + int(ms.sum())
        t = np.where(ms, t / 1000.0, t)
    return t


def _col(batch: pa.RecordBatch | pa.Table, name: str) -> Any:
    names = {n.strip().lower(): n for n in batch.schema.names}
    col = batch.column(names[name]) if name in names else None
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    if col is not None and pa.types.is_dictionary(col.type):
        col = col.dictionary_decode()
    return col


def _num(batch: pa.RecordBatch | pa.Table, name: str) -> np.ndarray:
    col = _col(batch, name)
    if col is None:
        return np.full(batch.num_rows, np.nan)
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        col = pc.cast(pc.if_else(pc.equal(col, scalar_of("", col.type)),
                                 scalar_of(None, col.type), col), pa.float64())
    return np.asarray(numpy_of(pc.cast(col, pa.float64())), dtype=float)


def _bool(col: Any, n: int) -> pa.Array:
    if col is None:
        return pa.nulls(n, pa.bool_())
    if pa.types.is_boolean(col.type):
        return col
    s = pc.utf8_lower(pc.cast(col, pa.string()))
    yes, no = scalar_of(True, pa.bool_()), scalar_of(False, pa.bool_())
    return pc.if_else(pc.is_in(s, strings_of(["true", "1", "t", "yes"])), yes,
                      pc.if_else(pc.is_in(s, strings_of(["false", "0", "f", "no"])), no,
                                 scalar_of(None, pa.bool_())))


def _text(col: Any, n: int) -> pa.Array:
    return pa.nulls(n, pa.string()) if col is None else pc.cast(col, pa.string())


def to_columns(batch: pa.RecordBatch | pa.Table, layout: Layout, synthetic: bool,
               dropped: dict[str, int]) -> dict[str, Any]:
    """The position columns of one batch (see ``basewatch.sources.adsb.make_table``)."""
    n = batch.num_rows
    syn_col = _col(batch, "synthetic") if layout.name == "plain" else None
    syn = (pc.fill_null(_bool(syn_col, n), scalar_of(False, pa.bool_())) if syn_col is not None
           else arrow_of(np.full(n, synthetic)))
    return {"t": times(_col(batch, layout.time), dropped), "hex": _text(_col(batch, layout.hex), n),
            "lat": _num(batch, layout.lat), "lon": _num(batch, layout.lon),
            "alt_ft": _num(batch, layout.alt) * layout.alt_factor,
            "gs_kt": _num(batch, layout.gs) * layout.gs_factor,
            "track": _num(batch, layout.track),
            "on_ground": _bool(_col(batch, layout.on_ground), n),
            "callsign": _text(_col(batch, layout.callsign), n), "synthetic": syn}
