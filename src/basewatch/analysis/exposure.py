"""Exposure: geodesic distance from sites to hostile ground, and which weapons reach them.

Distance to a (multi)polygon on the WGS84 ellipsoid, exact to well under a metre:

1. Site and boundary vertices are projected once to an azimuthal equidistant projection
   centred on the polygon; there the nearest boundary segments of each site are found with an
   R-tree, keeping every segment within 2 % + 2 km of the best (the projection's distortion
   is far smaller than that at the scale of a country).
2. A cheap upper bound per candidate (the geodesic distance to the segment's nearest point
   in the projection) keeps only the candidates within 0.1 % + 50 m of the best bound.
3. Each remaining segment is taken as the geodesic between its vertices and the distance from
   the site to it is minimised on the ellipsoid by golden-section search (``pyproj.Geod``),
   vectorised over all (site, segment) pairs.
4. A site inside the polygon (tested in the same projection, so polygons across the
   antimeridian work) is at distance 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from basewatch.analysis.control import faction_geometries
from basewatch.analysis.geodesy import GEOD, local_aeqd
from basewatch.analysis.hostility import Hostility
from basewatch.model import ControlArea, Facility
from basewatch.model.provenance import LOCATION_UNCERTAINTY_KM
from basewatch.model.weapons import Holding, WeaponSystem

__all__ = [
    "Exposure",
    "NearestGround",
    "Reach",
    "distances_to_polygon",
    "exposure_on",
    "reach_timeline",
]

_GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0
_ITERATIONS = 48  # (0.618)^48 of a 100 km edge is ~10 nm


@dataclass(frozen=True)
class NearestGround:
    """The nearest point of some ground and how far it is (km)."""

    distance_km: float
    lon: float
    lat: float


def _boundary_segments(geom: BaseGeometry) -> NDArray[np.float64]:
    """(k, 2, 2) array of the boundary's segments in lon/lat (longitudes unwrapped per ring)."""
    segs = []
    for ring in shapely.get_rings(shapely.get_parts(geom)):
        xy = np.asarray(ring.coords)[:, :2].copy()
        xy[:, 0] = np.degrees(np.unwrap(np.radians(xy[:, 0])))
        segs.append(np.stack([xy[:-1], xy[1:]], axis=1))
    return np.concatenate(segs) if segs else np.empty((0, 2, 2))


