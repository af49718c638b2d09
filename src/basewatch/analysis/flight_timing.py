"""When exactly an aircraft lifted off or touched down, with an interval, and which runway.

Helpers of :func:`basewatch.analysis.flights.detect_events` (pure, vectorised over events).

* **Frozen positions** (:func:`run_starts`): feeds forward-fill the last position they
  decoded (OpenSky state vectors repeat it every second; after a touch-down some repeat it for
  minutes while the on-ground flag flips only at the end). A row whose position has not changed
  for over :data:`FROZEN_S` seconds carries no news: it is *stale*. Times are read from fresh
  rows only, and a state change that happens inside a frozen run is bounded by the time the
  position froze.
* **Lift-off and touch-down** (:func:`time_events`): the feed's on-ground flag lags the real
  moment (15-20 s at 1 Hz on real tracks) and a ground state judged on ground speed is early
  for a take-off (50 kt is early in the roll) and late for a landing (the roll-out). Where the
  barometric altitude is reported, the climb (descent) is extrapolated to the field's reading
  with the vertical rate fitted over the first (last) 30 s airborne; the interval comes from
  the uncertainty of the field's reading divided by that rate (and a flare allowance for
  landings). Without altitude the interval is the state change widened by the flag's lag.
* **Runway from positions** (:func:`runway_by_path`): the runway whose centreline the ground
  roll, initial climb or final approach follows, and its direction of use from the order of the
  positions along it, never from the reported ``track`` (stale while rolling on some feeds).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from basewatch.analysis.arrow_np import numpy_of
from basewatch.analysis.flight_arrays import unique_sorted
from basewatch.analysis.flight_fills import straight_fill
from basewatch.analysis.flight_levels import FROZEN_S, passed_zero
from basewatch.analysis.flight_levels import held_floor as _held_floor
from basewatch.analysis.flight_levels import lowest_held as _lowest_held
from basewatch.analysis.flight_levels import median_rows as _median_rows
from basewatch.analysis.flight_levels import repeated_runs as _repeated_runs
from basewatch.analysis.flight_levels import steep as _steep
from basewatch.analysis.flight_windows import filled_cells, row_sums, used_span, window
from basewatch.analysis.geodesy import along_cross_track_m, azimuth_deg, distance_m

__all__ = ["FLAG_LAG_S", "FROZEN_S", "run_starts", "runway_by_path", "time_events",
           "window"]

ROLL_OUT_S = 60.0  # from touch-down to 50 kt: a landing judged on ground speed is this late
FLAG_LAG_S = 30.0  # the on-ground flag may lag the real lift-off / touch-down by this much
_CHUNK = 1 << 20


def run_starts(table: pa.Table, seg: NDArray[Any]) -> NDArray[np.int64]:
    """For every row, the index of the first row of its run of identical positions (same
    segment, same latitude and longitude), read in chunks (no full copies of lon/lat)."""
    n = table.num_rows
    new = np.ones(n, bool)
    for a in range(0, n, _CHUNK):
        b = min(n, a + _CHUNK + 1)
        lon = np.asarray(numpy_of(table.column("lon").slice(a, b - a)), float)
        lat = np.asarray(numpy_of(table.column("lat").slice(a, b - a)), float)
        new[a + 1:b] = (lon[1:] != lon[:-1]) | (lat[1:] != lat[:-1])
    if n > 1:
        new[1:] |= seg[1:] != seg[:-1]
    return np.maximum.accumulate(np.where(new, np.arange(n), 0))


def _slope(x: NDArray[Any], y: NDArray[Any], m: NDArray[Any], offset: int = 0,
           width: int | None = None) -> tuple[NDArray[Any], NDArray[Any]]:
    """Least-squares slope of y on x per row over the mask; and the count used. ``offset``,
    ``width``: the arrays are columns ``offset ..`` of a window ``width`` wide, and the sums
    are the whole window's (:func:`basewatch.analysis.flight_windows.row_sums`)."""
    k = m.sum(axis=1)
    kk = np.maximum(k, 1)
    xm = row_sums(np.where(m, x, 0.0), offset, width) / kk
    ym = row_sums(np.where(m, y, 0.0), offset, width) / kk
    dx = np.where(m, x - xm[:, None], 0.0)
    sxx = row_sums(dx * dx, offset, width)
    sxy = row_sums(dx * np.where(m, y - ym[:, None], 0.0), offset, width)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((k >= 2) & (sxx > 0), sxy / sxx, np.nan), k


