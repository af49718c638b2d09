"""A track whose first rows are the take-off roll starts on the ground (a helper of
:func:`basewatch.analysis.flights.detect_events`, pure): its take-off is then a state change
timed from the climb like any other (:func:`basewatch.analysis.flight_timing.time_events`),
not a track first seen airborne (:func:`basewatch.analysis.flight_runways.airborne_starts`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from basewatch.analysis.arrow_np import take_column
from basewatch.analysis.flight_levels import FROZEN_S
from basewatch.analysis.flight_runways import match_runways
from basewatch.analysis.flight_starts import aircraft_rows, reader, real_rows, whole_columns
from basewatch.analysis.geodesy import (
    along_cross_track_m,
    approx_distance_m,
    azimuth_deg,
    distance_m,
)

__all__ = ["rolling_starts"]


def rolling_starts(ground: NDArray[np.bool_], seg: NDArray[Any], t: NDArray[Any],
                   rs: NDArray[Any], table: pa.Table, airfields: Sequence[Any], *,
                   cross_m: float = 120.0, ratio: float = 0.7, min_kt_s: float = 1.0,
                   gain_kt: float = 10.0, near_m: float = 10_000.0,
                   horizon_s: float = 120.0, clear_s: float = 60.0) -> NDArray[np.bool_]:
    """``ground`` with the first rows of tracks that start on the runway's roll set to the
    ground (a new array; unchanged if none). A track first seen airborne starts on the roll
    when its first row is over a runway's surface (between its thresholds, ``cross_m`` of its
    centreline) and

    * its ground speed is at most ``ratio`` of the one it has at its first fresh, unfilled
      reading 100 ft or more higher (within ``clear_s``: surely airborne), gained at
      ``min_kt_s`` or more on average: a take-off roll gains speed at 1.5-5 kt/s up to the
      lift-off; after it an aeroplane climbs out within 10-25 % of its lift-off speed over
      the first minute (V2 + 10-20 kt), and a slow rotorcraft or loiterer gains speed more
      slowly (traffic's lisbon 4070f4 starts at 52 kt 474 m down 02 at the field's reading
      and is 175 ft up at 85 kt 25 s later; the first rows of real tracks first seen
      airborne over a runway keep 0.8 or more of their speed 100 ft up); or
    * its first readings hold one level (one 25 ft step) for 8 s or more over the runway's
      surface while its ground speed rises by ``gain_kt`` or more: accelerating along the
      runway at a level is the roll (london_gatwick 4076f1 reads 25 ft at 67, 82 and 90 kt
      from 759 m down 26L, then climbs);

    and that first reading is at the lowest the aircraft gives near the field (no more than
    100 ft over its lowest there within 10 minutes, nor 300 ft over its lowest in the track:
    the test :func:`basewatch.analysis.flight_ground.drop_aloft` makes of a slow row), else it
    was aloft (a slow aircraft circling over the runway before it lands: border_control).

    The rows so held (or that first row) are the roll: the take-off is then a state change
    timed from the climb like any other (flight_timing.time_events)."""
    n = len(t)
    if n < 2:
        return ground
    s = np.r_[0, np.flatnonzero(seg[1:] != seg[:-1]) + 1]
    e = np.r_[s[1:] - 1, n - 1]
    keep = ~ground[s] & (e > s)
    s, e = s[keep], e[keep]
    if len(s) == 0:
        return ground
    lon, lat = take_column(table, "lon", s), take_column(table, "lat", s)
    crs = np.atleast_1d(azimuth_deg(lon, lat, take_column(table, "lon", s + 1),
                                    take_column(table, "lat", s + 1)))
    af, names = match_runways(lon, lat, crs, airfields, cross_m, 0.0)
    out = ground
    cache: dict[Any, Any] = {}
    read = reader(table)
    for k in np.flatnonzero(af >= 0):
        i0, end, a = int(s[k]), int(e[k]), airfields[int(af[k])]
        rw = next(r for r in a.runways if names[k] in (r.le_ident, r.he_ident, r.designator))
        rows = np.arange(i0, min(end, i0 + 400) + 1)
        rows = rows[t[rows] <= t[i0] + horizon_s]
        if len(rows) < 2:
            continue
        alt, gs = read("alt_ft", rows), read("gs_kt", rows)
        az = float(azimuth_deg(rw.le_lon, rw.le_lat, rw.he_lon, rw.he_lat))
        length = float(distance_m(rw.le_lon, rw.le_lat, rw.he_lon, rw.he_lat))
        along, cross = (np.atleast_1d(v) for v in along_cross_track_m(
            read("lon", rows), read("lat", rows), rw.le_lon, rw.le_lat, az))
        surface_rw = (np.abs(cross) <= cross_m) & (along >= 0.0) & (along <= length)
        real = real_rows(rows, t, rs, alt, read)
        # the leading rows at the first reading's level over the runway (stale ones skipped)
        held = [0]
        for j in range(1, len(rows)):
            if t[rows[j]] - t[rs[rows[j]]] > FROZEN_S or not np.isfinite(alt[j]):
                continue  # a frozen row, or one without a reading, says nothing
            if not (real[j] and surface_rw[j] and abs(alt[j] - alt[0]) <= 25.0):
                break  # a fill, off the runway, or off the level
            held.append(j)
        h = np.asarray(held)
        if not np.isfinite(alt[0]):
            continue
        low10, low_track = _lowest(table, t, rs, a, i0, end, alt[0], cache, read, near_m)
        if alt[0] > low10 + 100.0 or alt[0] > low_track + 300.0:
            continue  # lower readings of its own at the field: it was aloft (flight_ground)
        accelerating = (t[rows[h[-1]]] - t[i0] >= FROZEN_S
                        and gs[h[-1]] - gs[0] >= gain_kt)
        up = np.flatnonzero(real & (alt >= alt[0] + 100.0) & (t[rows] <= t[i0] + clear_s))
        rolling = False
        if len(up):
            j, dt_s = int(up[0]), float(t[rows[up[0]]] - t[i0])
            rolling = bool(gs[0] <= ratio * gs[j] and gs[j] - gs[0] >= min_kt_s * dt_s)
        if not (accelerating or rolling):
            continue
        if out is ground:
            out = ground.copy()
        out[i0:int(rows[h[-1]]) + 1] = True
    return out


def _lowest(table: pa.Table, t: NDArray[Any], rs: NDArray[Any], a: Any, row: int, end: int,
            alt0: float, cache: dict[Any, Any], read: Any, near_m: float,
            lowest_s: float = 600.0) -> tuple[float, float]:
    """The lowest readings the aircraft of ``row`` gives near field ``a`` (``near_m``; fresh,
    unfilled rows, not surface reports, 0 with no flag) within ``lowest_s`` of ``row`` and in
    its track (``row`` to ``end``); ``alt0`` where none."""
    rows = aircraft_rows(table, cache, row)
    rows = rows[np.abs(t[rows] - t[row]) <= max(lowest_s, float(t[end] - t[row]))]
    col = whole_columns(table, cache)
    rows = rows[np.asarray(approx_distance_m(col["lon"][rows], col["lat"][rows], a.lon, a.lat))
                <= 1.2 * near_m]  # screened on the sphere, measured on the ellipsoid
    if len(rows) < 3:
        return alt0, alt0
    alt, og = col["alt"][rows], col["og"][rows]
    low = np.asarray(distance_m(col["lon"][rows], col["lat"][rows], a.lon, a.lat)) <= near_m
    low &= real_rows(rows, t, rs, alt, read) & np.isfinite(alt) & ~(np.isnan(og) & (alt == 0.0))
    low10 = low & (np.abs(t[rows] - t[row]) <= lowest_s)
    track = low & (rows >= row) & (rows <= end)
    return (float(np.min(alt[low10])) if low10.any() else alt0,
            float(np.min(alt[track])) if track.any() else alt0)
