"""Positions near airfields, sorted out by a grid of 0.1 degree cells before any distance.

:func:`basewatch.analysis.sorties.daily_coverage` counts positions within a radius of each
airfield (the great-circle distance decides, the ellipsoid near the limit). Most positions
of a feed lie in cells that are wholly inside one airfield's circle or wholly outside every
circle; this module labels the cells once per call (a few thousand per airfield) so that only
the positions of cells on a circle's edge, or near two airfields, are measured, and those of a
cell that only one airfield's circle reaches only against that airfield. Pure.

A cell is wholly inside when the distance from the airfield to its centre plus its half
diagonal (the farthest corner; the great circle is a metric, so every point of the cell is
within that sum) stays under the inner limit less a margin; wholly outside when the distance
less the half diagonal exceeds the outer limit plus a margin.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from basewatch.analysis.flight_arrays import unique_sorted
from basewatch.analysis.geodesy import approx_distance_m

__all__ = ["CELL_DEG", "MEASURE", "OUTSIDE", "cell_labels", "edge_field"]

#: Cell size (degrees of latitude and of longitude).
CELL_DEG = 0.1
_ROWS, _COLS = 1800, 3600
#: Labels: no airfield's circle reaches the cell / measure its positions one by one against
#: every airfield. A cell that only airfield ``k``'s circle reaches (its edge runs through
#: the cell) is labelled ``EDGE - k``: measure its positions against ``k`` alone (every other
#: airfield is farther from all of the cell's points than its outer limit plus the margin).
OUTSIDE, MEASURE, EDGE = -1, -2, -3
#: Metres kept between a cell's bound and a limit (rounding of the great-circle formula is
#: far below a millimetre at these distances).
_MARGIN_M = 50.0


def _cells_of(lon: NDArray[Any], lat: NDArray[Any]) -> tuple[NDArray[np.int64], NDArray[Any]]:
    """Cell number of each position, and which positions have one (finite, on the globe)."""
    ok = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90.0) & (np.abs(lon) <= 180.0)
    la = np.where(ok, lat, 0.0)
    lo = np.where(ok, lon, 0.0)
    row = np.minimum(np.floor((la + 90.0) / CELL_DEG), _ROWS - 1).astype(np.int64)
    col = np.minimum(np.floor((lo + 180.0) / CELL_DEG), _COLS - 1).astype(np.int64)
    row *= _COLS
    row += col
    return row, ok


def cell_labels(lon: NDArray[Any], lat: NDArray[Any], fields: Sequence[tuple[float, float]],
                inner_m: float, outer_m: float, band_deg: float) -> NDArray[np.int32]:
    """Per position: the index of the one field whose circle holds it for certain (every
    point of its cell within ``inner_m``, and no other field's circle within ``outer_m`` of
    the cell), :data:`OUTSIDE` (no point of its cell within ``outer_m`` of any field),
    ``EDGE - k`` (only field ``k``'s circle comes within ``outer_m`` of the cell, not wholly:
    :func:`edge_field`), or :data:`MEASURE` (anything else, and positions off the globe or
    NaN). ``band_deg``: the latitude reach of a circle (rows beyond it are outside)."""
    grid = _grid(tuple((float(x), float(y)) for x, y in fields), inner_m, outer_m, band_deg)
    cells, ok = _cells_of(np.asarray(lon, float), np.asarray(lat, float))
    out = grid[cells]
    out[~ok] = MEASURE
    return out


@functools.lru_cache(maxsize=1)  # an import's parts share one set of airfields (26 MB)
def _grid(fields: tuple[tuple[float, float], ...], inner_m: float, outer_m: float,
          band_deg: float) -> NDArray[np.int32]:
    """The label of every cell (read-only)."""
    grid = np.full(_ROWS * _COLS, OUTSIDE, np.int32)
    h = CELL_DEG / 2.0
    for k, (alon, alat) in enumerate(fields):
        r0 = max(0, math.floor((alat - band_deg + 90.0) / CELL_DEG) - 1)
        r1 = min(_ROWS - 1, math.floor((alat + band_deg + 90.0) / CELL_DEG) + 1)
        rows = np.arange(r0, r1 + 1)
        top = abs(alat) + band_deg + CELL_DEG
        # longitude reach: twice the band over the cosine of the farthest latitude (a
        # circle round a pole reaches every longitude)
        reach = 360.0 if top >= 89.0 else 2.0 * band_deg / math.cos(math.radians(top)) + CELL_DEG
        if reach >= 180.0:
            cols = np.arange(_COLS)
        else:
            c0 = math.floor((alon - reach + 180.0) / CELL_DEG)
            cols = unique_sorted(np.arange(c0, math.floor((alon + reach + 180.0) / CELL_DEG) + 1)
                             % _COLS)
        clat = np.repeat(-90.0 + (rows + 0.5) * CELL_DEG, len(cols))
        clon = np.tile(-180.0 + (cols + 0.5) * CELL_DEG, len(rows))
        cell = np.repeat(rows, len(cols)) * _COLS + np.tile(cols, len(rows))
        d = approx_distance_m(clon, clat, alon, alat)
        half = np.maximum.reduce([approx_distance_m(clon, clat, clon + sx * h,
                                                    np.clip(clat + sy * h, -90.0, 90.0))
                                  for sx in (-1.0, 1.0) for sy in (-1.0, 1.0)])
        touch = d - half <= outer_m + _MARGIN_M
        inside = d + half <= inner_m - _MARGIN_M
        t_cell, t_in = cell[touch], inside[touch]
        cur = grid[t_cell]
        grid[t_cell] = np.where(cur == OUTSIDE, np.where(t_in, k, EDGE - k), MEASURE)
    grid.flags.writeable = False
    return grid


def edge_field(labels: NDArray[Any]) -> NDArray[Any]:
    """The field index of ``EDGE - k`` labels (any label at or under :data:`EDGE`)."""
    return EDGE - labels