def time_events(t: NDArray[Any], seg: NDArray[Any], rs: NDArray[Any], trans: NDArray[Any],
                is_takeoff: NDArray[Any], elevation_ft: NDArray[Any], flag_based: NDArray[Any],
                read: Callable[[str, NDArray[Any]], NDArray[Any]], *, above_ft: float = 50.0,
                span: int = 100, fit_s: float = 30.0, chunk: int = 1024, cut: bool = True
                ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """:func:`_time_events` in chunks of ``chunk`` events: the windows are events x 201
    cells per array, which at 10 M positions (78,000 events) would be gigabytes at once.
    Each event is timed from its own row alone, so the chunk changes no result; 1,024 events
    (1.6 MB an array) keep the temporaries small enough to be reused and cached (4,096 did
    the same work with ~25 % more CPU and 40 % more page faults at 1 M positions).
    ``cut``: each chunk's windows cut to the columns its events use
    (:mod:`basewatch.analysis.flight_windows`; the same results, tested against ``False``)."""
    parts = [_time_events(t, seg, rs, trans[a:a + chunk], is_takeoff[a:a + chunk],
                          elevation_ft[a:a + chunk], flag_based[a:a + chunk], read,
                          above_ft=above_ft, span=span, fit_s=fit_s, cut=cut)
             for a in range(0, len(trans), chunk)]
    if not parts:
        return np.zeros(0), np.zeros(0), np.zeros(0)
    return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
            np.concatenate([p[2] for p in parts]))


