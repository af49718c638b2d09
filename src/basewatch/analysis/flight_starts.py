"""Tracks first seen airborne: the level the aircraft itself reads at a field that day, and
the earliest its lift-off can be. Helpers of
:func:`basewatch.analysis.flight_runways.airborne_starts` and
:mod:`basewatch.analysis.flight_rolls` (pure; measuring on the ellipsoid through
:mod:`basewatch.analysis.geodesy`).

* **The aircraft's own floor** (:func:`own_floor`): its lowest reading over a runway of the
  field just before it is on the ground there (a landing, a taxi), the same day: the level
  the field reads in that aircraft's altimeter, to the pressure's drift.
* **The runway's start** (:func:`runway_start_bound`): a lift-off is no earlier than the time
  needed to fly from the runway's start to the first position at the speed observed there.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from basewatch.analysis.arrow_np import arrow_of, numpy_of
from basewatch.analysis.flight_fills import straight_fill
from basewatch.analysis.flight_ground import SLOW_KT
from basewatch.analysis.flight_levels import FROZEN_S
from basewatch.analysis.geodesy import (
    along_cross_track_m,
    approx_distance_m,
    azimuth_deg,
    distance_m,
)

__all__ = [
    "aircraft_rows",
    "own_floor",
    "reader",
    "real_rows",
    "runway_start_bound",
    "whole_columns",
]

KT_MS = 1852.0 / 3600.0
MAX_CLIMB_FPS = 100.0  # 6,000 ft/min: no aeroplane climbs faster (flight_levels.steep)
DRIFT_FT_PER_H = 30.0  # ~1 hPa an hour: a deep low passing; the usual tendency is a third


def aircraft_rows(table: pa.Table, cache: dict[Any, Any], row: int) -> NDArray[np.int64]:
    """The rows of the aircraft of ``row`` (the table is sorted by aircraft and time, so they
    are one block), the blocks found once per table."""
    if "blocks" not in cache:
        codes = whole_columns(table, cache)["hex"]
        cache["blocks"] = np.r_[0, np.flatnonzero(codes[1:] != codes[:-1]) + 1, len(codes)]
    b = cache["blocks"]
    j = int(np.searchsorted(b, row, side="right")) - 1
    return np.arange(b[j], b[j + 1])


def whole_columns(table: pa.Table, cache: dict[Any, Any]) -> dict[Any, Any]:
    """``cache`` holding the table's lon, lat, alt (and hex codes: the arrays
    :func:`basewatch.analysis.flight_runways.field_level` keeps under the same keys), gs and
    og (the flag as 1/0/NaN) as numpy arrays, read once per table."""
    if "alt" not in cache:
        cache["lon"], cache["lat"], cache["alt"] = (
            np.asarray(numpy_of(table.column(n)), float) for n in ("lon", "lat", "alt_ft"))
        cache["hex"] = np.asarray(numpy_of(table.column("hex").dictionary_encode()
                                           .combine_chunks().indices), np.int64)
    if "gs" not in cache:
        cache["gs"] = np.asarray(numpy_of(table.column("gs_kt")), float)
        cache["og"] = np.asarray(numpy_of(table.column("on_ground").cast(pa.float64())), float)
    return cache


def reader(table: pa.Table):  # type: ignore[no-untyped-def]
    """``read(column, rows)``: a column's values at rows, as floats (the flag 1/0/NaN)."""
    def read(name: str, ix: NDArray[Any]) -> NDArray[Any]:
        col = table.column(name).take(arrow_of(ix))
        if name == "on_ground":
            col = col.cast(pa.float64())
        return np.asarray(numpy_of(col), dtype=float)
    return read


def real_rows(rows: NDArray[Any], t: NDArray[Any], rs: NDArray[Any], alt: NDArray[Any],
          read: Any) -> NDArray[np.bool_]:
    """Rows with a fresh position (not forward-filled) that are no straight-line fill."""
    fresh = t[rows] - t[rs[rows]] <= FROZEN_S
    filled = straight_fill(rows[None, :], np.ones((1, len(rows)), bool), t, alt[None, :],
                           read)[0] if len(rows) >= 3 else np.zeros(len(rows), bool)
    return np.asarray(fresh & ~filled, bool)


