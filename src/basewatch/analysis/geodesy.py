"""Geodesy on the WGS84 ellipsoid: the one home of distances, areas and circles.

Everything that measures does it here, with :class:`pyproj.Geod`, never with degrees as metres.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pyproj
from numpy.typing import ArrayLike, NDArray
from shapely.geometry import LineString, MultiLineString, Polygon
from shapely.geometry.base import BaseGeometry

__all__ = [
    "GEOD",
    "area_km2",
    "distance_m",
    "geodesic_circle",
    "length_km",
    "local_aeqd",
]

GEOD = pyproj.Geod(ellps="WGS84")


def distance_m(lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike) -> Any:
    """Geodesic distance(s) in metres between points (scalars or arrays, broadcast).

    >>> round(float(distance_m(0, 0, 0, 1)), 1)
    110574.4
    """
    a = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (lon1, lat1, lon2, lat2)))
    flat = [np.ravel(x) for x in a]
    _, _, dist = GEOD.inv(flat[0], flat[1], flat[2], flat[3])
    out: NDArray[np.float64] = np.asarray(dist, dtype=float).reshape(a[0].shape)
    return float(out) if out.ndim == 0 else out


def area_km2(geom: BaseGeometry) -> float:
    """Area of a (multi)polygon on the ellipsoid in km² (orientation does not matter)."""
    if geom.is_empty:
        return 0.0
    area, _ = GEOD.geometry_area_perimeter(geom)
    return abs(float(area)) / 1e6


def length_km(geom: BaseGeometry) -> float:
    """Geodesic length of a (multi)line, or perimeter of a polygon, in km."""
    if geom.is_empty:
        return 0.0
    if isinstance(geom, (LineString, MultiLineString)):
        return float(GEOD.geometry_length(geom)) / 1e3
    _, perimeter = GEOD.geometry_area_perimeter(geom)
    return float(perimeter) / 1e3


def geodesic_circle(lon: float, lat: float, radius_m: float, n_vertices: int = 128) -> Polygon:
    """The polygon of points at ``radius_m`` from (lon, lat) along geodesics.

    Vertices are exact geodesic destinations (:meth:`pyproj.Geod.fwd`); longitudes are unwrapped
    to stay continuous, so a circle across the antimeridian has longitudes beyond ±180.
    """
    az = np.linspace(0.0, 360.0, n_vertices, endpoint=False)
    lons, lats, _ = GEOD.fwd(np.full(n_vertices, lon), np.full(n_vertices, lat), az,
                             np.full(n_vertices, radius_m))
    lons = np.asarray(lons)
    lons = lon + (lons - lon + 180.0) % 360.0 - 180.0
    return Polygon(np.column_stack([lons, np.asarray(lats)]))


@lru_cache(maxsize=64)
def local_aeqd(lon: float, lat: float) -> tuple[pyproj.Transformer, pyproj.Transformer]:
    """Forward and inverse transformers of an azimuthal equidistant projection at (lon, lat).

    Used to choose nearest points and buffers locally; measured lengths still come from
    :data:`GEOD`.
    """
    crs = pyproj.CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m")
    fwd = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    inv = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    return fwd, inv