def _geodesic_point_segment(plon: NDArray[np.float64], plat: NDArray[np.float64],
                            seg: NDArray[np.float64], guess: NDArray[np.float64] | None = None,
                            ) -> tuple[NDArray[np.float64], ...]:
    """Minimum distance (m) from points to geodesic segments, pairwise, and where it is.

    ``guess`` (fraction along each segment, e.g. from a projection) narrows the search to
    +-3 km (at least +-2 % of the segment) around it.
    """
    alon, alat, blon, blat = seg[:, 0, 0], seg[:, 0, 1], seg[:, 1, 0], seg[:, 1, 1]
    az, _, length = GEOD.inv(alon, alat, blon, blat)
    az, length = np.asarray(az), np.asarray(length)

    def dist(t: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        lon, lat, _ = GEOD.fwd(alon, alat, az, t * length)
        _, _, d = GEOD.inv(plon, plat, lon, lat)
        return np.asarray(d), np.asarray(lon), np.asarray(lat)

    lo, hi = np.zeros_like(length), np.ones_like(length)
    iterations = _ITERATIONS
    if guess is not None:
        half = np.maximum(0.02, 3000.0 / np.maximum(length, 1.0))
        lo, hi = np.clip(guess - half, 0.0, 1.0), np.clip(guess + half, 0.0, 1.0)
        iterations = 30  # 0.618^30 of a 6 km window is well under a millimetre
    c, d = hi - _GOLDEN * (hi - lo), lo + _GOLDEN * (hi - lo)
    fc, fd = dist(c)[0], dist(d)[0]
    for _ in range(iterations):
        left = fc < fd  # the minimum lies in [lo, d]: drop (d, hi]; else drop [lo, c)
        hi = np.where(left, d, hi)
        lo = np.where(left, lo, c)
        new = np.where(left, hi - _GOLDEN * (hi - lo), lo + _GOLDEN * (hi - lo))
        f_new = dist(new)[0]
        c, d, fc, fd = (np.where(left, new, d), np.where(left, c, new),
                        np.where(left, f_new, fd), np.where(left, fc, f_new))
    t = (lo + hi) / 2
    d_mid, lon_mid, lat_mid = dist(t)
    # The ends themselves (golden-section converges inside the open interval).
    d_a = np.asarray(GEOD.inv(plon, plat, alon, alat)[2])
    d_b = np.asarray(GEOD.inv(plon, plat, blon, blat)[2])
    best = np.minimum(np.minimum(d_mid, d_a), d_b)
    lon = np.where(best == d_a, alon, np.where(best == d_b, blon, lon_mid))
    lat = np.where(best == d_a, alat, np.where(best == d_b, blat, lat_mid))
    return best, lon, lat


def distances_to_polygon(lons: Sequence[float] | NDArray[np.float64],
                         lats: Sequence[float] | NDArray[np.float64],
                         geom: BaseGeometry) -> tuple[NDArray[np.float64], NDArray[np.float64],
                                                      NDArray[np.float64]]:
    """Geodesic distance (m) from each point to a (multi)polygon, 0 inside, and the nearest
    point (lon, lat) of the polygon for each."""
    plon = np.asarray(lons, dtype=float)
    plat = np.asarray(lats, dtype=float)
    n = plon.size
    out_d = np.full(n, np.inf)
    out_lon, out_lat = plon.copy(), plat.copy()
    segs = _boundary_segments(geom)
    if n == 0 or len(segs) == 0:
        return out_d, out_lon, out_lat
    c = shapely.centroid(geom)
    fwd, inv = local_aeqd(round(float(c.x), 6), round(float(c.y), 6))
    sx, sy = fwd.transform(segs[:, :, 0].ravel(), segs[:, :, 1].ravel())
    sxy = np.column_stack([sx, sy]).reshape(-1, 2, 2)
    px, py = fwd.transform(plon, plat)
    px, py = np.asarray(px), np.asarray(py)
    lines = shapely.linestrings(sxy)
    # Inside: tested on the projected polygon (continuous across the antimeridian).
    poly_xy = shapely.transform(geom, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))
    inside = shapely.contains_xy(poly_xy, px, py) | shapely.intersects_xy(poly_xy, px, py)
    out_d[inside] = 0.0
    todo = np.flatnonzero(~inside)
    if todo.size:
        tree = shapely.STRtree(lines)
        pts = shapely.points(px[todo], py[todo])
        _, approx = tree.query_nearest(pts, return_distance=True, all_matches=False)
        pairs = tree.query(pts, predicate="dwithin", distance=approx * 1.02 + 2000.0)
        pi, si = todo[pairs[0]], pairs[1]
        # Cheap upper bound per pair: the geodesic distance to the segment's nearest point in
        # the projection, mapped back; only pairs within a hair of the best bound are refined.
        ax, ay = sxy[si, 0, 0], sxy[si, 0, 1]
        bx, by = sxy[si, 1, 0], sxy[si, 1, 1]
        vx, vy = bx - ax, by - ay
        t = np.clip(((px[pi] - ax) * vx + (py[pi] - ay) * vy) / np.maximum(vx * vx + vy * vy, 1e-9), 0, 1)
        qlon, qlat = inv.transform(ax + t * vx, ay + t * vy)
        ub = np.asarray(GEOD.inv(plon[pi], plat[pi], np.asarray(qlon), np.asarray(qlat))[2])
        best_ub = np.full(n, np.inf)
        np.minimum.at(best_ub, pi, ub)
        keep = ub <= best_ub[pi] * 1.001 + 50.0
        pi, si, t = pi[keep], si[keep], t[keep]
        d, lon, lat = _geodesic_point_segment(plon[pi], plat[pi], segs[si], t)
        order = np.lexsort((d, pi))
        first = np.ones(order.size, bool)
        first[1:] = pi[order][1:] != pi[order][:-1]
        best = order[first]
        out_d[pi[best]] = d[best]
        out_lon[pi[best]] = ((lon[best] + 180.0) % 360.0) - 180.0
        out_lat[pi[best]] = lat[best]
    return out_d, out_lon, out_lat


