"""Touch-and-goes and go-arounds: runway passes that are neither a take-off nor a landing.

Helpers of :func:`basewatch.analysis.flights.detect_events` (pure, vectorised screening).

* **Touch-and-go**: a run of positions reported on the ground by the feed's flag, shorter
  than the debounce (30 s: on its own it would be taken for flag noise), between two
  airborne runs, on a runway centreline (120 m), covering the ground at 60 kt or more, and, where the altitude is
  reported, within 300 ft of the field's elevation in the minute around it (flag noise at
  cruise and while taxiing fails one of these).
* **Go-around** (also a low approach): an airborne low point within 600 m of a runway's
  centreline, over the runway or up to 3 km short of its threshold, flying along it (30 deg),
  under 400 ft above the field's elevation (QNH unknown: generous), reached after descending
  at least 300 ft over the two minutes before and followed by a climb of at least 300 ft
  within two minutes, held for 30 s or more, with no ground state in between, and flown down
  the extended centreline (600 m) for the 30 s before the low point (:func:`_on_final`). A
  level flypast is neither.
* **Touch-and-go without a flag** (:func:`_wheels`): such a pass whose readings hold the
  field's level (the same aircraft's own readings on the ground there) over the runway for
  4 s or more, at no more than 1.2 times the slowest speed it flew near the field: the
  wheels. Without that evidence it stays a go-around (a low approach).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from basewatch.analysis.flight_fills import straight_fill
from basewatch.analysis.flight_ground import SLOW_KT
from basewatch.analysis.flight_runways import match_runways
from basewatch.analysis.flight_timing import FROZEN_S, window
from basewatch.analysis.geodesy import along_cross_track_m, azimuth_deg, distance_m

__all__ = ["go_arounds", "touch_and_goes"]

Found = tuple[int, int, str, str, str, float, float, float]
KIND_TOUCH_AND_GO, KIND_GO_AROUND = 2, 3


def touch_and_goes(raw: NDArray[np.bool_], flagged: NDArray[np.bool_], seg: NDArray[Any],
                   t: NDArray[Any], rs: NDArray[Any], airfields: Sequence[Any],
                   read: Callable[[str, NDArray[Any]], NDArray[Any]], *,
                   max_s: float = 30.0, min_kt: float = 60.0) -> list[Found]:
    """Short flagged ground runs on a runway at speed (see the module)."""
    n = len(raw)
    if n < 3:
        return []
    change = np.ones(n, bool)
    change[1:] = (raw[1:] != raw[:-1]) | (seg[1:] != seg[:-1])
    starts = np.flatnonzero(change)
    ends = np.r_[starts[1:] - 1, n - 1]
    inner = (starts > 0) & (ends < n - 1)
    inner &= (seg[np.maximum(starts - 1, 0)] == seg[starts]) & (seg[np.minimum(ends + 1, n - 1)]
                                                                == seg[starts])
    # between two airborne runs of 30 s or more each: flag flicker is neither
    run = np.arange(len(starts))
    prev_start = starts[np.maximum(run - 1, 0)]
    next_end = ends[np.minimum(run + 1, len(starts) - 1)]
    settled = (t[np.maximum(starts - 1, 0)] - t[prev_start] >= max_s) \
        & (t[next_end] - t[np.minimum(ends + 1, n - 1)] >= max_s)
    # ... and the aircraft moved on after it (a frozen position flagged airborne has not)
    settled &= rs[next_end] != rs[np.minimum(ends + 1, n - 1)]
    cand = np.flatnonzero(inner & raw[starts] & flagged[starts] & settled
                          & (t[np.minimum(ends + 1, n - 1)] - t[np.maximum(starts - 1, 0)] < max_s))
    if len(cand) == 0:
        return []
    s, e = starts[cand], ends[cand]
    # at speed: the positions around the ground run cover the ground at 60 kt or more
    # (reported ground speeds are stale on some feeds; taxiing flag noise is slow)
    b, f = s - 1, np.minimum(e + 1, n - 1)
    dist = np.asarray(distance_m(read("lon", b), read("lat", b), read("lon", f), read("lat", f)))
    with np.errstate(divide="ignore", invalid="ignore"):
        kt = dist / np.maximum(t[f] - t[b], 1e-9) * 3600.0 / 1852.0
    keep = kt >= min_kt
    s, e = s[keep], e[keep]
    if len(s) == 0:
        return []
    lon, lat = read("lon", s), read("lat", s)
    lon2, lat2 = read("lon", np.minimum(e + 1, n - 1)), read("lat", np.minimum(e + 1, n - 1))
    crs = np.atleast_1d(azimuth_deg(lon, lat, lon2, lat2))
    af, names = match_runways(lon, lat, crs, airfields, 120.0, 0.0)
    out: list[Found] = []
    for k in np.flatnonzero(af >= 0):
        a = airfields[int(af[k])]
        w = window(np.array([s[k]]), n, 60, 60)[0]
        w = w[(seg[w] == seg[s[k]]) & (np.abs(t[w] - t[s[k]]) <= 60)]
        alt = read("alt_ft", w)
        if np.isfinite(alt).any() and np.nanmin(alt) > a.elevation_ft + 300.0:
            continue  # flag noise in flight
        t_mid = (float(t[s[k]]) + float(t[e[k]])) / 2
        out.append((int(s[k]), KIND_TOUCH_AND_GO, a.ident, names[k], "touch-and-go", t_mid,
                    float(t[max(int(s[k]) - 1, 0)]), float(t[e[k]])))
    return out


def go_arounds(ground: NDArray[np.bool_], seg: NDArray[Any], t: NDArray[Any],
               rs: NDArray[Any], airfields: Sequence[Any], alt_all: NDArray[Any],
               read: Callable[[str, NDArray[Any]], NDArray[Any]], *,
               max_agl_ft: float = 400.0, min_change_ft: float = 300.0,
               span_s: float = 120.0) -> list[Found]:
    """Airborne low points near a runway between a descent and a climb (see the module)."""
    watched = [a for a in airfields if a.runways]
    if not watched or len(t) < 3:
        return []
    top = max(a.elevation_ft for a in watched) + max_agl_ft
    n = len(t)
    low = np.flatnonzero(~ground & np.isfinite(alt_all) & (alt_all <= top))
    if len(low) == 0:
        return []
    # local minima among the low rows (plateaus: their first row)
    a0 = alt_all[low]
    prev_hi = np.r_[True, (a0[1:] < a0[:-1]) | (seg[low][1:] != seg[low][:-1])
                    | (low[1:] != low[:-1] + 1)]
    nxt_ge = np.r_[(a0[:-1] <= a0[1:]) | (seg[low][:-1] != seg[low][1:]), True]
    minima = low[prev_hi & nxt_ge]
    if len(minima) == 0:
        return []
    # chunks bound the window arrays (1,024 low points x 151 cells: small enough to stay in
    # cache and be reused; each point is judged from its own row, so the size changes nothing)
    keep = [_climb_between(minima[a:a + 1024], ground, seg, t, rs, alt_all, n,
                           min_change_ft=min_change_ft, span_s=span_s)
            for a in range(0, len(minima), 1024)]
    cand = minima[np.concatenate(keep)]
    if len(cand) == 0:
        return []
    # one pass, one low point: the lowest of minima less than span_s apart (25 ft steps make
    # many local minima on one approach)
    new = np.r_[True, (seg[cand][1:] != seg[cand][:-1]) | (np.diff(t[cand]) > span_s)]
    group = np.cumsum(new) - 1
    order = np.lexsort((alt_all[cand], group))
    first = np.r_[True, group[order][1:] != group[order][:-1]]
    cand = np.sort(cand[order][first])
    found = _on_runway(cand, t, airfields, watched, alt_all, read, max_agl_ft=max_agl_ft)
    found = [f for f in found if _on_final(f, seg, t, rs, watched, read)]
    return [_wheels(f, ground, seg, t, rs, watched, alt_all, read) for f in found]


def _on_final(f: Found, seg: NDArray[Any], t: NDArray[Any], rs: NDArray[Any],
              watched: Sequence[Any], read: Callable[[str, NDArray[Any]], NDArray[Any]], *,
              before_s: float = 30.0, max_cross_m: float = 600.0) -> bool:
    """Whether the pass was flown down the runway's extended centreline: every fresh
    position of the ``before_s`` seconds before the low point within ``max_cross_m`` of it
    (the low point's own test). An approach, and a go-around from it, is established on the
    final (2 km at 130 kt) before its low point; an aircraft still turning onto the axis then
    is manoeuvring: traffic's london_gatwick 4076f1 turned in from 1.1 km off 26L's axis 30 s
    before a level run at 500-525 ft along the airport (425-450 ft over its own ground
    reading), a flypast; the truth's 133 runway passes were all within 350 m then."""
    c = f[0]
    rows = np.arange(max(c - 400, 0), c + 1)
    rows = rows[(seg[rows] == seg[c]) & (t[rows] >= t[c] - before_s)
                & (t[rows] - t[rs[rows]] <= FROZEN_S)]
    a = next(x for x in watched if x.ident == f[2])
    rw = next(r for r in a.runways if f[3] in (r.le_ident, r.he_ident))
    az = float(azimuth_deg(rw.le_lon, rw.le_lat, rw.he_lon, rw.he_lat))
    _, cross = along_cross_track_m(read("lon", rows), read("lat", rows), rw.le_lon, rw.le_lat,
                                   az)
    return bool(np.all(np.abs(np.atleast_1d(cross)) <= max_cross_m))


def _wheels(f: Found, ground: NDArray[np.bool_], seg: NDArray[Any], t: NDArray[Any],
            rs: NDArray[Any], watched: Sequence[Any], alt_all: NDArray[Any],
            read: Callable[[str, NDArray[Any]], NDArray[Any]], *, level_ft: float = 25.0,
            min_dwell_s: float = 4.0, speed_ratio: float = 1.2, span_s: float = 30.0,
            near_m: float = 10_000.0) -> Found:
    """A runway pass of a feed without an on-ground flag (or whose flag never said so) as a
    touch-and-go when there is evidence of the wheels, else the go-around it was found as.

    The evidence (each physical, none read off one sample):

    * the readings sit at **the field's level** over the runway's surface (between its
      thresholds, within 120 m of the centreline) for ``min_dwell_s`` or more: two fresh,
      unfilled readings at most one 25 ft step above the same aircraft's own readings on the
      ground at this field in the same track (the only readings known to be at the runway's
      height: the QNH is unknown, so the elevation says nothing to 25 ft). A go-around's
      low point is a V, one reading at its floor; wheels on the runway hold the level;
    * at **a speed an aeroplane rolls at**: the ground speed there at most ``speed_ratio``
      times the slowest the same aircraft flew near this field (above 100 ft over its ground
      reading) in the same track. It touches down at about its slowest flying speed (Vref
      is 1.3 times the stall, touch-down a few knots under it); 20 % allows for the wind
      changing between passes. A pass just over the runway 50 % faster than that is flying
      (at the touch-down attitude the wing would lift more than twice the weight): traffic's
      calibration flights read 0 ft for 25-40 s along whole runways at 140-200 kt
      (cardiff 10:47, london_heathrow 01:06, vancouver 16:15, the last accelerating), low
      passes, not touch-and-goes.

    Without ground readings of its own at that field in the track, or without slow airborne
    readings near it, there is no evidence: it stays a go-around (low approach).
    """
    c = f[0]
    a = next(x for x in watched if x.ident == f[2])
    rw = next(r for r in a.runways if f[3] in (r.le_ident, r.he_ident))
    s0 = int(np.searchsorted(seg, seg[c], side="left"))
    s1 = int(np.searchsorted(seg, seg[c], side="right"))
    if not ground[s0:s1].any():  # never on the ground in this track: nothing to compare with
        return f
    rows = np.arange(s0, s1)
    rows = rows[np.abs(t[rows] - t[c]) <= 3 * 3600.0]  # the same flight, about the same QNH
    rows = rows[(t[rows] - t[rs[rows]] <= FROZEN_S) & np.isfinite(alt_all[rows])]
    if len(rows) < 3:
        return f
    lon, lat = read("lon", rows), read("lat", rows)
    gs = read("gs_kt", rows)
    dist = np.asarray(distance_m(lon, lat, a.lon, a.lat))
    near = dist <= near_m
    # on the ground at this field: slow by its own reported speed (a state judged from the
    # positions can be fooled by filled or frozen positions in the air), within 3 km, and a
    # reading a pressure altimeter can give at the field (QNH 980-1050 hPa: +-1,000 ft)
    alt_r = alt_all[rows]
    on_ground = ground[rows] & (gs < SLOW_KT) & (np.abs(alt_r - a.elevation_ft) <= 1000.0) \
        & (dist <= 3000.0)
    if not on_ground.any():
        return f
    level = float(np.median(alt_all[rows[on_ground]]))
    # the dwell: around the low point, at the field's level, over the runway's surface
    az = float(azimuth_deg(rw.le_lon, rw.le_lat, rw.he_lon, rw.he_lat))
    length = float(distance_m(rw.le_lon, rw.le_lat, rw.he_lon, rw.he_lat))
    w = np.flatnonzero((np.abs(t[rows] - t[c]) <= span_s) & ~ground[rows])
    if len(w) < 2:
        return f
    along, cross = along_cross_track_m(lon[w], lat[w], rw.le_lon, rw.le_lat, az)
    along, cross = np.atleast_1d(along), np.atleast_1d(cross)
    dwell = w[(alt_all[rows[w]] <= level + level_ft) & (np.abs(cross) <= 120.0)
              & (along >= 0.0) & (along <= length)]
    # a straight-line fill is no reading (flight_fills.straight_fill), nor its ends' echo
    cells = rows[w][None, :]
    filled = _filled_cells(cells, t, alt_all, read)[0]
    dwell = np.intersect1d(dwell, w[~filled])
    if len(dwell) < 2 or t[rows[dwell[-1]]] - t[rows[dwell[0]]] < min_dwell_s:
        return f
    speed = float(np.nanmedian(gs[dwell])) if np.isfinite(gs[dwell]).any() else np.nan
    # the slowest it flew: reported speeds an aeroplane flies at (flight_ground.SLOW_KT)
    slow_air = near & ~ground[rows] & (alt_r >= level + 100.0) & (gs >= SLOW_KT)
    if not slow_air.any() or not np.isfinite(speed):
        return f
    slowest = float(np.min(gs[slow_air]))
    if speed > speed_ratio * slowest:
        return f
    t0, t1 = float(t[rows[dwell[0]]]), float(t[rows[dwell[-1]]])
    before = float(t[max(rows[dwell[0]] - 1, s0)])
    after = float(t[min(rows[dwell[-1]] + 1, s1 - 1)])
    return (rows[dwell[0]], KIND_TOUCH_AND_GO, f[2], f[3],
            "touch-and-go (no flag: at the field's level at landing speed)", (t0 + t1) / 2,
            before, after)


def _filled_cells(cells: NDArray[Any], t: NDArray[Any], alt_all: NDArray[Any],
                  read: Callable[[str, NDArray[Any]], NDArray[Any]]) -> NDArray[np.bool_]:
    """flight_timing's straight-line fill test on one row of table rows."""
    same = np.ones(cells.shape, bool)
    return straight_fill(cells, same, t, alt_all[cells], read)


def _climb_between(cand: NDArray[Any], ground: NDArray[np.bool_], seg: NDArray[Any],
                   t: NDArray[Any], rs: NDArray[Any], alt_all: NDArray[Any], n: int, *,
                   min_change_ft: float, span_s: float, min_held_s: float = 30.0
                   ) -> NDArray[np.bool_]:
    """Which low points have a descent before and a lasting climb after, airborne."""
    idx = window(cand, n, 150, 150, 2)
    tw = t[idx] - t[cand][:, None]
    inside = (seg[idx] == seg[cand][:, None]) & (np.abs(tw) <= span_s)
    # fresh positions only, and climbs an aeroplane can fly (6,000 ft/min): a frozen
    # position reading 35,000 ft is another aircraft's altitude, not a go-around
    fresh = inside & (t[idx] - t[rs[idx]] <= FROZEN_S)
    a_c = alt_all[cand]
    plausible = alt_all[idx] - a_c[:, None] <= 100.0 * np.abs(tw) + 100.0
    alt = np.where(fresh & plausible, alt_all[idx], np.nan)
    onground = (ground[idx] & inside).any(axis=1)
    with warnings.catch_warnings():  # rows without any reading: NaN, filtered below
        warnings.simplefilter("ignore", RuntimeWarning)
        before = np.nanmax(np.where(tw < 0, alt, np.nan), axis=1) if idx.shape[1] else np.nan
        after = np.nanmax(np.where(tw > 0, alt, np.nan), axis=1) if idx.shape[1] else np.nan
    # and up there for half a minute: a go-around climbs away for a circuit leg at least
    # (a reading that jumps up for 10 s and back down with the position is a glitch,
    # traffic's airbus_tree at EDHI; a climb to 600 ft that turns into a circuit to land two
    # minutes later is a go-around all the same, traffic's cardiff at 12:04)
    high = (tw > 0) & (alt - a_c[:, None] >= min_change_ft)  # NaN compares False
    rows = np.arange(len(cand))
    t_first = tw[rows, np.argmax(high, axis=1)]
    t_last = tw[rows, idx.shape[1] - 1 - np.argmax(high[:, ::-1], axis=1)]
    held = high.any(axis=1) & (t_last - t_first >= min_held_s)
    ok = ~onground & (before - a_c >= min_change_ft) & (after - a_c >= min_change_ft) & held
    return np.asarray(np.nan_to_num(ok, nan=0.0).astype(bool))


def _on_runway(cand: NDArray[Any], t: NDArray[Any], airfields: Sequence[Any],
               watched: Sequence[Any], alt_all: NDArray[Any],
               read: Callable[[str, NDArray[Any]], NDArray[Any]], *,
               max_agl_ft: float) -> list[Found]:
    """The low points over a runway or its short final, flying along it, low enough."""
    lon, lat = read("lon", cand), read("lat", cand)
    prev = np.maximum(cand - 3, 0)
    crs = np.atleast_1d(azimuth_deg(read("lon", prev), read("lat", prev), lon, lat))
    af, names = match_runways(lon, lat, crs, watched, 600.0, 3000.0)
    out: list[Found] = []
    for k in np.flatnonzero(af >= 0):
        a = watched[int(af[k])]
        if alt_all[cand[k]] - a.elevation_ft > max_agl_ft:
            continue
        rw = next(r for r in a.runways if names[k] in (r.le_ident, r.he_ident))
        thr = (rw.le_lon, rw.le_lat) if names[k] == rw.le_ident else (rw.he_lon, rw.he_lat)
        far = (rw.he_lon, rw.he_lat) if names[k] == rw.le_ident else (rw.le_lon, rw.le_lat)
        az = float(azimuth_deg(*thr, *far))
        if abs((float(crs[k]) - az + 180.0) % 360.0 - 180.0) > 30.0:
            continue
        along, _ = along_cross_track_m(lon[k], lat[k], thr[0], thr[1], az)
        if not -3000.0 <= float(along) <= float(distance_m(*thr, *far)):
            continue
        tk = float(t[cand[k]])
        out.append((int(cand[k]), KIND_GO_AROUND, a.ident, names[k], "go-around", tk,
                    tk - 5.0, tk + 5.0))
    return out
