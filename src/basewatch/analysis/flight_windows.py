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

from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["MARGIN", "row_sums", "used_span"]

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
