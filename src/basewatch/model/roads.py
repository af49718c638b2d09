"""Roads: line segments with a class, a reference (M5) and a name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry

from basewatch.errors import ValidationError
from basewatch.model._util import geom_from_json, geom_to_json
from basewatch.model.provenance import Provenance

__all__ = ["RoadSegment"]


@dataclass(frozen=True, slots=True)
class RoadSegment:
    """A road (an OSM way, or a line of a road layer) in WGS84 lon/lat."""

    id: str
    geometry: BaseGeometry
    provenance: Provenance
    road_class: str = ""
    ref: str = ""
    name: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.geometry, LineString) or len(self.geometry.coords) < 2:
            raise ValidationError(f"road {self.id}: geometry must be a LineString of 2+ points")

    @property
    def label(self) -> str:
        return self.ref or self.name or self.id

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "road_class": self.road_class, "ref": self.ref, "name": self.name,
                "geometry": geom_to_json(self.geometry), "provenance": self.provenance.to_dict()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RoadSegment:
        g = geom_from_json(d["geometry"])
        if g is None:
            raise ValidationError(f"road {d.get('id')}: geometry missing")
        return cls(str(d["id"]), g, Provenance.from_dict(d["provenance"]),
                   str(d.get("road_class") or ""), str(d.get("ref") or ""), str(d.get("name") or ""))
