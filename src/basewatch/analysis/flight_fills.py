"""One-row fills: a row drawn halfway between its neighbours over a gap.

Helper of :func:`basewatch.analysis.flight_timing.straight_fill` (pure, vectorised).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["midpoint_fill"]


def midpoint_fill(line: NDArray[np.bool_], f: NDArray[Any], idx: NDArray[Any],
                  t: NDArray[Any], read: Callable[[str, NDArray[Any]], NDArray[Any]], *,
                  min_gap_s: float = 4.0) -> NDArray[np.bool_]:
    """Window cells (``idx``, consecutive rows) of a **one-row** fill: on the line of
    :func:`basewatch.analysis.flight_timing.straight_fill` (``line``; ``f`` the cell's
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