def _time_events(t: NDArray[Any], seg: NDArray[Any], rs: NDArray[Any], trans: NDArray[Any],
                 is_takeoff: NDArray[Any], elevation_ft: NDArray[Any], flag_based: NDArray[Any],
                 read: Callable[[str, NDArray[Any]], NDArray[Any]], *, above_ft: float,
                 span: int, fit_s: float, high_ft: float = 3000.0, cut: bool = True
                 ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Estimated time, earliest and latest of each lift-off / touch-down (s since the epoch).

    ``trans[e]`` is the first row of the new state (airborne for a take-off); ``rs`` the run
    starts of :func:`run_starts`; ``flag_based[e]`` says the state change came from the
    reported flag (else from ground speed). ``read(column, rows)`` reads a column at rows.

    With altitude: the field's reading is the median reading of rows flagged on the ground
    near the event, else the lower of the field elevation and the lowest reading (pressure
    altitude on a low-pressure day reads below the elevation). Lift-off = first fresh reading
    over ``above_ft`` above it, extrapolated down to it with the climb rate fitted over the
    next ``fit_s`` s; touch-down = last such reading before the ground, extrapolated forward
    with the descent rate of the ``fit_s`` s before (plus up to 8 s for the flare). The
    interval is the field reading's uncertainty (40 ft when read on the ground or below the
    elevation, else 300 ft: an unknown QNH, about ±10 hPa) over the rate, plus 1 s.
    """
    m = len(trans)
    est, lo, hi = np.full(m, np.nan), np.full(m, np.nan), np.full(m, np.nan)
    if m == 0:
        return est, lo, hi
    n = len(t)
    # a state change after a frozen run happened somewhere in it: look around the freeze
    prev = np.maximum(trans - 1, 0)
    frozen = (t[prev] - t[rs[prev]]) > FROZEN_S
    # on the ground only a rolling aircraft (30 kt or more) can freeze: a parked one is still
    frozen &= ~np.asarray(is_takeoff, bool) | (read("gs_kt", rs[prev]) >= 30.0)
    centre = np.where(frozen, rs[prev], trans)
    idx = window(centre, n, span, span)
    ti = t[centre]
    tw = t[idx] - ti[:, None]
    # a landing judged on ground speed is late by the roll-out down to 50 kt (up to a
    # minute): its window reaches that much further back, to the last readings of the descent
    back = np.where(~np.asarray(is_takeoff, bool) & ~np.asarray(flag_based, bool),
                    span + ROLL_OUT_S, span)
    same = (seg[idx] == seg[trans][:, None]) & (tw <= span) & (tw >= -back[:, None])
    # only the columns some event uses (and their neighbours) are worked on: the same cells
    # of each window, the same results (flight_windows)
    whole_idx, whole_tw, width = idx, tw, idx.shape[1]
    c0, c1 = used_span(same) if cut else (0, width)
    if (c0, c1) != (0, width):
        idx, tw, same = idx[:, c0:c1], tw[:, c0:c1], same[:, c0:c1]
    fresh = same & (t[idx] - t[rs[idx]] <= FROZEN_S)
    flat = idx.ravel()
    alt = read("alt_ft", flat).reshape(idx.shape)
    og = read("on_ground", flat).reshape(idx.shape)
    # a reading of exactly 0 with no flag is a surface report (traffic's calibration feeds
    # send 0 on the ground whatever the field's pressure reading: Kiruna, 1,508 ft, reads 0
    # on the taxiway and 1,737 in the flare): a mark of the ground, not a level
    # ... unless the field reads about 0 that day: a descent in 25 ft steps passes 25-50 ft
    # before it reads 0, so a reading within 50 ft of 0 (not 0 itself) in the window makes
    # 0 a reading like any other
    # (a reading of a straight-line fill is none: brussels_vor's fill to its surface reports
    # passes 31 ft, which made the reports a level of 0 and the touch-down 35 s late)
    land = np.flatnonzero(~np.asarray(is_takeoff, bool) | ~np.asarray(flag_based, bool))
    filled = np.zeros(idx.shape, bool)
    if len(land):
        # neighbours judged by segment alone (a cell at the time limit is judged too)
        in_seg = seg[idx[land]] == seg[trans[land]][:, None]
        filled[land] = straight_fill(idx[land], in_seg, t, alt[land], read)
    near_zero = (fresh & ~filled & (np.abs(alt) <= 50.0) & (alt != 0.0)).any(axis=1)
    surface = same & np.isnan(og) & (alt == 0.0) & ~near_zero[:, None]
    # ... nor a 0 a descent passes through to lower readings (tour_de_france at Arcachon)
    surface &= ~passed_zero(alt, tw, fresh)
    og = np.where(surface, 1.0, og)
    raw_alt, alt = alt, np.where(surface, np.nan, alt)
    has = fresh & np.isfinite(alt)
    # a gap filled by a straight line is no reading (traffic's calibration flights: brussels_ils
    # "descends" 375 -> 250 -> 125 -> 0 ft in 15 s, a 12 deg path no aeroplane flies, between
    # two real rows): the event then falls between the real rows around the fill. Looked for
    # in landing windows (a fill ending on the runway hides the touch-down) and in take-off
    # windows without a flag (munich: a fill from the last surface report, 0 ft, to 1,750 ft
    # reads 875 ft, 600 ft under the field, in the climb)
    if len(land):
        # (the fill found above), and the window's two outermost cells, which have only one
        # neighbour, are not used
        has[land] &= ~filled[land]
        has[land, 0] = False
        has[land, -1] = False
    # a reading 6,000 ft/min or more from both its neighbours is no aeroplane's: one cell of
    # a fill (munich: 0 -> 875 -> 1,750 ft in 10 s after the last surface report)
    has &= ~_steep(alt, tw, has, raw_alt, surface)
    # among readings a pressure altimeter can give there (QNH 980-1050 hPa: within 1,000 ft
    # of the elevation): quickstart 7cfa71 sent 9,600 ft parked at Le Bourget (218 ft)
    ground_read = same & (og == 1.0) & np.isfinite(alt) \
        & (np.abs(alt - np.asarray(elevation_ft, float)[:, None]) <= 1000.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ref_g = _median_rows(alt, ground_read)
        low = np.nanmin(np.where(has, alt, np.nan), axis=1)
    # in the flare and on the roll-out the static pressure error reads lower still (ground
    # effect: 25-50 ft under the taxiing reading): for a touch-down the lowest reading near
    # the runway counts; for a lift-off the taxiing one (the roll reads low as well, and
    # taking that for the field would call the taxi "airborne": traffic's Zurich samples)
    to = np.asarray(is_takeoff, bool)
    # a lift-off with no reading flagged on the ground: the lowest level the aircraft holds
    # (8 s within a 25 ft step), not a lone lower reading: on the ground the reading moves
    # only with the pressure, and one held by nothing is no level (tour_de_france at LFLU:
    # 300 ft once at a taxi's start, a fill, then the roll holds 400-425)
    pick = np.flatnonzero(to & ~np.isfinite(ref_g))
    held_ok = np.zeros(m, bool)
    if len(pick):
        held = _lowest_held(alt[pick], tw[pick], has[pick],
                            np.asarray(elevation_ft, float)[pick])
        low[pick] = np.where(np.isfinite(held), held, low[pick])
        held_ok[pick] = np.isfinite(held)
    # ... and a lowest reading neither held, nor read before the state change, nor twice
    # is the climb's first (quickstart 3950cc at Orly: no altitude on the ground, 25 ft
    # climbing 1,920 ft/min at the flag's flip, ~100 ft over the field): a bound, no level
    at_low = has & (alt <= low[:, None])
    taxi_low = held_ok | (at_low & (tw < 0)).any(axis=1) | (at_low.sum(axis=1) >= 2)
    ref = np.where(np.isfinite(ref_g), np.where(to, ref_g, np.fmin(ref_g, low)),
                   np.fmin(elevation_ft, low))
    # a reading under the elevation says the field reads at least that low that day (a high
    # pressure): a level for a lift-off's taxi; not for a touch-down, where the lowest
    # reading may be the aircraft still flying (toulouse: 325 ft 373 m short of 32R at a
    # 499 ft field whose surface reports read 0)
    known = np.isfinite(ref_g) | (to & (low < elevation_ft - 25) & taxi_low)
    # a landing with no reading flagged on the ground: the field's level is the floor the
    # aircraft's own readings reach and hold (8 s or more within one 25 ft step: a descent
    # passes a step faster than that), among readings a pressure altimeter can give there
    # (QNH 980-1050 hPa: no lower than 1,000 ft under the elevation; the calibration feeds'
    # surface reports read 0 even at Kiruna, 1,508 ft, whose floor that day reads 1,737)
    # (and read at new positions: a feed whose position froze repeats its last values, and a
    # level "held" there is the feed's, not the ground's; on the roll-out positions move)
    plausible = has & (alt >= np.asarray(elevation_ft, float)[:, None] - 1000.0) \
        & (rs[idx] == idx)
    floor = _held_floor(alt, tw, plausible)
    floor = np.where(~to & ~np.isfinite(ref_g), floor, np.nan)
    ref = np.where(np.isfinite(floor), floor, ref)
    known |= np.isfinite(floor)
    u_alt = np.where(known, 40.0, 300.0)
    # within a minute of the runway an aircraft is under 1,500 ft above it: higher readings
    # near the ground are another aircraft's (receivers mixing replies: traffic's Zurich
    # samples read 30,700 ft on the runway)
    up = has & (alt > ref[:, None] + above_ft) & (alt < ref[:, None] + 1500.0)
    # take-offs: the first reading above the field from a minute before the flag on
    cand_t = up & (tw >= -60)
    # ... and where the feed sends no altitude under that (OpenSky's flagged feeds send none
    # on the ground, some none under a few thousand feet: quickstart 4241bb at Le Bourget,
    # whose first reading, 61 s after the flag's flip, is 2,100 ft), the first reading up to
    # ``high_ft`` above the field that starts a climb held for ``fit_s`` (every later reading
    # in it as high or higher, 3 ft/s or more on average): one aircraft's climb, not replies
    # mixed from another (those jump about), extrapolated down like a low one
    high = to & ~cand_t.any(axis=1)
    if high.any():
        up_h = has & (alt > ref[:, None] + above_ft) & (alt < ref[:, None] + high_ft) \
            & (tw >= -60) & high[:, None]
        c_h = np.argmax(up_h, axis=1)
        r_ = np.arange(m)
        t_h, a_h = tw[r_, c_h], alt[r_, c_h]
        nxt = has & (tw > t_h[:, None]) & (tw <= t_h[:, None] + fit_s)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            gain = np.nanmax(np.where(nxt, alt, np.nan), axis=1) - a_h
            took = np.nanmax(np.where(nxt, tw, np.nan), axis=1) - t_h
            steady = ~(nxt & (alt < a_h[:, None])).any(axis=1) & nxt.any(axis=1) \
                & (gain >= 3.0 * took)
        high &= up_h.any(axis=1) & steady
        cand_t[high, :] = False
        cand_t[high, c_h[high]] = True
    # landings: the last one up to a minute after, and before the descent first reaches the
    # field's level (the roll-out and the taxi read higher again: belevingsvlucht's roll
    # reads -59 ft in ground effect, its taxi 0, so a taxi reading is not "still flying")
    cols = np.arange(idx.shape[1])[None, :]
    at_field = has & (alt <= ref[:, None] + 10.0)
    seen_up = np.logical_or.accumulate(up, axis=1)
    down = (at_field | surface) & np.c_[np.zeros((m, 1), bool), seen_up[:, :-1]] & (tw >= -60)
    first_down = np.where(down.any(axis=1), np.argmax(down, axis=1), idx.shape[1])
    # not a repeated reading either: a feed may repeat the last altitude for half a minute
    # after the touch-down (traffic's london_gatwick: 75 ft from 03:29:55 while braking)
    # (repeats only matter to landings: looked for in their rows alone)
    repeated = np.zeros(alt.shape, bool)
    if len(land):
        repeated[land], open_l, open_r = _repeated_runs(alt[land], tw[land], FROZEN_S,
                                                        has[land])
        # a run reaching the cut may go on beyond it: those rows on their whole windows
        redo = land[(open_l & (c0 > 0)) | (open_r & (c1 < width))]
        if len(redo):
            whole = read("alt_ft", whole_idx[redo].ravel()).reshape(len(redo), width)
            whole[:, c0:c1] = alt[redo]  # (surface reports taken out, as here)
            repeated[redo] = _repeated_runs(whole, whole_tw[redo], FROZEN_S)[0][:, c0:c1]
    cand_l = up & (tw <= 60) & (cols < first_down[:, None]) & ~repeated
    rows = np.arange(m)
    first = np.argmax(cand_t, axis=1)
    last = idx.shape[1] - 1 - np.argmax(cand_l[:, ::-1], axis=1)
    col = np.where(to, first, last)
    ok = np.where(to, cand_t.any(axis=1), cand_l.any(axis=1)) & np.isfinite(ref)
    t_c = tw[rows, col]
    a_c = alt[rows, col]
    fit = has & np.where(to[:, None], (tw >= t_c[:, None]) & (tw <= t_c[:, None] + fit_s),
                         (tw <= t_c[:, None]) & (tw >= t_c[:, None] - fit_s)) \
        & (alt < ref[:, None] + np.where(high, high_ft + 3000.0, 1500.0)[:, None])
    slope, _ = _slope(tw, alt, fit, c0, width)
    rate = np.where(to, slope, -slope)  # ft/s, positive when climbing (descending)
    default = np.where(to, 25.0, 12.0)  # 1,500 ft/min climb, 700 ft/min descent
    bad_rate = ~(rate >= 3.0)
    rate = np.where(bad_rate, default, rate)
    u = u_alt / rate + np.where(bad_rate, 5.0, 1.0)
    dz = np.maximum(a_c - ref, 0.0) / rate
    e_alt = np.where(to, t_c - dz, t_c + dz)
    e_raw = e_alt
    lo_a = np.where(to, e_alt - u, np.maximum(t_c, e_alt - u))
    hi_a = np.where(to, np.minimum(t_c, e_alt + u), e_alt + u + 8.0)  # the flare slows the sink
    # a reading at the field's level bounds the event: a lift-off is after the last one
    # before the climb, a touch-down before the first one after the descent
    # (not the climb's first reading taken for the level: it is no reading at the field;
    # nor a row repeating the one before it, position and altitude: the feed's repeat, no
    # observation, quickstart 39cea8 at Orly repeating its rotation row for 9 s while it
    # lifted off)
    rep = np.zeros(idx.shape, bool)
    rep[:, 1:] = (rs[idx[:, 1:]] == rs[idx[:, :-1]]) & (raw_alt[:, 1:] == raw_alt[:, :-1]) \
        & (idx[:, 1:] != idx[:, :-1])
    before = at_field & (cols < col[:, None]) & ~(to & ~taxi_low)[:, None] & ~rep
    after = at_field & (cols > col[:, None])
    # a surface report is after the touch-down, to the second (no 25 ft step to allow for)
    after_s = surface & (cols > col[:, None])
    t_before = np.where(before.any(axis=1),
                        tw[rows, idx.shape[1] - 1 - np.argmax(before[:, ::-1], axis=1)], -np.inf)
    t_after = np.where(after.any(axis=1), tw[rows, np.argmax(after, axis=1)], np.inf)
    # ... but not a landing whose position froze in the air with the level unknown (no
    # reading on the ground, no level held): still descending at an approach's rate when it
    # froze (50 ft or more in the last 6 s; a flare sinks under 5 ft/s), its lowest reading
    # is the aircraft still flying (quickstart 398564: 100 ft, frozen 1,159 m short of
    # Roissy's 26L, the field reading about -40 that day)
    last6 = has & (tw >= -6.0) & (tw <= 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        at0 = alt[rows, np.where(last6.any(axis=1),
                                 idx.shape[1] - 1 - np.argmax(last6[:, ::-1], axis=1), 0)]
        sink6 = np.nanmax(np.where(last6, alt, np.nan), axis=1) - at0
    in_air = ~to & frozen & ~known & (sink6 >= 50.0)
    t_after = np.where(in_air, np.inf, t_after)
    quantum = 25.0 / rate  # readings come in 25 ft steps: "at the field" may be 24 ft up
    # a surface report is before the lift-off, to the second
    t_surf_before = np.where(surface & (cols < col[:, None]), tw, -np.inf).max(axis=1)
    lo_a = np.where(to, np.maximum(lo_a, np.maximum(t_before - quantum, t_surf_before)), lo_a)
    t_surface = np.where(after_s.any(axis=1), tw[rows, np.argmax(after_s, axis=1)], np.inf)
    hi_a = np.where(to, hi_a, np.minimum(hi_a, np.minimum(t_after + quantum, t_surface)))
    # the readings contradict the extrapolation: the bound from the readings stands, and
    # the interval reaches back to (on to) the first reading clear of the field
    # (so too when the climb puts the lift-off before the last reading at the field's level:
    # the rate fitted was too slow, the climb slowing within the fit, traffic's
    # tour_de_france at Lannion levelling off at 550 ft within 25 s)
    hi_a = np.where(to & ((hi_a < lo_a) | (e_alt < lo_a)), t_c, hi_a)
    # (a descent extrapolated past the first surface report is the same contradiction)
    gap = ~to & ((lo_a > hi_a) | (e_alt > t_surface))
    lo_a = np.where(gap, t_c, lo_a)
    e_alt = np.clip(e_alt, lo_a, np.maximum(lo_a, hi_a))
    # a touch-down the descent would put after the first reading at the field: it happened
    # between the last reading clear of the field and that one, no nearer either end that
    # the readings can tell (a gap, or a fill taken out above): the middle
    e_alt = np.where(gap, (lo_a + np.maximum(lo_a, hi_a)) / 2, e_alt)
    # the field's level unknown (no reading on the ground, no floor held: only the elevation
    # and an unknown QNH, +-300 ft) and a surface report after the descent: the touch-down is
    # after the last reading clear of the field, before that report, and within the
    # descent's +-300 ft; no nearer either end of what all three leave: the middle (the
    # readings "at the field's level" say nothing when the level is unknown)
    vague = ~to & ~known & np.isfinite(t_surface)
    lo_v = np.maximum(e_raw - u, t_c)
    hi_v = np.minimum(e_raw + u + 8.0, t_surface)
    lo_v, hi_v = np.where(lo_v > hi_v, t_c, lo_v), np.where(lo_v > hi_v, t_surface, hi_v)
    lo_a, hi_a = np.where(vague, lo_v, lo_a), np.where(vague, hi_v, hi_a)
    e_alt = np.where(vague, (lo_v + hi_v) / 2, e_alt)
    # so too a landing whose position froze in the air (above): the feed went on repeating
    # a flying aircraft's values, the readings stop before the ground (quickstart 400804,
    # 1,716 m short of Roissy's 26L at 250 ft, the lowest reading)
    e_alt = np.where(in_air, (lo_a + np.maximum(lo_a, hi_a)) / 2, e_alt)
    ok &= np.abs(e_alt) <= 120.0  # an extrapolation far from the state change is not this one
    # without altitude: the state change, widened by what the basis may be off by
    tp = t[prev] - ti
    flip = t[trans] - ti  # 0, or the length of the frozen run
    fb = np.asarray(flag_based, bool)
    lo_f = np.where(fb, tp - FLAG_LAG_S, np.where(to, tp, -60.0))
    hi_f = np.where(fb, 0.0, np.where(to, 45.0, 0.0))
    # frozen: the change happened after the last fresh position (or up to the flag's lag
    # before it) and before the flag flipped; the freeze is the estimate
    lo_f = np.where(frozen, -FLAG_LAG_S, lo_f)
    hi_f = np.where(frozen, flip, hi_f)
    e_f = np.where(frozen, 0.0, (lo_f + hi_f) / 2)
    est = ti + np.where(ok, e_alt, e_f)
    lo = ti + np.where(ok, lo_a, lo_f)
    hi = ti + np.where(ok, hi_a, hi_f)
    # a landing is over once the feed reports the aircraft on the ground (surface positions
    # follow the touch-down; they never precede it): the flag bounds it from above. Not so
    # for take-offs: real feeds flip to "airborne" early in the roll (traffic's quickstart
    # sample, 39cea2 at Orly: 20 s before the altitude leaves the field's reading)
    cap = ~to & fb
    width = est - lo
    hi = np.where(cap, np.minimum(hi, t[trans]), hi)
    est = np.where(cap, np.minimum(est, hi), est)
    lo = np.where(cap, np.minimum(lo, est - width), lo)
    return est, np.minimum(lo, est), np.maximum(hi, est)


def runway_by_path(af_idx: NDArray[Any], rows: NDArray[Any], t_at: NDArray[Any],
                   t: NDArray[Any], seg: NDArray[Any], rs: NDArray[Any], airfields: Sequence[Any],
                   read: Callable[[str, NDArray[Any]], NDArray[Any]], *,
                   before_s: float = 60.0, after_s: float = 40.0, max_cross_m: float = 120.0,
                   step: int = 4) -> list[str]:
    """The runway end each event used, from its positions around ``rows[e]`` (a row of the
    event's segment) and time ``t_at[e]`` (the event's time).

    Positions within ``before_s``/``after_s`` of that time, fresh and faster than 40 kt (not
    taxiing), are measured against every runway of the event's airfield (geodesic along/
    cross-track): the runway with the most positions within ``max_cross_m`` of its centreline
    (then the least mean offset) is the one followed, and the order of the positions along
    it (least-squares slope of along-track distance on time) gives the end used: moving from
    the low end toward the high end is the low end's designator. "" when no runway is
    followed by two positions moving along it.
    """
    m = len(rows)
    out = [""] * m
    if m == 0:
        return out
    n = len(t)
    # up to ~26 positions per event: every ``step``-th row within 64 rows either side (at
    # 1 Hz: every 4 s over -64..+64 s; sparser feeds: fewer, the time mask decides)
    idx = window(rows, n, 64, 64, step)
    tw = t[idx] - np.asarray(t_at, float)[:, None]
    use = (seg[idx] == seg[rows][:, None]) & (tw >= -before_s) & (tw <= after_s) \
        & (t[idx] - t[rs[idx]] <= FROZEN_S)
    flat = idx.ravel()
    gs = read("gs_kt", flat).reshape(idx.shape)
    use &= ~(gs < 40.0)
    lon = read("lon", flat).reshape(idx.shape)
    lat = read("lat", flat).reshape(idx.shape)
    # real positions decide; a fill's only where there are no others (a fill drawn from 2.5
    # km off the axis across the grass strip 01L, 73 m west of LFLU's 01, made 01L the
    # runway of a roll on 01's centreline: tour_de_france, 12 Sep 2020)
    real = use & ~filled_cells(rows, n, 64, step, seg, t, read, use)
    _follow(af_idx, airfields, real, tw, lon, lat, max_cross_m, out)
    left = np.array([o == "" for o in out])
    _follow(np.where(left, af_idx, -1), airfields, use, tw, lon, lat, max_cross_m, out)
    return out


def _follow(af_idx: NDArray[Any], airfields: Sequence[Any], use: NDArray[np.bool_],
            tw: NDArray[Any], lon: NDArray[Any], lat: NDArray[Any], max_cross_m: float,
            out: list[str]) -> None:
    """The scoring of :func:`runway_by_path` over the positions ``use``, into ``out``."""
    best = np.full(len(out), -np.inf)
    for j in unique_sorted(af_idx[af_idx >= 0]):
        ev = np.flatnonzero(af_idx == j)
        u = use[ev]
        for rw in airfields[int(j)].runways:
            az = float(azimuth_deg(rw.le_lon, rw.le_lat, rw.he_lon, rw.he_lat))
            length = float(distance_m(rw.le_lon, rw.le_lat, rw.he_lon, rw.he_lat))
            along = np.zeros(u.shape)
            cross = np.full(u.shape, np.inf)
            # measured (geodesic) only where used
            along[u], cross[u] = along_cross_track_m(lon[ev][u], lat[ev][u], rw.le_lon,
                                                     rw.le_lat, az)
            on = u & (np.abs(cross) <= max_cross_m) & (along >= -6000) \
                & (along <= length + 6000)
            cnt = on.sum(axis=1)
            mean_off = np.where(on, np.abs(cross), 0.0).sum(axis=1) / np.maximum(cnt, 1)
            slope, _ = _slope(tw[ev], along, on)
            score = cnt - mean_off / max_cross_m  # more positions on it, then closer to it
            for r in np.flatnonzero((cnt >= 2) & (score > best[ev]) & np.isfinite(slope)
                                    & (np.abs(slope) > 10.0)):
                e = int(ev[r])
                best[e] = score[r]
                out[e] = rw.le_ident if slope[r] > 0 else rw.he_ident
