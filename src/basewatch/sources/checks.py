"""Plausibility of imported polygons: swapped lon/lat and areas far from the workspace's data.

Points get these checks in ``registry.swap_suspicions``; polygons get them here. The workspace's
facilities and places (``reference``) say where its data is:

* a polygon that holds none of them while the same polygon with lon and lat swapped holds some
  is reported as swapped;
* a polygon that holds none of them and lies over ``far_km`` from all of them is reported as
  in the wrong region (a wrong CRS, or the wrong file);
* with no reference, a polygon over 1,000 km from the median of the file's others while its
  swapped position lies within 300 km of it is reported as swapped (the rule for points).

These are warnings: the import goes on, the user decides.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from basewatch.analysis.geodesy import distance_m

__all__ = ["FAR_KM", "polygon_warnings"]

#: Beyond this distance from every facility and place, an area is "in the wrong region".
FAR_KM = 500.0


def _swapped(g: Any) -> Any:
    import shapely

    return shapely.transform(g, lambda xy: xy[:, ::-1])


def _nearest_km(lon: float, lat: float, ref: np.ndarray) -> float:
    d = distance_m(np.full(len(ref), lon), np.full(len(ref), lat), ref[:, 0], ref[:, 1])
    return float(np.min(d)) / 1e3


def polygon_warnings(items: list[tuple[str, Any]], reference: list[tuple[float, float]],
                     far_km: float = FAR_KM) -> list[str]:
    """Warnings for (where, polygon) pairs that look swapped or misplaced (module docstring)."""
    import shapely

    out: list[str] = []
    if not items:
        return out
    if reference:
        ref = np.asarray(reference, dtype=float)
        for where, g in items:
            if shapely.contains_xy(g, ref[:, 0], ref[:, 1]).any():
                continue
            rp = g.representative_point()
            near_km = _nearest_km(rp.x, rp.y, ref)
            sw = _swapped(g) if (abs(shapely.get_coordinates(g)[:, 1]) <= 180).all() and \
                (abs(shapely.get_coordinates(g)[:, 0]) <= 90).all() else None
            held = int(shapely.contains_xy(sw, ref[:, 0], ref[:, 1]).sum()) if sw is not None else 0
            if held:
                out.append(f"{where}: holds none of the workspace's facilities and places, but "
                           f"with lon and lat swapped it holds {held}: lon and lat look swapped")
            elif near_km > far_km:
                out.append(f"{where}: {near_km:,.0f} km from the nearest facility or place of the "
                           "workspace: is it the right region (and the file's CRS the one it "
                           "says)?")
        return out
    if len(items) < 3:
        return out
    pts = np.array([[g.representative_point().x, g.representative_point().y] for _, g in items])
    mlon, mlat = float(np.median(pts[:, 0])), float(np.median(pts[:, 1]))
    for (where, _), (lon, lat) in zip(items, pts, strict=True):
        if abs(lon) > 90:
            continue
        d = float(distance_m(lon, lat, mlon, mlat))
        ds = float(distance_m(lat, lon, mlon, mlat))
        if d > 1e6 and ds < 3e5:
            out.append(f"{where}: {d / 1e3:,.0f} km from the file's other areas but "
                       f"{ds / 1e3:,.0f} km with lon and lat swapped: lon and lat look swapped")
    return out
