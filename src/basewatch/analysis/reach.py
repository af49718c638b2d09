"""Reach areas (ground buffered by a range, geodesically) and GeoJSON-safe splitting at 180°."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.affinity import translate
from shapely.geometry import MultiPolygon, Polygon, box
from shapely.geometry.base import BaseGeometry

from basewatch.analysis.geodesy import local_aeqd

__all__ = ["reach_area", "split_antimeridian"]


def reach_area(ground: BaseGeometry, range_m: float, quad_segs: int = 16) -> BaseGeometry:
    """The ground plus every point within ``range_m`` of it: where a weapon fired from the ground
    can land. Buffered in an azimuthal equidistant projection centred on the ground, whose
    distances are exact from the centre and within ~0.1 % across a few hundred km (tested
    against the exact geodesic distance); split at the antimeridian for GeoJSON."""
    c = shapely.centroid(ground)
    fwd, inv = local_aeqd(round(float(c.x), 6), round(float(c.y), 6))
    projected = shapely.transform(ground, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))
    buffered = shapely.buffer(projected, range_m, quad_segs=quad_segs)
    back = shapely.transform(buffered, lambda xy: np.column_stack(inv.transform(xy[:, 0], xy[:, 1])))
    return split_antimeridian(back)


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