def own_floor(table: pa.Table, t: NDArray[Any], rs: NDArray[Any], a: Any, row: int,
              cache: dict[Any, Any] | None = None, *, window_s: float = 9 * 3600.0,
              cross_m: float = 100.0, ground_s: float = 30.0, qnh_ft: float = 1000.0
              ) -> tuple[float, float] | None:
    """(level, uncertainty in ft) the aircraft of ``row`` reads at field ``a`` that day, or
    None.

    Its lowest fresh, unfilled reading over one of the field's runways (between the
    thresholds, within ``cross_m`` of the centreline), within ``window_s`` of ``row``, among
    readings an altimeter can give there (``qnh_ft`` of the elevation) and not a surface
    report (0 with no flag), that is followed within ``ground_s`` by the aircraft on the
    ground within 3 km (flag, a reported ground speed under 50 kt, or a surface report): over
    the runway and about to roll, the wheels are at most a flare's height up (a lone reading
    in the air over a runway, a low pass, is followed by no ground). The uncertainty is the
    ground reading's (40 ft: ground effect, a 25 ft step) plus the pressure's drift between
    the two times, 30 ft an hour, up to the unknown QNH's 300 ft (traffic's kiruna: 1,725 ft
    in the flare at 10:34 at a 1,508 ft field; vasaloppet: 1,500 ft at ESKM's 634 before a
    surface report 6.5 hours after its take-off)."""
    c: dict[Any, Any] = {} if cache is None else cache
    rows = aircraft_rows(table, c, row)
    rows = rows[np.abs(t[rows] - t[row]) <= window_s]
    if len(rows) < 2 or not a.runways:
        return None
    col = whole_columns(table, c)
    rows = rows[np.asarray(approx_distance_m(col["lon"][rows], col["lat"][rows], a.lon, a.lat))
                <= 8000.0]  # near the field (screened on the sphere)
    if len(rows) < 2:
        return None
    read = reader(table)
    alt, og, gs, lon, lat = (col[n][rows] for n in ("alt", "og", "gs", "lon", "lat"))
    surface = np.isnan(og) & (alt == 0.0)
    near = np.asarray(distance_m(lon, lat, a.lon, a.lat)) <= 3000.0
    on_ground = near & ((og == 1.0) | (gs < SLOW_KT) | surface)
    if not on_ground.any():
        return None
    use = np.isfinite(alt) & ~surface & (np.abs(alt - a.elevation_ft) <= qnh_ft)
    on_rw = np.zeros(len(rows), bool)
    for rw in a.runways:
        az = float(azimuth_deg(rw.le_lon, rw.le_lat, rw.he_lon, rw.he_lat))
        length = float(distance_m(rw.le_lon, rw.le_lat, rw.he_lon, rw.he_lat))
        along, cross = (np.atleast_1d(v) for v in along_cross_track_m(
            lon, lat, rw.le_lon, rw.le_lat, az))
        on_rw |= (np.abs(cross) <= cross_m) & (along >= 0.0) & (along <= length)
    use &= on_rw
    if not use.any():
        return None
    real = real_rows(rows, t, rs, alt, read)
    use &= real
    # the next ground row at or after each, with real rows only on the way (a gap filled by a
    # straight line may hide a descent of hundreds of feet: traffic's airbus_tree at EDHI
    # reads 511 ft over 23 before a fill to 0)
    g = np.flatnonzero(on_ground)
    k = np.searchsorted(g, np.arange(len(rows)), side="left")
    nxt = g[np.minimum(k, len(g) - 1)]
    bad = np.r_[0, np.cumsum(~real)]  # unreal rows before each index
    use &= (k < len(g)) & (t[rows[nxt]] - t[rows] <= ground_s) \
        & (bad[nxt] - bad[np.arange(len(rows))] == 0)
    if not use.any():
        return None
    j = int(np.flatnonzero(use)[np.argmin(alt[use])])
    hours = abs(float(t[rows[j]] - t[row])) / 3600.0
    return float(alt[j]), min(300.0, 40.0 + DRIFT_FT_PER_H * hours)


def runway_start_bound(est: float, lo: float, hi: float, *, t0: float, along_m: float,
                       speed_kt: float, agl_ft: float, u_ft: float
                       ) -> tuple[float, float, float]:
    """A first-seen-airborne lift-off no earlier than ``t0`` less the time to fly
    ``along_m`` (from the runway's start to the first position) at ``speed_kt`` (the slowest
    observed there): it lifted off on the runway and has not flown slower since. A climb
    extrapolated to before that was fitted too slow (a climb levelling off within the fit:
    traffic's kiruna 4ab179 climbs 30 ft/s, then 10): the lift-off is then between that time
    and the latest the height over the field (``agl_ft`` +- ``u_ft``) allows at 6,000 ft/min,
    and no nearer either end: the middle."""
    if not (math.isfinite(along_m) and math.isfinite(speed_kt) and speed_kt > 0):
        return est, lo, hi
    bound = t0 - max(0.0, along_m) / (speed_kt * KT_MS)
    if est >= bound:
        return est, max(lo, bound), hi
    latest = t0 - max(0.0, agl_ft - u_ft) / MAX_CLIMB_FPS
    hi = max(bound, hi, min(t0, latest))
    return (bound + hi) / 2.0, bound, hi
