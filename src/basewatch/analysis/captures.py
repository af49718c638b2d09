"""What a place's capture takes: the town as it really is, not a fixed disc.

Rules (tested in tests/analysis/test_captures.py), first that applies:

1. ``radius_m`` given for the call (``--capture-radius``): a geodesic disc of that radius.
2. The place's own ``extent_km`` (places file): a disc of that radius.
3. From the road extract, an area named like the place that contains it: the finest
   administrative boundary (``admin_level`` 7 to 10, a municipality), else a ``place=*`` area.
4. Built-up land (landuse residential, commercial, retail, industrial) around the place: the
   polygons within 100 m of each other that reach within 1 km of the place, merged, and cut
   to twice the radius of rule 5 (at least 1 km): a hamlet inside a city does not take the
   whole city.
5. A disc by population (urban density of 2,000 people per km², so a city of 100,000 reaches
   4 km), else by kind (:data:`KIND_RADIUS_M`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from basewatch.analysis.geodesy import geodesic_circle, local_aeqd
from basewatch.model import Place
from basewatch.model.facility import normalize_name
from basewatch.model.roads import Extent

__all__ = ["KIND_RADIUS_M", "Capture", "capture_area", "radius_for"]

#: Radius of a place of each kind when nothing better is known (metres).
KIND_RADIUS_M = {"city": 5_000.0, "town": 2_000.0, "suburb": 1_000.0, "village": 700.0,
                 "hamlet": 300.0, "neighbourhood": 500.0, "crossing": 500.0, "locality": 300.0}
DEFAULT_RADIUS_M = 1_000.0
_PEOPLE_PER_KM2 = 2_000.0
_JOIN_M = 100.0
_REACH_M = 1_000.0


@dataclass(frozen=True)
class Capture:
    """The ground a captured place takes, and how it was found (said in every answer)."""

    place: Place
    area: BaseGeometry
    extent: str  # e.g. "administrative boundary (admin_level 8)", "disc 2.0 km"
    source: str  # e.g. "OpenStreetMap contributors, liechtenstein.osm.pbf (relation-1155956)"

    def to_dict(self) -> dict[str, str]:
        return {"place": self.place.name, "extent": self.extent, "from": self.source}


def radius_for(place: Place) -> tuple[float, str]:
    """A radius (m) for a place without an extent, and why."""
    if place.population:
        r = math.sqrt(place.population / _PEOPLE_PER_KM2 / math.pi) * 1000
        return max(r, 300.0), f"population {place.population:,} at {_PEOPLE_PER_KM2:,.0f} per km²"
    r = KIND_RADIUS_M.get(place.kind, DEFAULT_RADIUS_M)
    return r, f"kind {place.kind}"


def _disc(place: Place, radius_m: float, extent: str, source: str) -> Capture:
    return Capture(place, geodesic_circle(place.lon, place.lat, radius_m, 64),
                   f"disc {radius_m / 1000:.1f} km", f"{source}")


def capture_area(place: Place, extents: Sequence[Extent] = (), *,
                 radius_m: float | None = None,
                 built_up: Callable[[], Sequence[Extent]] | None = None) -> Capture:
    """The area taken when ``place`` is captured (see the module's rules). ``extents`` may hold
    all kinds; ``built_up``, if given, is called for the built-up land only when a place needs
    it (a country has many such polygons, most questions none)."""
    if radius_m is not None:
        return _disc(place, radius_m, "", "--capture-radius")
    if place.extent_km is not None:
        return _disc(place, place.extent_km * 1000, "", "the place's extent_km")
    pt = place.point
    names = {normalize_name(n) for n in place.names}
    named = [e for e in extents if e.kind in ("admin", "place") and normalize_name(e.name) in names
             and e.geometry.covers(pt)]
    admin = [e for e in named if e.kind == "admin" and e.admin_level is not None
             and 7 <= e.admin_level <= 10]
    if admin:
        e = max(admin, key=lambda x: x.admin_level or 0)
        return Capture(place, e.geometry, f"administrative boundary (admin_level {e.admin_level})",
                       _src(e))
    areas = [e for e in named if e.kind == "place"]
    if areas:
        e = min(areas, key=lambda x: x.geometry.area)
        return Capture(place, e.geometry, "place area", _src(e))
    land = [e for e in extents if e.kind == "built_up"]
    if built_up is not None:
        land += built_up()
    built = _built_up(place, land)
    if built is not None:
        geom, parts = built
        return Capture(place, geom, f"built-up area ({len(parts)} landuse polygons)",
                       _src(parts[0]) if len(parts) == 1 else
                       f"{parts[0].provenance.source.publisher}, {parts[0].provenance.source.title}")
    r, why = radius_for(place)
    return _disc(place, r, "", why)


def _src(e: Extent) -> str:
    return f"{e.provenance.source.publisher}, {e.provenance.source.title} ({e.id})"


def _built_up(place: Place, built: Sequence[Extent]) -> tuple[BaseGeometry, list[Extent]] | None:
    if not built:
        return None
    fwd, inv = local_aeqd(place.lon, place.lat)

    def to_local(g: BaseGeometry) -> BaseGeometry:
        return shapely.transform(g, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))

    r0, _ = radius_for(place)
    search = geodesic_circle(place.lon, place.lat, max(4 * r0, 5_000.0), 64)
    shapely.prepare(search)
    hits = shapely.intersects(np.array([e.geometry for e in built], dtype=object), search)
    near = [e for e, hit in zip(built, hits, strict=True) if hit]
    if not near:
        return None
    local = [to_local(e.geometry) for e in near]
    grown = shapely.union_all([shapely.buffer(g, _JOIN_M / 2) for g in local])
    parts = list(getattr(grown, "geoms", [grown]))
    origin = shapely.Point(0, 0)
    hit = [g for g in parts if g.distance(origin) <= _REACH_M]
    if not hit:
        return None
    zone = shapely.union_all(hit)
    members = [e for e, g in zip(near, local, strict=True) if g.intersects(zone)]
    merged = shapely.buffer(zone, -_JOIN_M / 2).intersection(
        shapely.Point(0, 0).buffer(max(2 * r0, _REACH_M), 64))
    if merged.is_empty:
        return None
    back = shapely.transform(merged, lambda xy: np.column_stack(inv.transform(xy[:, 0], xy[:, 1])))
    return back, members
