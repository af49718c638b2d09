"""Runways and tracks: which runway a position is on, and take-offs and landings read from
where tracks start and end. Helpers of :func:`basewatch.analysis.flights.detect_events`
(pure; all measuring on the ellipsoid through :mod:`basewatch.analysis.geodesy`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from basewatch.analysis.arrow_np import numpy_of, take_column
from basewatch.analysis.flight_ends import BASIS_FINAL, end_on_runway_or_final
from basewatch.analysis.flight_starts import own_floor, runway_start_bound
from basewatch.analysis.geodesy import (
    along_cross_track_m,
    approx_distance_m,
    azimuth_deg,
    distance_m,
)

__all__ = ["Sparse", "ahead", "airborne_starts", "field_level", "match_runways",
           "track_end_landings"]


def _angle_diff(a: Any, b: Any) -> Any:
    return np.abs((np.asarray(a) - np.asarray(b) + 180.0) % 360.0 - 180.0)


def ahead(t: NDArray[Any], i: int, lo: int, hi: int, dt_s: float) -> int:
    """Index in ``lo..hi`` (one segment, times sorted) about ``dt_s`` seconds from ``i`` (at
    least one position away): a span long enough to see a course and a climb whatever the
    sampling (1 s or 30 s)."""
    if dt_s >= 0:
        return min(hi, i + max(1, int(np.searchsorted(t[i:hi + 1], t[i] + dt_s))))
    j = lo + int(np.searchsorted(t[lo:i], t[i] + dt_s, side="right")) - 1
    return max(lo, min(j, i - 1))


def airborne_starts(starts: NDArray[Any], seg_end_of: dict[int, int], t: NDArray[Any],
                     table: pa.Table, lon: Any, lat: Any, airfields: Sequence[Any], *,
                     max_agl_ft: float = 1500.0, max_cross_m: float = 600.0,
                     max_beyond_m: float = 8000.0, max_misalign_deg: float = 20.0,
                     ahead_s: float = 20.0, course_s: float = 6.0, rs: Any = None,
                     seen_s: float = 60.0
                     ) -> list[tuple[int, int, str, str, str, float, float, float]]:
    """Take-offs of tracks first seen airborne: low (under ``max_agl_ft`` above the field),
    climbing or accelerating over the first ``ahead_s`` seconds (measured to a row more than
    ``seen_s`` after the first, only over the runway itself), on the extended centreline
    beyond the runway's threshold and
    flying along it over the first ``course_s`` seconds (a track that starts at lift-off and
    turns at once is aligned only at its start), and no higher than a climb from the
    runway's far end would put it (:func:`too_low_for`).

    The lift-off is before the first position: estimated by extrapolating the climb of the
    first ``ahead_s`` seconds down to the field's reading that day (:func:`field_level`: the
    level the feed's other aircraft read there, else the elevation); the interval runs from
    that minus 300 ft (the level's uncertainty, over the climb rate) to the first position,
    or to that plus 300 ft where the day's level was read.

    Not from the flag alone: a track whose first rows are the roll (flagged airborne or not)
    was made to start on the ground before this (:func:`basewatch.analysis.flight_rolls.
    rolling_starts`), and its take-off is a state change's."""
    if len(starts) == 0:
        return []
    crs0 = np.atleast_1d(azimuth_deg(lon[starts], lat[starts], lon[starts + 1], lat[starts + 1]))
    near, _ = match_runways(lon[starts], lat[starts], crs0, airfields, max_cross_m, max_beyond_m)
    cand = starts[near >= 0]
    if len(cand) == 0:
        return []
    nxt = np.array([ahead(t, int(i), int(i), seg_end_of[int(i)], ahead_s) for i in cand])
    near_ = np.array([ahead(t, int(i), int(i), seg_end_of[int(i)], course_s) for i in cand])
    if rs is not None:  # a repeated (frozen) position is no course: the first new one is
        near_ = np.array([_first_moved(rs, int(i), int(j), seg_end_of[int(i)])
                          for i, j in zip(cand, near_)])
    m = len(cand)
    pos = np.r_[cand, nxt, near_]
    lo_, la_, al_, gs_ = (take_column(table, c, pos) for c in ("lon", "lat", "alt_ft", "gs_kt"))
    crs = np.atleast_1d(azimuth_deg(lo_[:m], la_[:m], lo_[2 * m:], la_[2 * m:]))
    rising = (np.nan_to_num(al_[m:2 * m] - al_[:m], nan=-1.0) > 0) \
        | (np.nan_to_num(gs_[m:2 * m] - gs_[:m], nan=-1.0) > 5)
    # a climb measured across minutes unseen says nothing of the first row (calfire a3d599:
    # descending at its first row after 21 minutes, 8 minutes and 400 ft from the next): then
    # only a first row over the runway itself is taken (below)
    unseen = t[nxt] - t[cand] > seen_s
    climb = (al_[m:2 * m] - al_[:m]) / np.maximum(t[nxt] - t[cand], 1e-9)
    af_idx, names = match_runways(lo_[:m], la_[:m], crs, airfields, max_cross_m, max_beyond_m)
    out: list[tuple[int, int, str, str, str, float, float, float]] = []
    whole: dict[Any, NDArray[Any]] = {}
    for k in np.flatnonzero((af_idx >= 0) & rising):
        a = airfields[af_idx[k]]
        if not float(al_[k]) - a.elevation_ft <= max_agl_ft:
            continue
        rw = next(r for r in a.runways if names[k] in (r.le_ident, r.he_ident, r.designator))
        az = float(azimuth_deg(rw.le_lon, rw.le_lat, rw.he_lon, rw.he_lat))
        if min(_angle_diff(crs[k], az), _angle_diff(crs[k], az + 180)) > max_misalign_deg:
            continue
        # leaving: beyond the threshold of the runway in use, not short of it on approach
        lo, la = (rw.le_lon, rw.le_lat) if names[k] == rw.le_ident else (rw.he_lon, rw.he_lat)
        run_az = az if names[k] == rw.le_ident else (az + 180) % 360
        along, _ = along_cross_track_m(lo_[k], la_[k], lo, la, run_az)
        if float(along) < 0:
            continue
        length = float(distance_m(lo, la, *_far_end(rw, names[k])))
        if unseen[k] and float(along) > length:
            continue
        t0 = float(t[cand[k]])
        level = field_level(table, t, a, t0, whole, but=int(cand[k]))
        agl = max(0.0, float(al_[k]) - (a.elevation_ft if level is None else level))
        rate = float(climb[k])
        if too_low_for(float(along) - length, float(gs_[k]), rate, agl):
            continue
        if np.isfinite(agl) and np.isfinite(rate) and rate >= 3.0:
            est, lo = t0 - agl / rate, t0 - (agl + 300.0) / rate
            # the day's level measured: the height is known to 300 ft either way (a climb
            # slower nearer the ground puts the lift-off earlier still, never later)
            hi = t0 if level is None else t0 - max(0.0, agl - 300.0) / rate
        else:
            est, lo, hi = t0, t0 - 120.0, t0
        # the aircraft's own floor at the field that day, and the runway's start (flight_starts)
        est, lo, hi = _own_start(table, t, rs, a, int(cand[k]), whole, est, lo, hi, float(al_[k]),
                                 rate, float(along), _slowest_kt(gs_[[k, m + k]]), agl)
        out.append((int(cand[k]), 0, a.ident, names[k], "first seen airborne", est, lo, hi))
    return out


def _own_start(table: pa.Table, t: NDArray[Any], rs: Any, a: Any, row: int,
               cache: dict[Any, Any], est: float, lo: float, hi: float, alt0: float,
               rate: float, along_m: float, speed_kt: float, agl: float
               ) -> tuple[float, float, float]:
    """A first-seen-airborne lift-off timed from the aircraft's own floor at the field that
    day where it has one (:func:`basewatch.analysis.flight_starts.own_floor`: its landing's
    level, to 40 ft and the pressure's drift) rather than the feed's other aircraft or the
    elevation, and never before the runway's start allows
    (:func:`basewatch.analysis.flight_starts.runway_start_bound`)."""
    u, t0 = 300.0, float(t[row])
    own = own_floor(table, t, rs, a, row, cache) if rs is not None else None
    if own is not None and math.isfinite(rate) and rate >= 3.0 and math.isfinite(alt0):
        agl, u = max(0.0, alt0 - own[0]), own[1]
        est, lo, hi = t0 - agl / rate, t0 - (agl + u) / rate, t0 - max(0.0, agl - u) / rate
    if not math.isfinite(agl):
        return est, lo, hi
    return runway_start_bound(est, lo, hi, t0=t0, along_m=along_m, speed_kt=speed_kt,
                              agl_ft=agl, u_ft=u)


def _slowest_kt(gs: NDArray[Any]) -> float:
    return float(np.min(gs[np.isfinite(gs)])) if np.isfinite(gs).any() else math.nan


def _far_end(rw: Any, name: str) -> tuple[float, float]:
    return (rw.he_lon, rw.he_lat) if name == rw.le_ident else (rw.le_lon, rw.le_lat)


def too_low_for(past_end_m: float, gs_kt: float, rate_fps: float, agl_ft: float, *,
                qnh_ft: float = 300.0) -> bool:
    """A track first seen ``past_end_m`` beyond the far end of the runway (the latest a roll
    on it can have lifted off), at ``gs_kt`` and climbing ``rate_fps``: had it climbed from
    there at that speed and rate it would be higher than ``agl_ft`` by more than ``qnh_ft``
    (the height's uncertainty with the day's pressure unknown). It rose from somewhere else
    (calfire a3d1e2, first seen 7 km past W56's 779 m runway at 54 kt and 576 ft/min, a few
    hundred feet up: ~2,400 ft short of a climb from W56)."""
    if not (past_end_m > 0 and gs_kt > 0 and rate_fps > 0 and math.isfinite(agl_ft)):
        return False
    return past_end_m / (gs_kt * _KT) * rate_fps - agl_ft > qnh_ft


def field_level(table: pa.Table, t: NDArray[Any], a: Any, t0: float,
                cache: dict[Any, NDArray[Any]] | None = None, *, but: int = -1,
                window_s: float = 3 * 3600.0, band_ft: float = 150.0, min_aircraft: int = 3,
                cross_m: float = 100.0, beyond_m: float = 1500.0, qnh_ft: float = 1000.0
                ) -> float | None:
    """The pressure altitude field ``a`` reads around ``t0`` in this feed, or None.

    Pressure altitude is referred to 1013.25 hPa, so a field reads its elevation only at that
    QNH (about 30 ft per hPa: Roissy read ~-40 ft, 430 ft under its 392 ft, on traffic's
    quickstart day). An aircraft that touched down or rolled there read the field's level
    over a runway; one that only passed over it read higher. So each aircraft's lowest
    reading on a runway's centreline (within ``cross_m``), between its ends or up to
    ``beyond_m`` past them (the feeds freeze positions on short final and the roll-out while
    the altitude goes on: traffic's quickstart at Roissy), within ``window_s`` (about the
    same pressure), among readings an altimeter can give
    there (within ``qnh_ft`` of the elevation, QNH 980-1050 hPa), is at or over the level:
    the lowest ``band_ft`` span holding the lowest readings of at least ``min_aircraft``
    aircraft (ground effect and static error: tens of feet; one faulty reading is no
    level) is the level, its median returned. Fewer aircraft: None. ``but`` (a row) names
    an aircraft left out: the one being timed, whose first readings are airborne."""
    c: dict[Any, NDArray[Any]] = {} if cache is None else cache
    if "alt" not in c:
        c["lon"], c["lat"], c["alt"] = (np.asarray(numpy_of(table.column(n)), float)
                                        for n in ("lon", "lat", "alt_ft"))
        c["hex"] = np.asarray(numpy_of(table.column("hex").dictionary_encode()
                                       .combine_chunks().indices), np.int64)
    key = (a.ident, cross_m, beyond_m, qnh_ft)
    if key not in c:  # the field's rows, found once per table
        alt = c["alt"]
        ix = np.flatnonzero(np.isfinite(alt) & (np.abs(alt - a.elevation_ft) <= qnh_ft))
        ix = ix[np.asarray(approx_distance_m(c["lon"][ix], c["lat"][ix], a.lon, a.lat))
                <= 8000.0]
        on_rw = np.zeros(len(ix), bool)
        for rw in a.runways:
            az = float(azimuth_deg(rw.le_lon, rw.le_lat, rw.he_lon, rw.he_lat))
            length = float(distance_m(rw.le_lon, rw.le_lat, rw.he_lon, rw.he_lat))
            along, cross = (np.atleast_1d(v) for v in along_cross_track_m(
                c["lon"][ix], c["lat"][ix], rw.le_lon, rw.le_lat, az))
            on_rw |= (np.abs(cross) <= cross_m) & (along >= -beyond_m) \
                & (along <= length + beyond_m)
        c[key] = ix[on_rw]
    ix = c[key]
    ix = ix[np.abs(t[ix] - t0) <= window_s]
    if but >= 0:
        ix = ix[c["hex"][ix] != c["hex"][but]]
    if len(ix) == 0:
        return None
    alt = c["alt"]
    _, inv = np.unique(c["hex"][ix], return_inverse=True)
    low = np.full(int(inv.max()) + 1, np.inf)
    np.minimum.at(low, inv, alt[ix])
    low.sort()
    for i in range(len(low) - min_aircraft + 1):
        j = int(np.searchsorted(low, low[i] + band_ft, side="right"))
        if j - i >= min_aircraft:
            return float(np.median(low[i:j]))
    return None


def _first_moved(rs: Any, i: int, j: int, end: int) -> int:
    """The first row from ``j`` (up to ``end``) whose position differs from row ``i``'s."""
    k = j
    while k < end and rs[k] == rs[i]:
        k += 1
    return k


def track_end_landings(ends: NDArray[Any], seg_start_of: dict[int, int], t: NDArray[Any],
                        table: pa.Table, lon: Any, lat: Any, airfields: Sequence[Any], *,
                        back_s: float = 10.0, recording_end_s: float = math.inf,
                        cut_rows: int = 3, cut_min_s: float = 5.0,
                        last_times: NDArray[Any] | None = None
                        ) -> list[tuple[int, int, str, str, str, float, float, float]]:
    """Landings of tracks that end airborne over a runway or on short final (see
    :func:`basewatch.analysis.flight_ends.end_on_runway_or_final`), judged from the last
    position and the one about ``back_s`` before it. Ends near no runway (grid index, 600 m
    across, 8 km beyond the ends) are screened out vectorised first.

    A track cut by the end of the recording (``recording_end_s``) is not a loss of signal
    near the ground: no probable landing when its last position is within ``cut_rows`` of
    the track's own row intervals (the median of its last ten; ``cut_min_s`` at least) of
    that end: the feed would not have sent the next rows in time (traffic's quickstart ends
    at 14:59:59 with a06310 4.1 km short of Roissy's 09R, 1 s rows: no landing is read).
    Only where the feed was receiving other tracks up to then too (``last_times``: the last
    time of every track; two or more within that margin of the end): a recording of one
    flight ends where its signal did (traffic's bornholm, lost 263 m short of EKRN 29)."""
    if len(ends) == 0:
        return []
    crs = np.atleast_1d(azimuth_deg(lon[ends - 1], lat[ends - 1], lon[ends], lat[ends]))
    af_idx, _ = match_runways(lon[ends], lat[ends], crs, airfields, 600.0, 8000.0)
    cand = ends[af_idx >= 0]
    if len(cand) == 0:
        return []
    prev = np.array([ahead(t, int(e), seg_start_of[int(e)], int(e), -back_s) for e in cand])
    pos = np.r_[prev, cand]
    lo_, la_, al_, gs_, tr_ = (take_column(table, c, pos)
                               for c in ("lon", "lat", "alt_ft", "gs_kt", "track_deg"))
    m = len(cand)
    out: list[tuple[int, int, str, str, str, float, float, float]] = []
    for k in range(m):
        pair = [k, m + k]
        hit = end_on_runway_or_final(lo_[pair], la_[pair], al_[pair], gs_[pair],
                                     t[pos[pair]], airfields, course_deg=float(tr_[m + k]))
        if hit is not None and hit.basis == BASIS_FINAL:
            e = int(cand[k])
            tt = t[max(seg_start_of[e], e - 10):e + 1]
            cadence = float(np.median(np.diff(tt))) if len(tt) > 1 else 0.0
            margin = max(cut_min_s, cut_rows * cadence)
            live = 2 if last_times is None else int(
                np.count_nonzero(last_times >= recording_end_s - margin))
            if recording_end_s - float(t[e]) <= margin and live >= 2:
                continue
        if hit is not None:
            out.append((int(cand[k]), 1, airfields[hit.airfield_index].ident, hit.runway,
                        hit.basis, hit.time_s, hit.time_lo_s, hit.time_hi_s))
    return out


class Sparse:
    """Values of a column at some row indices, indexed by row index (saves full copies)."""

    def __init__(self, idx: NDArray[Any], values: NDArray[Any]) -> None:
        self.idx, self.values = idx, values

    def __contains__(self, i: Any) -> bool:
        j = int(np.searchsorted(self.idx, i))
        return bool(j < len(self.idx) and self.idx[j] == i)

    def __getitem__(self, i: Any) -> Any:
        return self.values[np.searchsorted(self.idx, i)]


_KT = 1852.0 / 3600.0  # m/s per knot
_CELL_DEG = 0.2  # grid cell used only to find candidate airfields; all measuring is geodesic


def match_runways(lon: NDArray[Any], lat: NDArray[Any], course: NDArray[Any],
                   airfields: Sequence[Any], max_cross_m: float, margin_m: float
                   ) -> tuple[NDArray[np.int64], list[str]]:
    """For each point, the airfield index (-1: none) and runway end it is on.

    Candidates come from a 0.2 degree grid (the point's cell and its neighbours: at least
    7 km at 70 deg latitude, more than a runway plus margin); each candidate runway is then
    tested vectorised over its nearby points with geodesic along/cross-track distances, and
    the runway least off its axis (then least beyond its ends) wins.
    """
    n = len(lon)
    out = np.full(n, -1, np.int64)
    names = [""] * n
    best = np.full(n, np.inf)
    if n == 0:
        return out, names
    ci = np.floor(lat / _CELL_DEG).astype(np.int64)
    cj = np.floor(lon / _CELL_DEG).astype(np.int64)
    by_cell: dict[tuple[int, int], list[int]] = {}
    for k, key in enumerate(zip(ci.tolist(), cj.tolist())):
        by_cell.setdefault(key, []).append(k)
    for j, a in enumerate(airfields):
        if not a.runways:
            continue
        ai, aj = math.floor(a.lat / _CELL_DEG), math.floor(a.lon / _CELL_DEG)
        near = [k for di in (-1, 0, 1) for dj in (-1, 0, 1)
                for k in by_cell.get((ai + di, aj + dj), ())]
        if not near:
            continue
        idx = np.array(near, np.int64)
        for rw in a.runways:
            az = float(azimuth_deg(rw.le_lon, rw.le_lat, rw.he_lon, rw.he_lat))
            length = float(distance_m(rw.le_lon, rw.le_lat, rw.he_lon, rw.he_lat))
            along, cross = along_cross_track_m(lon[idx], lat[idx], rw.le_lon, rw.le_lat, az)
            on = (np.abs(cross) <= max_cross_m) & (along >= -margin_m) & (along <= length + margin_m)
            # the best runway of all fields wins (extended centrelines of neighbouring fields,
            # e.g. Le Bourget's and Roissy's, cross): least off the axis, then least beyond it
            score = np.abs(cross) + 0.1 * np.maximum(0.0, np.maximum(-along, along - length))
            better = on & (score < best[idx])
            won = idx[better]
            if len(won) == 0:
                continue
            out[won] = j
            best[won] = score[better]
            c = course[won]  # the end faced: the course's side of the runway's azimuth
            le_end = (_angle_diff(c, az) < 90).tolist()
            for k, known, le in zip(won.tolist(), np.isfinite(c).tolist(), le_end):
                names[k] = (rw.le_ident if le else rw.he_ident) if known else rw.designator
    return out, names