@dataclass(frozen=True)
class Reach:
    """A hostile weapon (system and munition) that reaches a site from hostile-held ground."""

    system: str
    system_name: str
    munition: str
    faction: str
    max_range_km: float
    margin_km: float
    since: dt.date | None = None
    captured: bool = False
    source: str = ""
    #: The margin is smaller than the site's location uncertainty: the data cannot decide it.
    within_uncertainty: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"system": self.system, "name": self.system_name, "munition": self.munition,
                "faction": self.faction, "max_range_km": self.max_range_km,
                "margin_km": round(self.margin_km, 1),
                "since": self.since.isoformat() if self.since else None,
                "captured": self.captured, "source": self.source,
                "within_location_uncertainty": self.within_uncertainty}


@dataclass(frozen=True)
class Exposure:
    """A facility on a date: nearest hostile ground and the hostile weapons that reach it."""

    facility: str
    name: str
    operator: str
    date: dt.date
    nearest_faction: str | None
    nearest: NearestGround | None
    reach: tuple[Reach, ...] = ()
    synthetic: bool = False
    distances_km: dict[str, float] = field(default_factory=dict)  # per hostile faction
    #: The hostile faction whose ground the site stands in (overrun), else None.
    inside: str | None = None
    #: Inside hostile ground: distance (km) to the nearest own-side or allied ground (None if
    #: the snapshot holds none of it).
    depth_km: float | None = None
    location_uncertainty_km: float = 0.1

    @property
    def state(self) -> str:
        """``inside_hostile`` (overrun), ``in_reach``, or ``outside_reach``."""
        return "inside_hostile" if self.inside else ("in_reach" if self.reach else "outside_reach")

    @property
    def distance_uncertain(self) -> bool:
        """The site's location uncertainty is larger than its distance to hostile ground (or,
        inside, than its depth): whether it is inside or outside is not decided by the data."""
        d = self.depth_km if self.inside else (self.nearest.distance_km if self.nearest else None)
        return d is not None and d < self.location_uncertainty_km

    def to_dict(self) -> dict[str, Any]:
        return {
            "facility": self.facility, "name": self.name, "operator": self.operator,
            "date": self.date.isoformat(), "state": self.state,
            "inside": {"faction": self.inside,
                       "depth_km": round(self.depth_km, 2) if self.depth_km is not None else None,
                       "since": None} if self.inside else None,
            "location_uncertainty_km": self.location_uncertainty_km,
            "distance_within_location_uncertainty": self.distance_uncertain,
            "distance_km": round(self.nearest.distance_km, 2) if self.nearest else None,
            "nearest_faction": self.nearest_faction,
            "nearest_point": {"lon": round(self.nearest.lon, 5), "lat": round(self.nearest.lat, 5)}
            if self.nearest else None,
            "systems_in_reach": [r.to_dict() for r in self.reach],
            "distances_km": {k: round(v, 2) for k, v in sorted(self.distances_km.items())},
            "synthetic": self.synthetic,
        }


def _held(holdings: Iterable[Holding], faction: str, day: dt.date) -> list[Holding]:
    return [h for h in holdings if h.faction == faction and h.active_on(day)]


