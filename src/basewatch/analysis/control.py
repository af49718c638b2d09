"""Territorial control: who holds a point, what changed between dates, the front line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from basewatch.analysis.geodesy import area_km2, length_km
from basewatch.analysis.hostility import Hostility
from basewatch.model import ControlArea, ControlStatus, Place

__all__ = [
    "ControlChanges",
    "FrontSegment",
    "PlaceChange",
    "control_changes",
    "faction_geometries",
    "front_advance",
    "front_line",
    "holder",
]

#: Tolerance (degrees) for "shared" boundaries: neighbouring polygons digitised separately
#: rarely share vertices exactly. ~1 m at these latitudes; a topology tolerance, not a distance.
BOUNDARY_TOLERANCE_DEG = 1e-5


def faction_geometries(areas: Iterable[ControlArea]) -> dict[str, BaseGeometry]:
    """The ground of each faction in one snapshot (areas of one faction unioned)."""
    parts: dict[str, list[BaseGeometry]] = {}
    for a in areas:
        parts.setdefault(a.faction, []).append(a.geometry)
    return {f: (g[0] if len(g) == 1 else shapely.union_all(g)) for f, g in parts.items()}


def holder(geoms: Mapping[str, BaseGeometry], lon: float, lat: float) -> str | None:
    """The faction whose ground contains (lon, lat), or None (ties: first in name order)."""
    p = Point(lon, lat)
    for faction in sorted(geoms):
        if geoms[faction].intersects(p):
            return faction
    return None


@dataclass(frozen=True)
class PlaceChange:
    """A place that changed hands: first snapshot date at which the new holder held it."""

    place: str
    place_id: str
    date: dt.date
    from_faction: str | None
    to_faction: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"place": self.place, "place_id": self.place_id, "date": self.date.isoformat(),
                "from": self.from_faction, "to": self.to_faction}


@dataclass(frozen=True)
class FrontSegment:
    """The shared boundary of two hostile factions."""

    a: str
    b: str
    geometry: BaseGeometry
    length_km: float

    def to_dict(self) -> dict[str, Any]:
        from basewatch.model._util import geom_to_json

        return {"a": self.a, "b": self.b, "length_km": round(self.length_km, 1),
                "geometry": geom_to_json(self.geometry)}


@dataclass(frozen=True)
class ControlChanges:
    start: dt.date
    end: dt.date
    start_snapshot: dt.date | None
    end_snapshot: dt.date | None
    area_km2: dict[str, tuple[float, float]]  # faction -> (at start, at end)
    gained_km2: dict[str, float]
    lost_km2: dict[str, float]
    places: list[PlaceChange]
    synthetic: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "snapshots": {"from": _iso(self.start_snapshot), "to": _iso(self.end_snapshot)},
            "factions": {
                f: {"area_km2_from": round(a, 1), "area_km2_to": round(b, 1),
                    "gained_km2": round(self.gained_km2.get(f, 0.0), 1),
                    "lost_km2": round(self.lost_km2.get(f, 0.0), 1)}
                for f, (a, b) in sorted(self.area_km2.items())
            },
            "places_changed": [p.to_dict() for p in self.places],
            "synthetic": self.synthetic,
        }


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def control_changes(
    snapshots: Mapping[dt.date, Sequence[ControlArea]],
    places: Iterable[Place],
    start: dt.date,
    end: dt.date,
) -> ControlChanges:
    """What changed between ``start`` and ``end``.

    ``snapshots`` maps snapshot dates to their areas; the snapshot in force at ``start`` is the
    latest at or before it. Areas are measured on the ellipsoid; each place's holder is followed
    through every snapshot in between, so a place that changed hands twice shows both changes.
    """
    dates = sorted(snapshots)
    before = [d for d in dates if d <= start]
    first = before[-1] if before else None
    inside = [d for d in dates if start < d <= end]
    last = inside[-1] if inside else first
    g0 = faction_geometries(snapshots[first]) if first else {}
    g1 = faction_geometries(snapshots[last]) if last else {}
    factions = sorted(set(g0) | set(g1))
    empty = shapely.Polygon()
    area = {f: (area_km2(g0.get(f, empty)), area_km2(g1.get(f, empty))) for f in factions}
    gained = {f: area_km2(shapely.difference(g1.get(f, empty), g0.get(f, empty))) for f in factions}
    lost = {f: area_km2(shapely.difference(g0.get(f, empty), g1.get(f, empty))) for f in factions}
    changes: list[PlaceChange] = []
    sequence = ([first] if first else []) + inside
    place_list = list(places)
    prev: dict[str, str | None] = {}
    for i, d in enumerate(sequence):
        geoms = faction_geometries(snapshots[d])
        for p in place_list:
            h = holder(geoms, p.lon, p.lat)
            if i > 0 and h != prev[p.id]:
                changes.append(PlaceChange(p.name, p.id, d, prev[p.id], h))
            prev[p.id] = h
    synthetic = any(a.provenance.synthetic for d in sequence for a in snapshots[d])
    changes.sort(key=lambda c: (c.date, c.place))
    return ControlChanges(start, end, first, last, area, gained, lost, changes, synthetic)


def front_line(
    areas: Iterable[ControlArea], hostility: Hostility, day: dt.date
) -> list[FrontSegment]:
    """The shared boundaries of every pair of hostile factions holding ground on ``day``.

    A shared boundary is the part of one faction's boundary the other's shares, exactly or
    within ``BOUNDARY_TOLERANCE_DEG``: polygons digitised (or subtracted) apart share an edge
    only up to rounding, and an exact intersection alone then keeps only the points where
    they cross. Where one side's ground is
    implied (analysis/implied.py), it is the published side's boundary that is taken.
    """
    area_list = list(areas)
    geoms = faction_geometries(area_list)
    implied = {f for f in geoms
               if all(a.status is ControlStatus.IMPLIED for a in area_list if a.faction == f)}
    out: list[FrontSegment] = []
    names = sorted(geoms)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if not hostility.hostile(a, b, day):
                continue
            ga, gb = geoms[a], geoms[b]
            if not ga.buffer(BOUNDARY_TOLERANCE_DEG).intersects(gb):
                continue
            if a in implied and b not in implied:
                ga, gb = gb, ga
            shared = _shared(ga, gb)
            if shared.is_empty:
                continue
            out.append(FrontSegment(a, b, shared, length_km(shared)))
    return out


def _shared(ga: BaseGeometry, gb: BaseGeometry) -> BaseGeometry:
    """``ga``'s boundary along ``gb``: exact where the two share edges, and within the
    tolerance where they do not (a gap filled so can be ~1 m short at each end)."""
    exact = _lines(shapely.intersection(ga.boundary, gb.boundary))
    near = _lines(shapely.intersection(ga.boundary, gb.buffer(BOUNDARY_TOLERANCE_DEG)))
    if not exact.is_empty and not near.is_empty:
        near = _lines(shapely.difference(near, exact.buffer(BOUNDARY_TOLERANCE_DEG)))
    shared = _lines(shapely.union(exact, near)) if not near.is_empty else exact
    return shapely.line_merge(shared) if not shared.is_empty else shared


def _lines(g: BaseGeometry) -> BaseGeometry:
    parts = [p for p in shapely.get_parts(g) if p.geom_type in ("LineString", "MultiLineString")]
    return shapely.union_all(parts) if parts else shapely.MultiLineString()


def front_advance(
    before: Iterable[ControlArea], after: Iterable[ControlArea], hostility: Hostility,
    day_before: dt.date, day_after: dt.date,
) -> list[dict[str, Any]]:
    """Mean advance of each faction into hostile ground, in km/day.

    Mean advance = area taken from hostile factions (km², ellipsoidal) / mean length of the
    front between them (km) / days. A front that did not move gives 0.
    """
    g0, g1 = faction_geometries(before), faction_geometries(after)
    days = max((day_after - day_before).days, 1)
    fronts0 = {frozenset((s.a, s.b)): s.length_km for s in front_line(before, hostility, day_before)}
    fronts1 = {frozenset((s.a, s.b)): s.length_km for s in front_line(after, hostility, day_after)}
    out: list[dict[str, Any]] = []
    for pair in sorted(set(fronts0) | set(fronts1), key=sorted):
        a, b = sorted(pair)
        length = (fronts0.get(pair, 0.0) + fronts1.get(pair, 0.0)) / (
            (pair in fronts0) + (pair in fronts1))
        for att, dfd in ((a, b), (b, a)):
            if att not in g1 or dfd not in g0:
                continue
            taken = area_km2(shapely.intersection(g1[att], g0[dfd]))
            if taken <= 0.0:
                continue
            out.append({"attacker": att, "defender": dfd, "area_taken_km2": round(taken, 1),
                        "front_length_km": round(length, 1), "days": days,
                        "advance_km_per_day": round(taken / length / days, 2) if length else None})
    return out
