"""The readings of barometric altitude around a lift-off or touch-down: which of them say
where the field's level is (helpers of :mod:`basewatch.analysis.flight_timing`, pure,
vectorised over events: one row per event, one column per window cell).

* a level the aircraft **holds** (readings within one 25 ft step spanning 8 s or more) is the
  ground's: on the ground the reading moves only with the pressure, and a descent or climb
  passes a step faster (:func:`held_floor`, :func:`lowest_held`);
* a reading 6,000 ft/min or more from both its neighbours is no aeroplane's (:func:`steep`);
* a run of one value lasting over 8 s is news only at its first row: a feed repeating its last
  altitude (:func:`repeated`);
* a 0 between a higher reading before and a lower one after, in one descent, is a pressure
  reading passed through, not a surface report (:func:`passed_zero`).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["FROZEN_S", "held_floor", "lowest_held", "median_rows", "passed_zero", "repeated",
           "repeated_runs", "steep"]

FROZEN_S = 8.0  # a position unchanged for longer than this, while moving, is forward-filled


def median_rows(x: NDArray[Any], use: NDArray[np.bool_]) -> NDArray[np.float64]:
    """Median of each row's used (finite) cells, NaN where none: ``np.nanmedian`` over the
    masked rows, to the bit (the mean of the two middle values, the middle one twice when
    their number is odd), with one sort instead of its masked-array path (~10x faster)."""
    s = np.sort(np.where(use, x, np.nan), axis=1)  # NaN sort last
    k = use.sum(axis=1)
    h = k // 2
    low = np.where(k % 2 == 1, h, h - 1)
    rows = np.arange(len(x))
    w = max(x.shape[1] - 1, 0)
    mid = (s[rows, np.clip(low, 0, w)] + s[rows, np.minimum(h, w)]) / 2.0
    return np.where(k > 0, mid, np.nan)


def steep(alt: NDArray[Any], tw: NDArray[Any], has: NDArray[np.bool_],
           raw_alt: NDArray[Any], surface: NDArray[np.bool_], max_fps: float = 100.0
           ) -> NDArray[np.bool_]:
    """Cells whose reading differs from both the previous and the next reading (a surface
    report counts as 0 ft) by more than ``max_fps`` feet a second.

    Worked on the used cells only (readings and surface reports, in row order): a window is
    mostly empty where a feed is sparse (5 % of the cells on the benchmark's positions), and
    only a reading with a used cell on each side in its row can be steep."""
    m, w = alt.shape
    out = np.zeros(m * w, bool)
    u = np.flatnonzero(has | surface)  # used cells, row by row, in order
    if len(u) < 3:
        return out.reshape(m, w)
    row = u // w
    mid = np.flatnonzero((row[1:-1] == row[:-2]) & (row[1:-1] == row[2:])) + 1
    mid = mid[has.ravel()[u[mid]]]
    here, before, after = u[mid], u[mid - 1], u[mid + 1]
    srf, raw, t_all = surface.ravel(), raw_alt.ravel(), np.ascontiguousarray(tw).ravel()
    a, a_p, a_n = (np.where(srf[c], 0.0, raw[c]) for c in (here, before, after))
    t, t_p, t_n = t_all[here], t_all[before], t_all[after]
    with np.errstate(divide="ignore", invalid="ignore"):
        r_prev = np.abs(a - a_p) / np.abs(t - t_p)
        r_next = np.abs(a_n - a) / np.abs(t_n - t)
    out[here[(r_prev > max_fps) & (r_next > max_fps)]] = True
    return out.reshape(m, w)


def held_floor(alt: NDArray[Any], tw: NDArray[Any], use: NDArray[np.bool_]
                ) -> NDArray[np.float64]:
    """Per row, the lowest used reading if the readings within 25 ft above it span
    :data:`FROZEN_S` seconds or more (held: the ground, not a step passed in a descent),
    else NaN."""
    low, first, last = _held_span(alt, tw, use)
    return np.where(last - first >= FROZEN_S, low, np.nan)


def _held_span(alt: NDArray[Any], tw: NDArray[Any], use: NDArray[np.bool_]
               ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Per row, the lowest used reading and the first and last times of the used readings
    within 25 ft above it (NaN where a row uses none)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        low = np.nanmin(np.where(use, alt, np.nan), axis=1)
        near = use & (alt <= low[:, None] + 25.0)
        first = np.nanmin(np.where(near, tw, np.nan), axis=1)
        last = np.nanmax(np.where(near, tw, np.nan), axis=1)
    return low, first, last


def lowest_held(alt: NDArray[Any], tw: NDArray[Any], use: NDArray[np.bool_],
                 elevation_ft: NDArray[Any], tries: int = 3) -> NDArray[np.float64]:
    """Per row, the lowest reading the aircraft holds on the ground: readings within 25 ft
    above it spanning :data:`FROZEN_S` s or more, one of them at or before the state change
    (``tw`` <= 0: a level-off in the climb is not the ground), among readings a pressure
    altimeter can give at the field (within 1,000 ft of the elevation: QNH 980-1050 hPa).
    Lower readings held by nothing are passed over, up to ``tries`` of them; NaN if none."""
    use = use & (np.abs(alt - elevation_ft[:, None]) <= 1000.0)
    out = np.full(len(alt), np.nan)
    todo = use.any(axis=1)
    for _ in range(tries):
        if not todo.any():
            break
        low, first, last = _held_span(alt, tw, use)
        ok = todo & (last - first >= FROZEN_S) & (first <= 0.0)
        out = np.where(ok, low, out)
        todo &= ~ok
        use = use & ~(todo[:, None] & (alt <= low[:, None]))
        todo &= use.any(axis=1)
    return out


def repeated(alt: NDArray[Any], tw: NDArray[Any], after_s: float) -> NDArray[np.bool_]:
    """Cells repeating the first reading of a run of one value (missing cells skipped) that
    lasts over ``after_s`` seconds: a feed repeating its last altitude. Only the run's first
    cell is news (a 25 ft step lasts a few seconds in a real flare, not half a minute)."""
    return repeated_runs(alt, tw, after_s)[0]


def repeated_runs(alt: NDArray[Any], tw: NDArray[Any], after_s: float,
                  use: NDArray[np.bool_] | None = None
                  ) -> tuple[NDArray[np.bool_], NDArray[np.bool_], NDArray[np.bool_]]:
    """:func:`repeated`, and per row whether a cell of ``use`` lies in the row's first run
    (from its first reading) and in its last run (to the window's last cell): the runs a
    window cut there may have cut short (``flight_windows``)."""
    w = alt.shape[1]
    col = np.arange(w)[None, :]
    fin = np.isfinite(alt)
    last = np.maximum.accumulate(np.where(fin, col, 0), axis=1)  # forward fill across gaps
    filled = np.take_along_axis(alt, last, axis=1)
    changed = np.ones(alt.shape, bool)
    changed[:, 1:] = filled[:, 1:] != filled[:, :-1]
    begun = np.maximum.accumulate(np.where(changed, col, 0), axis=1)
    ends = np.ones(alt.shape, bool)  # the run's last cell: the next one changes
    ends[:, :-1] = changed[:, 1:]
    end = np.minimum.accumulate(np.where(ends, col, w - 1)[:, ::-1], axis=1)[:, ::-1]
    dur = np.take_along_axis(tw, end, axis=1) - np.take_along_axis(tw, begun, axis=1)
    out = np.asarray(fin & (col != begun) & (dur > after_s), bool)
    if use is None or w == 0:
        none = np.zeros(len(alt), bool)
        return out, none, none
    first = np.argmax(fin, axis=1)  # the first reading (0 where none: no use cell either)
    return (out, (use & fin & (begun == first[:, None])).any(axis=1),
            (use & (end == w - 1)).any(axis=1))


def passed_zero(alt: NDArray[Any], tw: NDArray[Any], fresh: NDArray[np.bool_],
                gap_s: float = 10.0) -> NDArray[np.bool_]:
    """Cells reading exactly 0 that a descent passes through: the fresh reading before them
    is above 0 and the one after them below 0, each within ``gap_s`` seconds.

    The calibration feeds send 0 in surface reports, but 0 is also what the altimeter reads
    at 0 ft of pressure altitude: on a day a field reads under 0 (a high pressure: Arcachon
    read -100/-125 ft on 6 Sep 2020, traffic's ``tour_de_france``), a descent reads 100, 0,
    -100 in 5 s rows on its way down. A surface report marks the ground; a reading lower
    still in the same descent, seconds later, says the aircraft was not there yet."""
    use = fresh & np.isfinite(alt) & (alt != 0.0)
    w = alt.shape[1]
    if w == 0:
        return np.zeros(alt.shape, bool)
    col = np.arange(w)[None, :]
    rows = np.arange(len(alt))[:, None]
    prev = np.maximum.accumulate(np.where(use, col, -1), axis=1)
    nxt = np.minimum.accumulate(np.where(use, col, w)[:, ::-1], axis=1)[:, ::-1]
    pa_, na_ = np.clip(prev, 0, w - 1), np.clip(nxt, 0, w - 1)
    with np.errstate(invalid="ignore"):
        return np.asarray(fresh & (alt == 0.0) & (prev >= 0) & (nxt < w)
                          & (alt[rows, pa_] > 0.0) & (alt[rows, na_] < 0.0)
                          & (tw - tw[rows, pa_] <= gap_s) & (tw[rows, na_] - tw <= gap_s), bool)
