"""On the ground or in the air: the state each position is in, from the feed's flag, the
reported ground speed and, where both fail, the speed the positions themselves imply.

Helpers of :func:`basewatch.analysis.flights.detect_events` (pure, vectorised).

* The **reported flag** is believed when the feed sends one; a **reported ground speed** under
  50 kt is the ground too (no aeroplane flies that slowly; a taxiing aircraft whose flag
  flickers to "airborne" is still on the ground).
* Some feeds repeat a **stale ground speed**: traffic's ``belevingsvlucht`` reads 135 kt and
  ``airbus_tree`` 123 kt all through their roll-outs and taxis, with no on-ground column, so
  neither the flag nor the speed ever says "ground" and the landings were missed. Where the
  feed sends no flag, the speed implied by the positions over a baseline of at least
  :data:`BASELINE_S` seconds (fresh positions only: a forward-filled position implies 0 kt
  and means nothing) decides as well: under 50 kt, on the ground. The baseline is long
  enough that position noise (tens of metres) cannot make a 130 kt aeroplane look like
  50 kt, and a position jumping back and forth makes at most a blip the debounce removes.
* **Slow is not always on the ground**: where no flag is sent, a slow aircraft aloft (a
  loitering surveillance type or a helicopter, or any light aircraft flying into a headwind)
  reads under 50 kt too: traffic's ``border_control`` circles Lydd at 775 ft at 25-57 kt. A
  row judged on the ground by speed alone is aloft (:func:`drop_aloft`) when its altitude
  reading is more than :data:`ALOFT_FT` above the lowest reading the same aircraft gives at
  the same airfield (within about 2-7 km) in the same track: on the ground the reading moves
  only with the day's pressure and the ground effect (tens of feet), so a reading 300 ft
  (10 hPa) above one the aircraft gave there is not the ground. Surface reports (exactly 0
  ft in the feeds that send them) are no pressure reading and take no part.
* **Debounce**: a run of one state lasting under 30 s between two runs of the other is flag
  noise and flipped, airborne blips first, then ground ones.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from basewatch.analysis.arrow_np import arrow_of, numpy_of
from basewatch.analysis.flight_arrays import unique_sorted
from basewatch.analysis.flight_fills import alt_fill
from basewatch.analysis.geodesy import approx_distance_m, distance_m

__all__ = ["ALOFT_FT", "ALOFT_NEAR_FT", "BASELINE_S", "NEAR_S", "QNH_FT", "SLOW_KT", "debounce",
           "drop_aloft", "ground_state", "high_above_field", "implied_speed_kt", "unseen_changes"]

SLOW_KT = 50.0  # below this an aeroplane is on the ground
STUCK_FAST_KT = 250.0  # a reading held from this speed to under SLOW_KT is a repeated one
BASELINE_S = 10.0  # implied speeds over at least this long: position noise averages out
QNH_FT = 1000.0  # a field reads within this of its elevation at any QNH of 980-1050 hPa
ALOFT_FT = 300.0  # above the aircraft's own reading at the same place: not on the ground
ALOFT_NEAR_FT = 100.0  # the same within NEAR_S: ground effect 50 + a 25 ft step + drift
NEAR_S = 300.0  # readings in the same or a neighbouring bin: at most 10 min apart
_CELL_DEG = 0.02  # ~2.2 km cells; a row is compared with its cell and the 8 around it
_KT = 1852.0 / 3600.0
_CHUNK = 1 << 20


def ground_state(on_ground: NDArray[Any], gs_kt: NDArray[Any],
                 implied_kt: NDArray[Any] | None = None) -> NDArray[np.bool_]:
    """On the ground: the reported flag, or a reported ground speed under 50 kt; with no flag,
    also a speed implied by the positions under 50 kt (``implied_kt``, NaN where unknown);
    with neither flag nor speed reported nor implied, on the ground."""
    slow = np.nan_to_num(gs_kt, nan=0.0) < SLOW_KT
    unflagged = slow
    if implied_kt is not None:  # only where no flag is sent: a flag is believed
        unflagged = slow | (np.nan_to_num(implied_kt, nan=np.inf) < SLOW_KT)
    return np.asarray(np.where(np.isnan(on_ground), unflagged,
                               (on_ground > 0.5) | (slow & ~np.isnan(gs_kt))), bool)


def implied_speed_kt(table: pa.Table, seg: NDArray[Any], t: NDArray[Any], rs: NDArray[Any],
                     rows: NDArray[Any], *, baseline_s: float = BASELINE_S,
                     max_back_s: float = 60.0) -> NDArray[np.float64]:
    """Speed (kt) implied by the positions at ``rows`` (sorted row indices), NaN where unknown.

    Row ``i`` is compared with the fresh row at least ``baseline_s`` before it (same segment,
    at most ``max_back_s`` back); only fresh rows (``rs[i] == i``: a new position) are
    measured. Screened on the sphere, measured on the ellipsoid near :data:`SLOW_KT`.
    """
    out = np.full(len(rows), np.nan)
    if len(rows) == 0:
        return out
    fresh_all = np.flatnonzero(rs == np.arange(len(rs)))
    # rows are sorted by segment then time: one sorted key for both (float64 keeps ~0.05 s
    # at a million segments over years of data)
    t0 = float(t.min())
    span = float(t.max()) - t0 + 2.0 * max_back_s + 1.0
    key_f = seg[fresh_all] * span + (t[fresh_all] - t0)
    for a in range(0, len(rows), _CHUNK):
        r = rows[a:a + _CHUNK]
        ok = rs[r] == r
        r = r[ok]
        if len(r) == 0:
            continue
        # the last fresh row of the segment at or before t - baseline
        k = np.searchsorted(key_f, seg[r] * span + (t[r] - t0 - baseline_s), side="right") - 1
        k = np.maximum(k, 0)
        j = fresh_all[k]
        dt_s = t[r] - t[j]
        good = (seg[j] == seg[r]) & (dt_s >= baseline_s) & (dt_s <= max_back_s) & (j < r)
        r, j, dt_s = r[good], j[good], dt_s[good]
        if len(r) == 0:
            continue
        # rows are sorted and j is at most max_back_s before r: one contiguous slice
        lo_row, hi_row = int(j.min()), int(r.max()) + 1
        lon = np.asarray(numpy_of(table.column("lon").slice(lo_row, hi_row - lo_row)), float)
        lat = np.asarray(numpy_of(table.column("lat").slice(lo_row, hi_row - lo_row)), float)
        pr, pj = r - lo_row, j - lo_row
        d = approx_distance_m(lon[pj], lat[pj], lon[pr], lat[pr])
        kt = d / dt_s / _KT
        near = np.flatnonzero(np.abs(kt - SLOW_KT) < 0.05 * SLOW_KT)
        if len(near):
            kt[near] = np.asarray(distance_m(lon[pj[near]], lat[pj[near]], lon[pr[near]],
                                             lat[pr[near]])) / dt_s[near] / _KT
        pos = np.searchsorted(rows, r)
        out[pos] = kt
    return out


def drop_aloft(ground: NDArray[np.bool_], flagged: NDArray[np.bool_], table: pa.Table,
               seg: NDArray[Any], t: NDArray[Any]) -> NDArray[np.bool_]:
    """``ground`` with the rows judged on the ground without a flag (by speed, or by nothing)
    turned airborne where the altitude reading is above the lowest reading of the same
    segment at the same airfield (the same 0.02-degree cell or one of the 8 around it: about
    2.2-6.6 km, an airfield and its circuit; longitude cells scaled by the cosine of the latitude) by more than
    :data:`ALOFT_FT`, or by more than :data:`ALOFT_NEAR_FT` when that reading is within
    :data:`NEAR_S` (the same or a neighbouring 5-minute bin). Readings of exactly 0 (surface
    reports) and missing ones are neither judged nor compared with."""
    cand = np.flatnonzero(ground & ~flagged)
    if len(cand) == 0:
        return ground
    segs = unique_sorted(seg[cand])
    ref = np.flatnonzero(np.isin(seg, segs))

    def col(name: str) -> NDArray[np.float64]:
        return np.asarray(numpy_of(table.column(name).take(arrow_of(ref))), float)

    alt, lat, lon = col("alt_ft"), col("lat"), col("lon")
    # a gap filled by a straight line gives no level (traffic's guatemala: 4,975 ft to a
    # surface report over 2 minutes, the roll-out "at" 1,000 ft)
    real = np.isfinite(alt) & (alt != 0.0) & ~_stuck(seg[ref], alt, col("gs_kt"))
    fill3, fill_alt = _linear_fill(seg[ref], t[ref], alt, lat, lon)
    ok = real & ~fill3 & ~fill_alt
    if not ok.any():
        return ground
    # a filled reading is no reading: it gives no level. A fill of the altitude alone (the
    # positions real: a taxi in surface position messages, which carry no altitude,
    # traffic's tour_de_france "climbing" 300 -> 418 ft while taxiing to LFLU 01) is not
    # judged either; a row of a fill of position and altitude is judged by the real rows at
    # the fill's ends, the higher of the two: the aircraft was not stopped on the ground
    # through a gap one of whose real ends is aloft (traffic's brussels_ils "crawls" 38 m
    # in 35 s over runway 19 from its low approach at 375 ft to a real 525 ft: no taxi;
    # tour_de_france's 28-minute fill at Arcachon, both ends at the field's level, is)
    judged = real & ~fill_alt
    a_judge = np.where(fill3, _fill_ends_max(seg[ref], fill3, np.where(ok, alt, np.nan)),
                       alt)
    ci = np.floor(lat / _CELL_DEG).astype(np.int64)
    cj = np.floor(lon * np.cos(np.radians(lat)) / _CELL_DEG).astype(np.int64)
    # one id per (segment, 5-minute bin of it), and per segment, with room between
    # segments so that a neighbouring bin never reaches another segment
    rank = np.searchsorted(segs, seg[ref]).astype(np.int64)
    first = np.searchsorted(rank, np.arange(len(segs)))  # ref is sorted by segment
    tb = np.floor((t[ref] - t[ref][first][rank]) / NEAR_S).astype(np.int64)
    nbins = np.zeros(len(segs), np.int64)
    np.maximum.at(nbins, rank, tb + 1)
    base = np.r_[0, np.cumsum(nbins + 2)[:-1]] + 1
    pos = np.searchsorted(ref, cand)  # cand is a subset of ref (same segments)
    a_c = a_judge[pos]
    span_cells = np.int64(1 << 16)

    def lowest(bin_id: NDArray[np.int64], offsets: list[tuple[int, int, int]]
               ) -> NDArray[np.float64]:
        """Per candidate, the lowest reading in the bins and cells ``offsets`` away from its
        own (bin, latitude cell, longitude cell)."""
        def enc(b_: NDArray[Any], i: NDArray[Any], j: NDArray[Any]) -> NDArray[np.int64]:
            return np.asarray((b_ << 34) | ((i + span_cells) << 17) | (j + span_cells),
                              np.int64)
        k = enc(bin_id[ok], ci[ok], cj[ok])
        order = np.argsort(k, kind="stable")
        ks = k[order]
        starts = np.r_[0, np.flatnonzero(ks[1:] != ks[:-1]) + 1]
        ukey, umin = ks[starts], np.minimum.reduceat(alt[ok][order], starts)
        low = np.full(len(cand), np.inf)
        for db, di, dj in offsets:
            kk = enc(bin_id[pos] + db, ci[pos] + di, cj[pos] + dj)
            p = np.minimum(np.searchsorted(ukey, kk), len(ukey) - 1)
            low = np.where(ukey[p] == kk, np.minimum(low, umin[p]), low)
        return low

    around = [(0, di, dj) for di in (-1, 0, 1) for dj in (-1, 0, 1)]
    low_any = lowest(base[rank], around)
    low_near = lowest(base[rank] + tb, [(db, di, dj) for db in (-1, 0, 1)
                                        for _, di, dj in around])
    with np.errstate(invalid="ignore"):
        aloft = judged[pos] & ((a_c > low_any + ALOFT_FT)
                                               | (a_c > low_near + ALOFT_NEAR_FT))
    if not aloft.any():
        return ground
    out = ground.copy()
    out[cand[aloft]] = False
    return out


def high_above_field(t: NDArray[Any], seg: NDArray[Any], trans: NDArray[Any],
                     is_takeoff: NDArray[Any], elevation_ft: NDArray[Any],
                     flagged: NDArray[np.bool_], read: Any, *, rows: int = 10,
                     within_s: float = 120.0) -> NDArray[np.bool_]:
    """Per state change (``trans``: the first row of the new state), whether its ground side
    (the rows after a landing's change, before a take-off's, within ``within_s`` and the same
    segment) was judged without a flag and reads, by the lowest of its pressure readings (not
    surface reports, 0, nor readings a feed repeats from its cruise, :func:`_stuck`), more
    than :data:`QNH_FT` above the field's elevation: higher than the
    field reads at any QNH, so aloft however slow (traffic's ``franconia``: a glider at 5,000
    ft, 3,400 ft over a field, at 45-67 kt). An elevation of 0 or NaN (unknown: the
    airfield's default) judges nothing."""
    out = np.zeros(len(trans), bool)
    to = np.asarray(is_takeoff, bool)
    elev = np.asarray(elevation_ft, float)
    side = np.where(to, trans - 1, trans)
    # only changes judged without a flag, at fields with a known elevation
    ev = np.flatnonzero(~flagged[np.clip(side, 0, len(t) - 1)] & np.isfinite(elev)
                        & (elev != 0.0))
    if len(ev) == 0:
        return out
    tr, to = trans[ev], to[ev]
    off = np.arange(rows)[None, :]
    idx = np.clip(np.where(to[:, None], tr[:, None] - 1 - off, tr[:, None] + off), 0,
                  len(t) - 1)
    use = (seg[idx] == seg[tr][:, None]) & (np.abs(t[idx] - t[tr][:, None]) <= within_s) \
        & ~flagged[idx]
    alt = np.asarray(read("alt_ft", idx.ravel()), float).reshape(idx.shape)
    use &= np.isfinite(alt) & (alt != 0.0)
    # a reading the feed repeats from its cruise to its taxi says nothing (see _stuck)
    rows_all = np.flatnonzero(np.isin(seg, unique_sorted(seg[tr])))
    stuck = _stuck(seg[rows_all], np.asarray(read("alt_ft", rows_all), float),
                   np.asarray(read("gs_kt", rows_all), float))
    use &= ~stuck[np.searchsorted(rows_all, idx)]
    # the lowest: any reading there within reach of the field's level leaves it possible
    with np.errstate(invalid="ignore"):
        low = np.min(np.where(use, alt, np.inf), axis=1)
    k = use.sum(axis=1)
    out[ev] = (k > 0) & (low > elev[ev] + QNH_FT)
    return out


def _stuck(seg: NDArray[Any], alt: NDArray[Any], gs: NDArray[Any]) -> NDArray[np.bool_]:
    """Rows under :data:`SLOW_KT` whose reading is within about 50-100 ft of one the same
    segment gives at :data:`STUCK_FAST_KT` or more: a reading the feed repeats, not a level
    flown. No aircraft flies both at one level: one that flies 250 kt stalls over 80 kt (a
    King Air), and the wind makes a ground speed differ from the airspeed by some 50 kt at
    most (traffic's ``tour_de_france``: 25,975 ft for 17 minutes, from 298 kt on a descent
    to 22 kt taxiing at Valence)."""
    out = np.zeros(len(alt), bool)
    fin = np.isfinite(alt) & np.isfinite(gs)
    fast = np.flatnonzero(fin & (gs >= STUCK_FAST_KT))
    slow = np.flatnonzero(fin & (gs < SLOW_KT))
    if len(fast) == 0 or len(slow) == 0:
        return out

    def key(rows: NDArray[Any], d: int = 0) -> NDArray[np.int64]:
        band = np.floor(alt[rows] / 50.0).astype(np.int64) + d
        return np.asarray((seg[rows].astype(np.int64) << 24) | (band + (1 << 20)), np.int64)

    known = unique_sorted(key(fast))
    hit = np.zeros(len(slow), bool)
    for d in (-1, 0, 1):
        k = key(slow, d)
        p = np.minimum(np.searchsorted(known, k), len(known) - 1)
        hit |= known[p] == k
    out[slow[hit]] = True
    return out


def _linear_fill(seg: NDArray[Any], t: NDArray[Any], alt: NDArray[Any], lat: NDArray[Any],
                 lon: NDArray[Any]) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Rows on the straight line between their neighbours in altitude, latitude and longitude
    at once (to a foot and 1e-7 degree), the altitude changing, two such rows in a row: a gap
    filled linearly (the rule of :func:`basewatch.analysis.flight_fills.straight_fill`, over
    consecutive rows of a whole table); and, apart, the rows of a fill of the altitude alone
    (:func:`basewatch.analysis.flight_fills.alt_fill`)."""
    n = len(t)
    out = np.zeros(n, bool)
    if n < 3:
        return out, out.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        f = (t[1:-1] - t[:-2]) / (t[2:] - t[:-2])

        def off(x: NDArray[Any]) -> NDArray[Any]:
            return np.abs(x[1:-1] - (x[:-2] + (x[2:] - x[:-2]) * f))

        line = (seg[:-2] == seg[1:-1]) & (seg[2:] == seg[1:-1]) & (f > 0) & (f < 1) \
            & (np.abs(alt[2:] - alt[:-2]) > 0) & (off(alt) < 1.0)
        inner = line & (off(lat) < 1e-7) & (off(lon) < 1e-7)
    out[1:-1] = inner
    two = out[:-1] & out[1:]
    out[:-1] = two
    out[1:] |= two
    # and a fill of the altitude alone, off the 25 ft grid (flight_fills.alt_fill)
    return out, alt_fill(line, alt) & ~out


def _fill_ends_max(seg: NDArray[Any], fill: NDArray[np.bool_], alt: NDArray[Any]
                   ) -> NDArray[np.float64]:
    """Per row, for rows in a run of ``fill``: the higher of the readings ``alt`` (NaN where
    none) of the rows just before and after the run, in the same segment; NaN elsewhere."""
    n = len(fill)
    out = np.full(n, np.nan)
    if not fill.any():
        return out
    edge = np.diff(np.r_[0, fill.astype(np.int8), 0])
    s0, s1 = np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)  # [s0, s1)
    a = np.where((s0 > 0) & (seg[np.maximum(s0 - 1, 0)] == seg[s0]),
                 alt[np.maximum(s0 - 1, 0)], np.nan)
    b = np.where((s1 < n) & (seg[np.minimum(s1, n - 1)] == seg[s1 - 1]),
                 alt[np.minimum(s1, n - 1)], np.nan)
    with np.errstate(invalid="ignore"):
        top = np.fmax(a, b)
    out[fill] = np.repeat(top, s1 - s0)
    return out


def debounce(ground: NDArray[np.bool_], seg: NDArray[Any], t: NDArray[Any],
             min_s: float) -> NDArray[np.bool_]:
    """Flip runs of one state lasting under ``min_s`` between two runs of the other state in
    the same segment: flag noise, not a landing and a take-off seconds apart. Airborne blips
    go first, then ground ones (one pass over alternating blips would only swap them)."""
    return _flip_short(_flip_short(ground, seg, t, min_s, False), seg, t, min_s, True)


def _flip_short(ground: NDArray[np.bool_], seg: NDArray[Any], t: NDArray[Any], min_s: float,
                state: bool) -> NDArray[np.bool_]:
    n = len(ground)
    if n < 3:
        return ground
    change = np.ones(n, bool)
    change[1:] = (ground[1:] != ground[:-1]) | (seg[1:] != seg[:-1])
    starts = np.flatnonzero(change)
    ends = np.r_[starts[1:] - 1, n - 1]
    after = np.minimum(ends + 1, n - 1)
    interior = (starts > 0) & (ends < n - 1) & (seg[np.maximum(starts - 1, 0)] == seg[starts]) \
        & (seg[after] == seg[starts])
    short = interior & (t[after] - t[starts] < min_s) & (ground[starts] == state)
    if not short.any():
        return ground
    return np.asarray(ground ^ np.repeat(short, ends - starts + 1), bool)


UNSEEN_S = 60.0  # a change judged on speed alone across a longer gap was not seen


def unseen_changes(trans: NDArray[Any], ground: NDArray[np.bool_], flagged: NDArray[np.bool_],
                   seg: NDArray[Any], t: NDArray[Any], max_gap_s: float = UNSEEN_S
                   ) -> NDArray[np.bool_]:
    """State changes (rows ``trans``, differing from the row before) whose ground side is
    judged by speed alone (no flag) across a gap of more than ``max_gap_s``, on one slow row
    (no other ground row of the segment within ``max_gap_s`` of it): the change happened
    somewhere unseen. A slow row minutes from its neighbours is as likely a slow
    pass aloft or a landing on a pad beside the runway (traffic's ``calfire``: rotorcraft at
    30-44 kt over Yakima and McClellan, rows 3.5-7 min apart) as a roll on the runway."""
    n = len(t)
    gside = np.where(ground[trans], trans, trans - 1)
    # the ground side seen on a second row, within max_gap_s (a roll-out or a taxi: the
    # aircraft seen on the ground, not one slow row between gaps)
    nb = np.clip(np.where(ground[trans], trans + 1, trans - 2), 0, n - 1)
    seen = ground[nb] & (np.abs(t[nb] - t[gside]) <= max_gap_s) & (nb != gside) \
        & (seg[nb] == seg[gside])
    return ~flagged[gside] & (t[trans] - t[trans - 1] > max_gap_s) & ~seen
