"""The earliest a landing can touch down, from the last real position on its final.

Helper of :func:`basewatch.analysis.flights.detect_events` (pure; measuring on the ellipsoid
through :mod:`basewatch.analysis.geodesy`). An aircraft on final slows toward the runway: from
its last real position short of the threshold it needs at least the distance to the
threshold over the speed it flew there. Filled rows (a straight line drawn over a gap,
:func:`basewatch.analysis.flight_fills.straight_fill`) are no positions: traffic's ``vienna``
3cce6f flies its last real row 3,928 m short of LOWW's 16 at 116 kt, decelerating, then a
2-minute fill runs to a surface report; the touch-down was put at the fill's middle,
03:21:44, when reaching the threshold alone took until 03:21:56 (truth 03:22:12).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from basewatch.analysis.flight_fills import straight_fill
from basewatch.analysis.flight_timing import FROZEN_S, window
from basewatch.analysis.geodesy import along_cross_track_m, azimuth_deg

__all__ = ["not_before_threshold"]

_KT = 1852.0 / 3600.0  # m/s per knot


def not_before_threshold(rows: NDArray[Any], is_takeoff: NDArray[Any], est: NDArray[Any],
                         lo: NDArray[Any], hi: NDArray[Any], af_idx: NDArray[Any],
                         runways: Sequence[str], t: NDArray[Any], seg: NDArray[Any],
                         rs: NDArray[Any], airfields: Sequence[Any],
                         read: Callable[[str, NDArray[Any]], NDArray[Any]], *,
                         back: int = 64, max_cross_m: float = 600.0,
                         max_final_m: float = 8000.0, min_kt: float = 50.0
                         ) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any]]:
    """``est``, ``lo``, ``hi`` of the landings among the events (first rows of the new state
    ``rows``; runway end ``runways[e]`` at ``airfields[af_idx[e]]``) moved no earlier than the
    last real, fresh position before the estimate that lies on the end's extended centreline
    (``max_cross_m``, up to ``max_final_m`` short) plus the distance to the threshold at the
    ground speed reported there (at least ``min_kt``: flying). Where that bound passes the
    estimate, the estimate is the middle of what is left; where it passes ``hi`` the
    readings disagree and nothing is changed."""
    est, lo, hi = (np.array(x, float) for x in (est, lo, hi))
    land = np.flatnonzero(~np.asarray(is_takeoff, bool) & (np.asarray(af_idx) >= 0))
    if len(land) == 0:
        return est, lo, hi
    r = np.asarray(rows)[land]
    idx = window(r, len(t), back, 0)
    same = seg[idx] == seg[r][:, None]
    alt = read("alt_ft", idx.ravel()).reshape(idx.shape)
    real = same & (t[idx] - t[rs[idx]] <= FROZEN_S) & ~straight_fill(idx, same, t, alt, read)
    real &= t[idx] <= est[land][:, None]
    gs = read("gs_kt", idx.ravel()).reshape(idx.shape)
    real &= gs >= min_kt
    # the last real position before the estimate, and the runway end, of each landing with
    # one: measured all at once (one geodesic call for the ends' bearings, one for the points)
    ks = np.flatnonzero(real.any(axis=1))
    if len(ks) == 0:
        return est, lo, hi
    ends: dict[tuple[int, str], tuple[float, float, float, float] | None] = {}
    keep, thr = [], []
    for k in ks.tolist():
        e = int(land[k])
        key = (int(af_idx[e]), runways[e])
        if key not in ends:
            rw = next((w for w in airfields[key[0]].runways
                       if key[1] in (w.le_ident, w.he_ident)), None)
            ends[key] = (None if rw is None else
                         (rw.le_lon, rw.le_lat, rw.he_lon, rw.he_lat) if key[1] == rw.le_ident
                         else (rw.he_lon, rw.he_lat, rw.le_lon, rw.le_lat))
        if ends[key] is not None:
            keep.append(k)
            thr.append(ends[key])
    if not keep:
        return est, lo, hi
    ks = np.array(keep, np.int64)
    tlon, tlat, olon, olat = np.array(thr, float).T
    c = real.shape[1] - 1 - np.argmax(real[ks, ::-1], axis=1)  # the last real cell
    rows_c = idx[ks, c]
    along, cross = along_cross_track_m(read("lon", rows_c), read("lat", rows_c), tlon, tlat,
                                       azimuth_deg(tlon, tlat, olon, olat))
    gs_c = gs[ks, c]
    on_final = (-max_final_m <= along) & (along < 0.0) & (np.abs(cross) <= max_cross_m)
    # from when the position was first reported (feeds repeat it for a few seconds)
    with np.errstate(invalid="ignore", divide="ignore"):
        earliest = t[rs[rows_c]].astype(float) - along / (gs_c * _KT)
    ev = land[ks]
    move = on_final & ~((earliest <= lo[ev]) | (earliest > hi[ev]))
    ev, earliest = ev[move], earliest[move]
    lo[ev] = earliest
    later = est[ev] < earliest
    est[ev[later]] = (earliest[later] + hi[ev[later]]) / 2
    return est, lo, hi
