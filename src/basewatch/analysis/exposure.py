"""Exposure: geodesic distance from sites to hostile ground, and which weapons reach them.

Distance to a (multi)polygon on the WGS84 ellipsoid, exact to well under a metre, is computed
by :class:`basewatch.analysis.ground.Ground` (a conservative, geodesically safe prefilter of the
boundary segments near each site, then a search along the remaining geodesic edges with
``pyproj.Geod``); a site inside the polygon is at distance 0.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from basewatch.analysis.hostility import Hostility
from basewatch.model import ControlArea, Facility
from basewatch.model.provenance import LOCATION_UNCERTAINTY_KM
from basewatch.model.weapons import Holding, WeaponSystem

if TYPE_CHECKING:  # numpy, shapely: where geometry is measured; an evaluation on stored
    # distances (``distances=``, ``factions=``) imports neither
    import numpy as np
    from numpy.typing import NDArray
    from shapely.geometry.base import BaseGeometry

__all__ = [
    "Exposure",
    "NearestGround",
    "Reach",
    "distances_to_polygon",
    "exposure_on",
    "reach_timeline",
]


@dataclass(frozen=True)
class NearestGround:
    """The nearest point of some ground and how far it is (km)."""

    distance_km: float
    lon: float
    lat: float


def distances_to_polygon(lons: Sequence[float] | NDArray[np.float64],
                         lats: Sequence[float] | NDArray[np.float64],
                         geom: BaseGeometry) -> tuple[NDArray[np.float64], NDArray[np.float64],
                                                      NDArray[np.float64]]:
    """Geodesic distance (m) from each point to a (multi)polygon, 0 inside, and the nearest
    point (lon, lat) of the polygon for each (method: :mod:`basewatch.analysis.ground`; to ask
    one ground many questions, keep a :class:`~basewatch.analysis.ground.Ground`)."""
    from basewatch.analysis.ground import Ground

    d, lon, lat, _ = Ground(geom).distances(lons, lats)
    return d, lon, lat


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
    *, factions: Iterable[str] | None = None, synthetic: bool | None = None,
) -> list[Exposure]:
    """Exposure of each facility on ``day`` from the control snapshot ``areas``.

    Assumption: launchers may stand anywhere in hostile-held ground, so a munition reaches a
    site when the site's distance to that faction's ground is at most its maximum range.
    ``distances(faction, lons, lats)``, if given, replaces :func:`distances_to_polygon` on that
    faction's ground (e.g. computed in PostGIS, store/postgis_spatial.py, or read from the
    store's cache, queries/distances.py). With ``distances``, the snapshot may be given as its
    ``factions`` and ``synthetic`` mark instead of its ``areas`` (no geometry needed).
    """
    if factions is not None:
        if distances is None:
            raise ValueError("exposure_on: factions without areas needs distances=")
        geoms: dict[str, Any] = dict.fromkeys(factions)
    else:
        from basewatch.analysis.control import faction_geometries

        geoms = faction_geometries(areas)
    if synthetic is None:
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
        lons = [f.lon for f in items]
        lats = [f.lat for f in items]
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
            sub_lons, sub_lats = [lons[k] for k in inside], [lats[k] for k in inside]
            best_d = [math.inf] * len(inside)
            for faction in friends:
                near_d = dist(faction, sub_lons, sub_lats)[0]
                best_d = [min(b, float(x)) for b, x in zip(best_d, near_d, strict=True)]
            for j, k in enumerate(inside):
                if math.isfinite(best_d[j]):
                    depth[items[k].id] = best_d[j] / 1000
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
