"""Reach areas (ground buffered by a range, geodesically) and GeoJSON-safe splitting at 180°."""

from __future__ import annotations

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.affinity import translate
from shapely.geometry import MultiPolygon, Polygon, box
from shapely.geometry.base import BaseGeometry

from basewatch.analysis.geodesy import GEOD, local_aeqd

__all__ = ["reach_area", "split_antimeridian"]


#: Mean Earth radius (m), for the azimuthal equidistant projection's scale bound.
_R = 6_371_008.8
#: Metres added to every reach: covers the gap between a ground edge drawn straight in the
#: projection and the geodesic it stands for (under 10 m for 100 km edges 500 km off centre).
_EDGE_SLACK_M = 25.0
#: Longest edge (m) kept straight, in the ground (along geodesics) and in the result.
_DENSIFY_M = 5_000.0


def reach_area(ground: BaseGeometry, range_m: float, quad_segs: int = 16) -> BaseGeometry:
    """The ground plus every point within ``range_m`` of it: where a weapon fired from the ground
    can land. An outer bound, never short: every point whose geodesic distance to the ground
    is at most ``range_m`` lies inside (tested against ``pyproj.Geod``), and the boundary lies
    at most ~0.2 % beyond the range.

    Buffered in an azimuthal equidistant projection centred on the ground. That projection
    stretches lengths across its radius by up to x/sin(x) (x: farthest distance from the centre
    over the Earth's radius) and a buffer's arcs are chords, so the buffer distance is the
    range times both factors (plus a few metres for edges); split at the antimeridian for
    GeoJSON."""
    c = shapely.centroid(ground)
    fwd, inv = local_aeqd(round(float(c.x), 6), round(float(c.y), 6))
    ground = _geodesic_densify(ground, _DENSIFY_M)  # edges are geodesics, as distances take them
    projected = shapely.transform(ground, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))
    xy = shapely.get_coordinates(projected)
    x = (float(np.hypot(xy[:, 0], xy[:, 1]).max()) + range_m) / _R if len(xy) else range_m / _R
    stretch = x / np.sin(x) if 0 < x < np.pi / 2 else 1.0 + x * x / 6
    sag = 1.0 / np.cos(np.pi / (4 * quad_segs))  # arc of a quarter circle in quad_segs chords
    buffered = shapely.buffer(projected, range_m * stretch * sag * 1.0001 + _EDGE_SLACK_M,
                              quad_segs=quad_segs)
    # Short pieces, so the straight lon/lat edges of the result follow the projected outline.
    buffered = shapely.segmentize(buffered, _DENSIFY_M)
    back = shapely.transform(buffered, lambda xy: np.column_stack(inv.transform(xy[:, 0], xy[:, 1])))
    return split_antimeridian(back)


def _geodesic_densify(geom: BaseGeometry, max_m: float) -> BaseGeometry:
    """The polygon with a vertex at least every ``max_m`` along each edge's geodesic."""
    def ring(coords: NDArray[np.float64]) -> NDArray[np.float64]:
        xy = np.asarray(coords)[:, :2]
        _, _, length = GEOD.inv(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1])
        long_ = np.flatnonzero(np.asarray(length) > max_m)
        if not long_.size:
            return xy
        out: list[NDArray[np.float64]] = []
        last = 0
        for k in long_.tolist():
            out.append(xy[last:k + 1])
            n = int(np.ceil(length[k] / max_m)) - 1
            out.append(np.asarray(GEOD.npts(xy[k, 0], xy[k, 1], xy[k + 1, 0], xy[k + 1, 1], n)))
            last = k + 1
        out.append(xy[last:])
        return np.concatenate(out)

    parts = []
    for p in shapely.get_parts(geom):
        if isinstance(p, Polygon):
            parts.append(Polygon(ring(np.asarray(p.exterior.coords)),
                                 [ring(np.asarray(h.coords)) for h in p.interiors]))
    if not parts:
        return geom
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def split_antimeridian(geom: BaseGeometry) -> BaseGeometry:
    """Cut a polygon whose longitudes run past ±180 into parts within [-180, 180]."""
    minx, _, maxx, _ = geom.bounds
    if minx >= -180.0 and maxx <= 180.0:
        return geom
    parts = []
    for lo, shift in ((-540.0, 360.0), (-180.0, 0.0), (180.0, -360.0)):
        piece = shapely.intersection(geom, box(lo, -90.0, lo + 360.0, 90.0))
        if not piece.is_empty:
            parts += [translate(p, xoff=shift) for p in shapely.get_parts(piece)
                      if isinstance(p, Polygon)]
    return MultiPolygon(parts) if len(parts) > 1 else parts[0]
