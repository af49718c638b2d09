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
* **Debounce**: a run of one state lasting under 30 s between two runs of the other is flag
  noise and flipped, airborne blips first, then ground ones.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from basewatch.analysis.geodesy import approx_distance_m, distance_m

__all__ = ["BASELINE_S", "SLOW_KT", "debounce", "ground_state", "implied_speed_kt"]

SLOW_KT = 50.0  # below this an aeroplane is on the ground
BASELINE_S = 10.0  # implied speeds over at least this long: position noise averages out
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
        lon = np.asarray(table.column("lon").slice(lo_row, hi_row - lo_row)
                         .to_numpy(zero_copy_only=False), float)
        lat = np.asarray(table.column("lat").slice(lo_row, hi_row - lo_row)
                         .to_numpy(zero_copy_only=False), float)
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
