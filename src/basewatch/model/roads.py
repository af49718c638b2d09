"""Roads: line segments with a class, a reference (M5), a name and the tags routing needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry

from basewatch.errors import ValidationError
from basewatch.model._util import geom_from_json, geom_to_json
from basewatch.model.provenance import Provenance

__all__ = ["EXTENT_KINDS", "FERRY_CLASS", "Extent", "RoadSegment"]

#: The road class of a ferry line (OSM ``route=ferry``): an optional edge of the network.
FERRY_CLASS = "ferry"


@dataclass(frozen=True, slots=True)
class RoadSegment:
    """A road (an OSM way, or a line of a road layer) in WGS84 lon/lat.

    ``oneway`` is 1 (open in the direction of the geometry only), -1 (against it) or 0 (both);
    it matters only for directed routing. ``access`` is empty for a public road, else why it is
    closed to traffic ("private", "no", "military"). ``bridge`` names a bridge (its
    ``bridge:name``, else the road's name, else "bridge"); empty if the road is not one.
    """

    id: str
    geometry: BaseGeometry
    provenance: Provenance
    road_class: str = ""
    ref: str = ""
    name: str = ""
    oneway: int = 0
    access: str = ""
    bridge: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.geometry, LineString) or shapely.get_num_coordinates(self.geometry) < 2:
            raise ValidationError(f"road {self.id}: geometry must be a LineString of 2+ points")
        if self.oneway not in (-1, 0, 1):
            raise ValidationError(f"road {self.id}: oneway must be -1, 0 or 1, not {self.oneway}")

    @property
    def label(self) -> str:
        """How a reader names the road: its ref, else its name, else its class."""
        return self.ref or self.name or self.road_class or self.id

    @property
    def is_ferry(self) -> bool:
        return self.road_class == FERRY_CLASS

    def to_dict(self) -> dict[str, Any]:
        return {**self.properties(), "geometry": geom_to_json(self.geometry)}

    def properties(self) -> dict[str, Any]:
        """``to_dict`` without the geometry (what a store keeps beside its own geometry column;
        a country has millions of road points, not worth turning into GeoJSON to drop)."""
        return {"id": self.id, "road_class": self.road_class, "ref": self.ref, "name": self.name,
                "oneway": self.oneway, "access": self.access, "bridge": self.bridge,
                "provenance": self.provenance.to_dict()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RoadSegment:
        g = geom_from_json(d["geometry"])
        if g is None:
            raise ValidationError(f"road {d.get('id')}: geometry missing")
        return cls(str(d["id"]), g, Provenance.from_dict(d["provenance"]),
                   str(d.get("road_class") or ""), str(d.get("ref") or ""), str(d.get("name") or ""),
                   int(d.get("oneway") or 0), str(d.get("access") or ""), str(d.get("bridge") or ""))


#: Kinds of area read from an extract: an administrative boundary, a ``place=*`` area,
#: built-up land (landuse residential, commercial, retail, industrial), a military area.
EXTENT_KINDS = ("admin", "place", "built_up", "military")


@dataclass(frozen=True, slots=True)
class Extent:
    """An area of an extract that says how far a town reaches (or where roads are closed)."""

    id: str
    kind: str
    name: str
    geometry: BaseGeometry
    provenance: Provenance
    admin_level: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in EXTENT_KINDS:
            raise ValidationError(f"extent {self.id}: kind {self.kind!r} not one of {', '.join(EXTENT_KINDS)}")
        if self.geometry.geom_type not in ("Polygon", "MultiPolygon"):
            raise ValidationError(f"extent {self.id}: geometry must be a polygon")

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "name": self.name, "admin_level": self.admin_level,
                "geometry": geom_to_json(self.geometry), "provenance": self.provenance.to_dict()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Extent:
        g = geom_from_json(d["geometry"])
        if g is None:
            raise ValidationError(f"extent {d.get('id')}: geometry missing")
        lvl = d.get("admin_level")
        return cls(str(d["id"]), str(d["kind"]), str(d.get("name") or ""), g,
                   Provenance.from_dict(d["provenance"]), None if lvl in (None, "") else int(lvl))
