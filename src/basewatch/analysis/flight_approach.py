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
    lon = read("lon", idx.ravel()).reshape(idx.shape)
    lat = read("lat", idx.ravel()).reshape(idx.shape)
    for k, e in enumerate(land.tolist()):
        rw = next((w for w in airfields[int(af_idx[e])].runways
                   if runways[e] in (w.le_ident, w.he_ident)), None)
        cells = np.flatnonzero(real[k])
        if rw is None or len(cells) == 0:
            continue
        if runways[e] == rw.le_ident:
            (tlon, tlat), (olon, olat) = (rw.le_lon, rw.le_lat), (rw.he_lon, rw.he_lat)
        else:
            (tlon, tlat), (olon, olat) = (rw.he_lon, rw.he_lat), (rw.le_lon, rw.le_lat)
        c = int(cells[-1])  # the last real position before the estimate
        along, cross = along_cross_track_m(lon[k, c], lat[k, c], tlon, tlat,
                                           float(azimuth_deg(tlon, tlat, olon, olat)))
        along, cross = float(along), float(cross)
        if not (-max_final_m <= along < 0.0 and abs(cross) <= max_cross_m):
            continue
        # from when the position was first reported (feeds repeat it for a few seconds)
        earliest = float(t[rs[idx[k, c]]]) - along / (float(gs[k, c]) * _KT)
        if earliest <= lo[e] or earliest > hi[e]:
            continue
        lo[e] = earliest
        if est[e] < earliest:
            est[e] = (earliest + hi[e]) / 2
    return est, lo, hi
