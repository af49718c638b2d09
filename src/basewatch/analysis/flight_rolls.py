"""A track whose first rows are the take-off roll starts on the ground (a helper of
:func:`basewatch.analysis.flights.detect_events`, pure): its take-off is then a state change
timed from the climb like any other (:func:`basewatch.analysis.flight_timing.time_events`),
not a track first seen airborne (:func:`basewatch.analysis.flight_runways.airborne_starts`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from basewatch.analysis.flight_ground import SLOW_KT
from basewatch.analysis.flight_levels import FROZEN_S
from basewatch.analysis.flight_runways import match_runways, take_column
from basewatch.analysis.flight_starts import aircraft_rows, real_rows, reader
from basewatch.analysis.geodesy import along_cross_track_m, azimuth_deg, distance_m

__all__ = ["rolling_starts"]


def rolling_starts(ground: NDArray[np.bool_], seg: NDArray[Any], t: NDArray[Any],
                   rs: NDArray[Any], table: pa.Table, airfields: Sequence[Any], *,
                   cross_m: float = 120.0, ratio: float = 0.8, gain_kt: float = 10.0,
                   near_m: float = 10_000.0, window_s: float = 3 * 3600.0,
                   horizon_s: float = 120.0) -> NDArray[np.bool_]:
    """``ground`` with the first rows of tracks that start on the runway's roll set to the
    ground (a new array; unchanged if none). A track first seen airborne starts on the roll
    when its first row is over a runway's surface (between its thresholds, ``cross_m`` of its
    centreline) and

    * its ground speed is at most ``ratio`` of the slowest the same aircraft flies near the
      field (``near_m``, 100 ft or more over that first reading, 50 kt or more, fresh and
      unfilled rows, ``window_s`` either side): an aeroplane lifts off at about its slowest
      flying speed and flies no slower after (traffic's lisbon 4070f4 starts at 52 kt 474 m
      down 02 at the field's reading; it climbs out at 85-93 kt and finals at 92); or
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
        (low10, low_track), slowest = _lowest_and_slowest(table, t, rs, a, i0, end, alt[0],
                                                          cache, read, near_m, window_s)
        if alt[0] > low10 + 100.0 or alt[0] > low_track + 300.0:
            continue  # lower readings of its own at the field: it was aloft (flight_ground)
        accelerating = (t[rows[h[-1]]] - t[i0] >= FROZEN_S
                        and gs[h[-1]] - gs[0] >= gain_kt)
        if not accelerating and not gs[0] <= ratio * slowest:  # NaN, inf: no evidence
            continue
        if out is ground:
            out = ground.copy()
        out[i0:int(rows[h[-1]]) + 1] = True
    return out


def _lowest_and_slowest(table: pa.Table, t: NDArray[Any], rs: NDArray[Any], a: Any, row: int,
                        end: int, alt0: float, cache: dict[Any, Any], read: Any,
                        near_m: float, window_s: float, lowest_s: float = 600.0
                        ) -> tuple[tuple[float, float], float]:
    """Of the aircraft of ``row`` near field ``a`` (``near_m``), fresh and unfilled rows only:
    its lowest readings within ``lowest_s`` of ``row`` and in its track (``row`` to ``end``;
    not surface reports, 0 with no flag; ``alt0`` if none), and the slowest reported ground
    speed it flies within ``window_s`` (rows 100 ft or more over ``alt0``, 50 kt or more;
    inf if none)."""
    rows = aircraft_rows(table, cache, row)
    rows = rows[np.abs(t[rows] - t[row]) <= window_s]
    if len(rows) < 3:
        return (alt0, alt0), math.inf
    alt, gs, og = read("alt_ft", rows), read("gs_kt", rows), read("on_ground", rows)
    near = np.asarray(distance_m(read("lon", rows), read("lat", rows), a.lon, a.lat)) <= near_m
    near &= real_rows(rows, t, rs, alt, read) & np.isfinite(alt)
    low = near & ~(np.isnan(og) & (alt == 0.0))
    low10 = low & (np.abs(t[rows] - t[row]) <= lowest_s)
    track = low & (rows >= row) & (rows <= end)
    fly = near & (alt >= alt0 + 100.0) & (gs >= SLOW_KT)
    return ((float(np.min(alt[low10])) if low10.any() else alt0,
             float(np.min(alt[track])) if track.any() else alt0),
            float(np.min(gs[fly])) if fly.any() else math.inf)
