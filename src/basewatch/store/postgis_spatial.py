"""Spatial work in PostGIS: distances from sites to a faction's ground computed in the database.

An optional capability of :class:`~basewatch.store.postgis.PostGISStore`: with
``$BASEWATCH_SPATIAL=db`` the exposure query asks the store for :func:`faction_distances`;
otherwise, and always on the embedded store, it uses the Python path
(:func:`basewatch.analysis.exposure.distances_to_polygon`). Not the default because it is
slower (docs/scale.md: the per-site projection of the ground costs more than pyproj's
vectorised search), and ``ST_Distance(geography)`` alone, which is fast, is not exact enough:
it finds the nearest point on the sphere (32 m off at 30 km on the benchmark's polygons). Results agree with the Python path (tested on the demo
workspace): distances within 1 m, or 15 ppm beyond 66 km (worst seen: 3 m at 331 km); nearest
points within 1 m, or 100 ppm of the distance:

* nearest point: ``ST_ClosestPoint`` in an azimuthal equidistant projection centred on the
  site (distances from the centre are true there), mapped back to WGS84; polygon edges are
  straight there where the Python path takes geodesics, which is where the difference comes from;
* distance: ``ST_Distance(geography, geography, use_spheroid => true)`` from the site to that
  point, on the WGS84 spheroid;
* a site inside the ground is at 0 and its own nearest point, as in Python.

The faction's ground is the union of its areas in the snapshot, as ``faction_geometries``
makes it, computed once per (snapshot, faction) in the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy: where distances are computed
    import numpy as np
    from numpy.typing import NDArray

from basewatch.store.base import CONTROL
from basewatch.store.shared_geometry import areas_view

__all__ = ["DistanceFn", "faction_distances", "spatial_capable"]

Arrays = tuple["NDArray[np.float64]", "NDArray[np.float64]", "NDArray[np.float64]"]
#: (faction, lons, lats) -> (metres, nearest lon, nearest lat): the Python path's signature.
DistanceFn = Callable[[str, Sequence[float], Sequence[float]], Arrays]

_SQL = """
WITH ground AS (
  SELECT ST_Union(geom) AS g FROM "{table}"
  WHERE "date" = CAST(:snap AS date) AND "faction" = :faction
), pts AS (
  SELECT i, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS p,
         format('+proj=aeqd +lat_0=%s +lon_0=%s +datum=WGS84 +units=m', lat, lon) AS aeqd
  FROM unnest(CAST(:lons AS float8[]), CAST(:lats AS float8[])) WITH ORDINALITY AS t(lon, lat, i)
), near AS (
  SELECT i, p, CASE WHEN ST_Intersects(p, ground.g) THEN p
    ELSE ST_Transform(ST_ClosestPoint(ST_Transform(ground.g, aeqd), ST_Transform(p, aeqd)),
                      aeqd, 4326) END AS q
  FROM pts, ground WHERE ground.g IS NOT NULL
)
SELECT i, ST_Distance(geography(p), geography(q), true), ST_X(q), ST_Y(q) FROM near ORDER BY i
"""


def spatial_capable(store: Any) -> bool:
    """True if ``store`` computes distances in the database (a PostGIS store)."""
    return callable(getattr(store, "execute", None)) and getattr(store, "spatial_sql", False)


def faction_distances(store: Any, snapshot: dt.date) -> DistanceFn:
    """A distance function over the control snapshot ``snapshot`` stored in PostGIS."""

    import numpy as np

    def distances(faction: str, lons: Sequence[float], lats: Sequence[float]) -> Arrays:
        lon = np.asarray(lons, dtype=float)
        lat = np.asarray(lats, dtype=float)
        d = np.full(lon.size, np.inf)
        nlon, nlat = lon.copy(), lat.copy()
        if lon.size == 0:
            return d, nlon, nlat
        rows = store.execute(_SQL.format(table=areas_view(CONTROL)),
                             {"snap": snapshot.isoformat(), "faction": faction,
                              "lons": lon.tolist(), "lats": lat.tolist()})
        for i, dist, x, y in rows:
            k = int(i) - 1
            d[k], nlon[k], nlat[k] = float(dist), float(x), float(y)
        return d, nlon, nlat

    return distances
