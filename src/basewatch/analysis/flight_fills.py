"""Filled rows: positions a feed drew on a straight line across a gap (pure, vectorised).

:func:`straight_fill` (two or more rows on the line between their neighbours, or one row at
their exact midpoint: :func:`midpoint_fill`), :func:`alt_fill` (the altitude alone, off the
25 ft grid); ``flight_timing`` finds them in its windows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["alt_fill", "midpoint_fill", "straight_fill"]


def midpoint_fill(line: NDArray[np.bool_], f: NDArray[Any], idx: NDArray[Any],
                  t: NDArray[Any], read: Callable[[str, NDArray[Any]], NDArray[Any]], *,
                  min_gap_s: float = 4.0) -> NDArray[np.bool_]:
    """Window cells (``idx``, consecutive rows) of a **one-row** fill: on the line of
    :func:`basewatch.analysis.flight_fills.straight_fill` (``line``; ``f`` the cell's
    fraction of the time between its neighbours), halfway
    in time and at the exact midpoint of their neighbours in ground speed too, in a row with
    no on-ground flag, its neighbours at least ``min_gap_s`` apart. The feeds that fill gaps
    with straight lines send no flag (traffic's
    calibration flights, 5-10 s rows: ``perth`` 7c1a89 reads 250 -> 125 -> 0 ft and 74 -> 64
    -> 54 kt at 00:33:20-:30 on 24's roll-out, the 125 ft taken as the last reading aloft);
    flagged feeds (OpenSky state vectors, 1 s) repeat a position they have not decoded; and
    a 1 s step on the position grid at a steady speed can be a midpoint by chance. Measured
    over traffic's samples (926,589 rows): such rows number 783 in flagged feeds, 421 in
    unflagged ones with neighbours under 4 s apart (both left alone), and 4,638 in the
    unflagged 5-10 s feeds, 991 of them betraying the interpolation with a speed or track
    of x.5 (84.5 kt, 43.5 deg: nice; the others are rounded to whole units)."""
    out = np.zeros(idx.shape, bool)
    ti = t[idx]
    inner = line[:, 1:-1] & (np.abs(f - 0.5) < 1e-6) & (ti[:, 2:] - ti[:, :-2] >= min_gap_s)
    if not inner.any():
        return out
    flat = idx.ravel()
    gs = read("gs_kt", flat).reshape(idx.shape)
    og = read("on_ground", flat).reshape(idx.shape)
    with np.errstate(invalid="ignore"):
        mid = np.abs(gs[:, 1:-1] - (gs[:, :-2] + gs[:, 2:]) / 2) < 0.01
    out[:, 1:-1] = inner & mid & np.isnan(og[:, 1:-1])
    return out


def straight_fill(idx: NDArray[Any], same: NDArray[np.bool_], t: NDArray[Any],
                  alt: NDArray[Any], read: Callable[[str, NDArray[Any]], NDArray[Any]]
                  ) -> NDArray[np.bool_]:
    """Window cells (``idx``: consecutive rows) that lie on the straight line between their two
    neighbours in time in altitude, latitude and longitude at once, the altitude changing: a
    gap filled linearly. A real descent is not that straight: readings come in 25 ft steps
    and positions on the decoding grid (metres), so all three on one line to a centimetre
    and a foot, over two cells in a row, is a fill (a level or parked aircraft, no altitude
    change, is left alone)."""
    w = idx.shape[1]
    out = np.zeros(idx.shape, bool)
    if w < 3 or len(idx) == 0:
        return out
    flat = idx.ravel()
    lon = read("lon", flat).reshape(idx.shape)
    lat = read("lat", flat).reshape(idx.shape)
    ti = t[idx].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        f = (ti[:, 1:-1] - ti[:, :-2]) / (ti[:, 2:] - ti[:, :-2])

        def off(x: NDArray[Any]) -> NDArray[Any]:
            return np.abs(x[:, 1:-1] - (x[:, :-2] + (x[:, 2:] - x[:, :-2]) * f))

        inner = same[:, :-2] & same[:, 1:-1] & same[:, 2:] & (idx[:, 2:] == idx[:, :-2] + 2) \
            & (f > 0) & (f < 1) & (np.abs(alt[:, 2:] - alt[:, :-2]) > 0)
        line = inner & (off(alt) < 1.0)
        out[:, 1:-1] = line & (off(lat) < 1e-6) & (off(lon) < 1e-6)
    # two such cells in a row (four rows on one line): one can happen by chance
    two = out[:, :-1] & out[:, 1:]
    lone = out.copy()
    out[:, :-1] = two
    out[:, 1:] |= two
    return out | midpoint_fill(lone & ~out, f, idx, t, read) | alt_fill(line, alt)


def alt_fill(line: NDArray[np.bool_], alt: NDArray[Any]) -> NDArray[np.bool_]:
    """Cells of an **altitude-only** straight-line fill, from ``line`` (the inner cells,
    ``[:, 1:-1]``, whose reading is on the line between its neighbours to a foot): two such
    cells in a row, one of the three readings around each off the 25 ft grid. A barometric
    reading is sent in 25 ft (or 100 ft) steps, so a reading off that grid was made up, and a
    run of them on a straight line in time is a fill even where the positions are real (a
    taxi reported in surface position messages, which carry no altitude: traffic's
    ``tour_de_france`` "climbs" 300 -> 418 ft in 6.94 ft steps while taxiing to LFLU 01). A
    real climb on the grid can be as straight, and is left alone."""
    out = np.zeros(alt.shape, bool)
    if alt.shape[-1] < 3:
        return out
    with np.errstate(invalid="ignore"):
        offg = np.abs(alt - 25.0 * np.round(alt / 25.0)) > 0.5
    near = offg[..., :-2] | offg[..., 1:-1] | offg[..., 2:]
    inner = line & near
    two = inner[..., :-1] & inner[..., 1:]
    out[..., 1:-2] = two
    out[..., 2:-1] |= two
    return out