def exposure_on(
    facilities: Sequence[Facility], areas: Sequence[ControlArea], hostility: Hostility,
    systems: Mapping[str, WeaponSystem], holdings: Sequence[Holding], day: dt.date,
    distances: Callable[[str, Any, Any], tuple[Any, Any, Any]] | None = None,
) -> list[Exposure]:
    """Exposure of each facility on ``day`` from the control snapshot ``areas``.

    Assumption: launchers may stand anywhere in hostile-held ground, so a munition reaches a
    site when the site's distance to that faction's ground is at most its maximum range.
    ``distances(faction, lons, lats)``, if given, replaces :func:`distances_to_polygon` on that
    faction's ground (e.g. computed in PostGIS, store/postgis_spatial.py).
    """
    geoms = faction_geometries(areas)
    synthetic = any(a.provenance.synthetic for a in areas)
    out: list[Exposure] = []
    by_op: dict[str, list[Facility]] = {}
    for f in facilities:
        by_op.setdefault(f.operator, []).append(f)
    per_fac: dict[str, dict[str, NearestGround]] = {f.id: {} for f in facilities}
    depth: dict[str, float] = {}

    def dist(faction: str, lons: Any, lats: Any) -> tuple[Any, Any, Any]:
        return (distances(faction, lons, lats) if distances is not None
                else distances_to_polygon(lons, lats, geoms[faction]))

    for op, items in by_op.items():
        lons = np.array([f.lon for f in items])
        lats = np.array([f.lat for f in items])
        for faction in sorted(hostility.hostile_to(op, geoms, day)):
            d, nlon, nlat = dist(faction, lons, lats)
            for k, f in enumerate(items):
                per_fac[f.id][faction] = NearestGround(float(d[k]) / 1000, float(nlon[k]),
                                                       float(nlat[k]))
        # Overrun sites: how deep inside, i.e. how far to the nearest own-side or allied ground.
        inside = [k for k, f in enumerate(items)
                  if any(g.distance_km == 0.0 for g in per_fac[f.id].values())]
        friends = sorted(({op} | hostility.allies(op, day)) & set(geoms))
        if inside and friends:
            sub = np.array(inside)
            best_d = np.full(sub.size, np.inf)
            for faction in friends:
                best_d = np.minimum(best_d, np.asarray(dist(faction, lons[sub], lats[sub])[0]))
            for j, k in enumerate(inside):
                if np.isfinite(best_d[j]):
                    depth[items[k].id] = float(best_d[j]) / 1000
    for f in facilities:
        near = per_fac[f.id]
        best = min(near.items(), key=lambda kv: kv[1].distance_km) if near else None
        unc = LOCATION_UNCERTAINTY_KM[f.provenance.location_precision]
        held_by = best[0] if best and best[1].distance_km == 0.0 else None
        reach: list[Reach] = []
        for faction, ground in near.items() if held_by is None else ():
            for h in _held(holdings, faction, day):
                system = systems[h.system]
                for m in system.munitions:
                    if ground.distance_km <= m.max_range_km:
                        margin = m.max_range_km - ground.distance_km
                        reach.append(Reach(system.id, system.name, m.name, faction,
                                           m.max_range_km, margin, None, h.captured,
                                           h.provenance.label, margin < unc))
        reach.sort(key=lambda r: (-r.margin_km, r.system, r.munition))
        out.append(Exposure(f.id, f.name, f.operator, day, best[0] if best else None,
                            best[1] if best else None, tuple(reach), synthetic,
                            {k: v.distance_km for k, v in near.items()}, held_by,
                            depth.get(f.id) if held_by else None, unc))
    return out


def reach_timeline(series: Sequence[Exposure]) -> dict[tuple[str, str], dt.date]:
    """First date each (system, munition) reached the facility, from a date-ordered series."""
    first: dict[tuple[str, str], dt.date] = {}
    for e in sorted(series, key=lambda e: e.date):
        for r in e.reach:
            first.setdefault((r.system, r.munition), e.date)
    return first
