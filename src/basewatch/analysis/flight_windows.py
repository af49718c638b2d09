"""Event windows cut to the cells they use (helpers of :mod:`basewatch.analysis.flight_timing`,
pure).

Timing an event reads a window of rows around it (201 rows for a lift-off or touch-down),
then masks the cells of other segments and beyond a time limit (100 s either side). On a
1 Hz feed every cell is in the window's time; on a feed every 10 s (the benchmark's synthetic
positions) about 20 of the 201 are, and the rest was worked on only to be masked. :func:`used_span` gives the columns a block of events uses, with a
margin for rules that look at neighbours (a straight-line fill is judged from the two rows
either side of a cell), so that every rule sees the same cells it would in the whole window.

Two things depend on the whole window, not on its used cells, and are kept so:

* a float sum along a row (a least-squares slope) is a pairwise sum whose grouping depends
  on each value's column and on the row's length: :func:`row_sums` sums the values at their
  columns in a row of the whole window's width (zeros elsewhere, as masked cells were), the
  same additions in the same order, to the bit;
* a run of one repeated altitude (``flight_levels.repeated``) may reach past the cut: the
  caller recomputes the rows where it does on their whole windows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from basewatch.analysis.flight_fills import straight_fill

__all__ = ["MARGIN", "filled_cells", "row_sums", "used_span", "window"]

#: Columns kept either side of the used ones: a fill's cell is judged from its neighbours'
#: neighbours (``flight_fills.straight_fill``: two cells either side) and a cut window's edge
#: cell is judged as an edge (one more).
MARGIN = 3


def used_span(use: NDArray[np.bool_], margin: int = MARGIN) -> tuple[int, int]:
    """``(a, b)``: the columns ``a .. b - 1`` holding every used cell of any row of ``use``,
    widened by ``margin`` either side within the window; the whole window when none is
    used."""
    w = use.shape[1]
    cols = np.flatnonzero(use.any(axis=0))
    if len(cols) == 0:
        return 0, w
    return max(int(cols[0]) - margin, 0), min(int(cols[-1]) + margin + 1, w)


def row_sums(v: NDArray[Any], offset: int = 0, width: int | None = None) -> NDArray[Any]:
    """``v.sum(axis=1)`` as numpy gives it for the rows of a window ``width`` wide whose
    columns ``offset ..`` hold ``v`` and whose other cells are 0: the same pairwise additions,
    to the bit (adding a zero is exact; which values are added together first is not the same
    for a shorter row)."""
    if width is None or (offset == 0 and v.shape[1] == width):
        return np.asarray(v.sum(axis=1))
    full = np.zeros((v.shape[0], width), v.dtype)
    full[:, offset:offset + v.shape[1]] = v
    return np.asarray(full.sum(axis=1))


def window(rows: NDArray[Any], n: int, before: int, after: int, step: int = 1
           ) -> NDArray[np.int64]:
    """Row indices ``rows[e] - before .. rows[e] + after`` (every ``step``), clipped to the
    table; callers mask by segment and time."""
    off = np.arange(-before, after + 1, step)
    return np.asarray(np.clip(rows[:, None] + off[None, :], 0, max(n - 1, 0)), np.int64)


def filled_cells(rows: NDArray[Any], n: int, half: int, step: int, seg: NDArray[Any],
                 t: NDArray[Any], read: Callable[[str, NDArray[Any]], NDArray[Any]],
                 use: NDArray[np.bool_] | None = None, chunk: int = 1024) -> NDArray[np.bool_]:
    """Of the rows ``window(rows, n, half, half, step)``, those of a straight-line fill
    (:func:`~basewatch.analysis.flight_fills.straight_fill`, judged on consecutive rows): a filled position is drawn, not
    flown. ``use``: the cells asked about (others may be left False); only the consecutive
    rows around them are judged (with the :data:`MARGIN` a fill is judged from),
    ``chunk`` events at a time."""
    w = 2 * half + 1
    out = np.zeros((len(rows), w), bool)
    for e0 in range(0, len(rows), chunk):
        r = rows[e0:e0 + chunk]
        a, b = 0, w
        if use is not None:
            if not use[e0:e0 + chunk].any():
                continue
            s0, s1 = used_span(use[e0:e0 + chunk], 0)
            a, b = max(s0 * step - MARGIN, 0), min((s1 - 1) * step + MARGIN + 1, w)
        idx1 = window(r, n, half - a, b - 1 - half)
        same = seg[idx1] == seg[r][:, None]
        alt = read("alt_ft", idx1.ravel()).reshape(idx1.shape)
        out[e0:e0 + chunk, a:b] = straight_fill(idx1, same, t, alt, read)
    return out[:, ::step]
