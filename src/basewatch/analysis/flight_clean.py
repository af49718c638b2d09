"""Cleaning positions: the position schema, bad coordinates, duplicates, order, teleports,
and tracks cut at gaps (pure, vectorised; re-exported by :mod:`basewatch.analysis.flights`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from basewatch.analysis.arrow_np import arrow_of, numpy_of, take_column
from basewatch.analysis.geodesy import distance_m, step_bound_m

__all__ = ["POSITION_SCHEMA", "CleanReport", "clean_positions", "segment_ids"]

#: The columns every importer produces. NaN / null mean "not reported".
POSITION_SCHEMA = pa.schema([
    ("time", pa.timestamp("us", tz="UTC")),
    ("hex", pa.string()),
    ("lat", pa.float64()),
    ("lon", pa.float64()),
    ("alt_ft", pa.float64()),
    ("gs_kt", pa.float64()),
    ("track_deg", pa.float64()),
    ("on_ground", pa.bool_()),
    ("callsign", pa.string()),
    ("synthetic", pa.bool_()),
])

KNOTS = 1852.0 / 3600.0  # m/s per knot
_CHUNK = 1 << 20  # positions per block in the teleport check


@dataclass(frozen=True)
class CleanReport:
    """What cleaning removed, by fault; ``kept`` rows go on."""

    rows_in: int
    kept: int
    bad_coordinates: int
    duplicates: int
    out_of_order: int  # counted, then fixed by sorting: those rows are kept
    teleports: int

    def to_dict(self) -> dict[str, int]:
        return {"rows_in": self.rows_in, "kept": self.kept, "bad_coordinates": self.bad_coordinates,
                "duplicates": self.duplicates, "out_of_order": self.out_of_order,
                "teleports": self.teleports}


def _np(table: pa.Table, name: str) -> NDArray[Any]:
    col = table.column(name)
    if name == "time":
        return np.asarray(numpy_of(col.cast(pa.int64()))) / 1e6
    if name == "on_ground":  # 1.0 / 0.0 / NaN (unknown)
        return np.asarray(numpy_of(col.cast(pa.float64())), dtype=float)
    if name == "hex":
        return np.asarray(numpy_of(col), dtype=object)
    return np.asarray(numpy_of(col), dtype=float)


def _release() -> None:
    """Give memory Arrow's allocator keeps for reuse back to the system: at 10 M positions
    its idle blocks are hundreds of MB, the margin between fitting in 2 GiB or not."""
    pa.default_memory_pool().release_unused()


def _codes(table: pa.Table) -> NDArray[np.int32]:
    """An integer per aircraft (dictionary codes, int32 as Arrow makes them): cheaper than
    millions of Python strings, and half the memory of int64 at 10 M positions."""
    if table.num_rows == 0:
        return np.zeros(0, np.int32)
    enc = pc.dictionary_encode(table.column("hex")).combine_chunks()
    return np.asarray(numpy_of(enc.indices), dtype=np.int32)


def _aircraft_runs(table: pa.Table) -> NDArray[np.int32]:
    """A number per row that changes exactly where the aircraft differs from the previous
    row's: all :func:`segment_ids` compares. Neighbouring addresses compared as text, ~15x
    cheaper than hashing every address into dictionary codes (which compare alike)."""
    n = table.num_rows
    new = np.zeros(n, bool)
    if n > 1:
        h = table.column("hex").combine_chunks()
        new[1:] = numpy_of(pc.not_equal(h.slice(1), h.slice(0, n - 1)), null=True)
    return np.cumsum(new, dtype=np.int32) if n < 2**31 else np.cumsum(new)


def _by_code_then_time(codes: NDArray[Any], t: NDArray[Any]) -> NDArray[np.intp]:
    """``np.lexsort((t, codes))`` in two stable passes: by time (feeds arrive nearly in time
    order, which the stable sort's runs exploit), then by aircraft code (as 16-bit keys a
    radix sort when there are fewer than 65,536 aircraft). Stable sorts give one order: the
    same permutation as ``lexsort``, about half the time."""
    by_t = np.argsort(t, kind="stable")
    return by_t[_by_code(codes[by_t])]


def _by_code(codes: NDArray[Any]) -> NDArray[np.intp]:
    """``np.argsort(codes, kind="stable")`` by the faster of numpy's two stable sorts for the
    input: its timsort on rows already grouped by aircraft (a file in flight order: ~3 ms per
    million), its radix sort of 16-bit keys on interleaved aircraft (a feed in time order:
    ~10 ms per million where the timsort takes ~55). Stable sorts give one permutation."""
    n = len(codes)
    if n > 1 and np.count_nonzero(codes[1:] != codes[:-1]) * 16 < n:
        return np.argsort(codes, kind="stable")
    if n and int(codes.max()) < 65536 and int(codes.min()) >= 0:
        return np.argsort(codes.astype(np.uint16), kind="stable")
    return np.argsort(codes, kind="stable")


def _speed_kt(lon: NDArray[Any], lat: NDArray[Any], t: NDArray[Any], same: NDArray[Any],
              limit_kt: float) -> NDArray[Any]:
    """Implied speed from each point to the next (NaN across aircraft); length n-1, exact
    (geodesic) where it may exceed ``limit_kt``, elsewhere only bounded from above: a bound
    under the limit says all that cleaning asks.

    Screened with :func:`~basewatch.analysis.geodesy.step_bound_m` (an upper bound of each
    step's geodesic length, no trigonometry); the steps it cannot clear are measured exactly
    on the ellipsoid, so the comparison with the limit is geodesic.
    """
    v = step_bound_m(lon, lat) if len(lon) > 1 else np.zeros(0)
    inv_dt = np.diff(t)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv_dt[inv_dt <= 0] = np.nan
        np.divide(1.0 / KNOTS, inv_dt, out=inv_dt)  # in place: large arrays, few copies
        v *= inv_dt
        # (the margin only covers the bound's own rounding, ~1e-16 of it)
        maybe = np.flatnonzero(v > limit_kt * (1 - 1e-9))  # NaN compares False
        if len(maybe):
            v[maybe] = np.asarray(distance_m(lon[maybe], lat[maybe], lon[maybe + 1],
                                             lat[maybe + 1])) * inv_dt[maybe]
    v[~same] = np.nan
    return v


def clean_positions(table: pa.Table, *, max_speed_kt: float = 1200.0) -> tuple[pa.Table, CleanReport]:
    """Drop impossible coordinates, duplicates and teleports; sort by aircraft and time.

    A teleport is a position whose implied speed from its neighbours exceeds ``max_speed_kt``
    on both sides (or on its only side, when the neighbour itself agrees with the track).
    Out-of-order rows are counted and kept (sorted). Duplicates (same aircraft and time) keep
    the first row.
    """
    n0 = table.num_rows
    lat, lon = _np(table, "lat"), _np(table, "lon")
    ok = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    ok &= ~((lat == 0) & (lon == 0))  # (0, 0): a receiver's placeholder, not a position
    bad_coords = int((~ok).sum())
    del lat, lon  # read again in sorted order below: not held through the sort
    if bad_coords:  # filtering copies the table: only when needed
        table = table.filter(arrow_of(ok))
    del ok
    t = _np(table, "time")
    codes = _codes(table)
    by_hex = _by_code(codes)
    c_h = codes[by_hex]
    same_h = c_h[1:] == c_h[:-1]
    del c_h
    out_of_order = int((same_h & (np.diff(t[by_hex]) < 0)).sum())
    del by_hex, same_h
    order = _by_code_then_time(codes, t)
    c_s, t_s = codes[order], t[order]
    dup = np.zeros(len(order), bool)
    dup[1:] = (c_s[1:] == c_s[:-1]) & (t_s[1:] == t_s[:-1])
    order = order[~dup]
    lon_s, lat_s = take_column(table, "lon", order), take_column(table, "lat", order)
    c_s, t_s = codes[order], t[order]
    del codes, t
    keep = np.ones(len(order), bool)
    teleports = 0
    for rnd in range(3):  # a spike removed may reveal another next to it
        idx = np.flatnonzero(keep)
        if len(idx) < 2:
            break
        if rnd == 0:  # nothing removed yet: views, not copies (10 M positions = 80 MB a column)
            x_lon, x_lat, x_t, x_c = lon_s, lat_s, t_s, c_s
        else:
            x_lon, x_lat, x_t, x_c = lon_s[idx], lat_s[idx], t_s[idx], c_s[idx]
        same = x_c[1:] == x_c[:-1]
        v = np.empty(len(same))
        for a in range(0, len(same), _CHUNK):  # chunks bound the temporaries' memory
            b = min(len(same), a + _CHUNK)
            v[a:b] = _speed_kt(x_lon[a:b + 1], x_lat[a:b + 1], x_t[a:b + 1], same[a:b],
                               max_speed_kt)
        del x_lon, x_lat, x_t, x_c, same
        nan_v = np.isnan(v)
        fast = np.nan_to_num(v, nan=-1.0, copy=False) > max_speed_kt
        del v
        prev_fast = np.r_[False, fast]
        next_fast = np.r_[fast, False]
        no_prev, no_next = np.r_[True, nan_v], np.r_[nan_v, True]
        prev_ok_beyond = np.r_[False, False, ~fast[:-1] & ~nan_v[:-1]] if len(fast) > 1 else np.zeros(len(idx), bool)
        next_ok_beyond = np.r_[~fast[1:] & ~nan_v[1:], False, False] if len(fast) > 1 else np.zeros(len(idx), bool)
        spike = (prev_fast & next_fast) | (no_prev & next_fast & next_ok_beyond) \
            | (no_next & prev_fast & prev_ok_beyond)
        if not spike.any():
            break
        teleports += int(spike.sum())
        keep[idx[spike]] = False
    final = order[keep]
    del order, keep, lon_s, lat_s, c_s, t_s
    # already sorted and nothing dropped (files this module wrote): no copy
    same_rows = len(final) == table.num_rows and bool(np.all(final[1:] > final[:-1]))
    _release()  # the sorted columns read above went back to Arrow's pool: return them first
    out = table if same_rows else table.take(arrow_of(final))
    return out, CleanReport(n0, out.num_rows, bad_coords, int(dup.sum()), out_of_order, teleports)


def segment_ids(hexes: NDArray[Any], t: NDArray[Any], *, max_gap_s: float = 900.0) -> NDArray[np.int64]:
    """Segment number of each position (input sorted by aircraft then time): a new segment
    starts at a new aircraft or after a gap longer than ``max_gap_s``."""
    n = len(t)
    start = np.ones(n, bool)
    if n > 1:
        start[1:] = (hexes[1:] != hexes[:-1]) | (np.diff(t) > max_gap_s)
    return np.cumsum(start) - 1
