"""Territorial control: ground held by a faction on a date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

from basewatch.errors import ValidationError
from basewatch.model._util import EARLIEST_DATE, geom_from_json, geom_to_json, parse_date
from basewatch.model.provenance import Provenance

__all__ = ["ControlArea", "ControlStatus", "Outline"]


def _is_polygonal(geom: Any) -> bool:
    from shapely.geometry import MultiPolygon, Polygon  # a geometry exists: shapely is loaded

    return isinstance(geom, (Polygon, MultiPolygon))


class ControlStatus(str, Enum):
    """Whether an area is an analyst's assessment or a party's claim."""

    ASSESSED = "assessed"
    CLAIMED = "claimed"
    #: Derived, never imported: an outline minus the ground others hold (one-sided control).
    IMPLIED = "implied"


@dataclass(frozen=True, slots=True)
class ControlArea:
    """The (multi)polygon a faction holds on ``date``, in WGS84 lon/lat.

    All areas sharing one ``date`` form a control snapshot.
    """

    faction: str
    date: dt.date
    geometry: BaseGeometry
    provenance: Provenance
    status: ControlStatus = ControlStatus.ASSESSED

    def __post_init__(self) -> None:
        if not _is_polygonal(self.geometry):
            raise ValidationError(
                f"control area {self.faction} {self.date}: geometry must be a Polygon or "
                f"MultiPolygon, got {self.geometry.geom_type}"
            )
        if self.date < EARLIEST_DATE:
            raise ValidationError(f"control area {self.faction}: date {self.date} before 1900")

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.faction, self.date.isoformat(), self.status.value)

    def to_dict(self) -> dict[str, Any]:
        return {
            "faction": self.faction,
            "date": self.date.isoformat(),
            "status": self.status.value,
            "geometry": geom_to_json(self.geometry),
            "provenance": self.provenance.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ControlArea:
        day = parse_date(d["date"])
        geom = geom_from_json(d["geometry"])
        if day is None or geom is None:
            raise ValidationError("control area: date and geometry are required")
        try:
            status = ControlStatus(str(d.get("status") or "assessed").lower())
        except ValueError:
            raise ValidationError(f"control status {d.get('status')!r} is not assessed or claimed") from None
        return cls(faction=str(d["faction"]), date=day, geometry=geom, status=status,
                   provenance=Provenance.from_dict(d["provenance"]))


#: Default width (km) under which strips of implied ground are dropped as slivers.
DEFAULT_SLIVER_KM = 3.0


@dataclass(frozen=True, slots=True)
class Outline:
    """A land outline (a country, a theatre) whose ground belongs to ``faction`` wherever no
    other faction's control area covers it: how one-sided control (only the occupier's
    territory published) gets the other side's ground (docs/exposure.md)."""

    id: str
    faction: str
    geometry: BaseGeometry
    provenance: Provenance
    #: Strips of implied ground narrower than this (km) along the held ground are slivers
    #: between a coarse outline and a finer held coastline, not ground: they are dropped.
    sliver_km: float = DEFAULT_SLIVER_KM

    def __post_init__(self) -> None:
        if not _is_polygonal(self.geometry):
            raise ValidationError(f"outline {self.id}: geometry must be a Polygon or "
                                  f"MultiPolygon, got {self.geometry.geom_type}")
        if not self.id.strip() or not self.faction.strip():
            raise ValidationError("outline: id and faction are required")
        if not 0.0 <= self.sliver_km <= 50.0:
            raise ValidationError(f"outline {self.id}: sliver_km {self.sliver_km} is not "
                                  "between 0 and 50")

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "faction": self.faction, "sliver_km": self.sliver_km,
                "geometry": geom_to_json(self.geometry), "provenance": self.provenance.to_dict()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Outline:
        geom = geom_from_json(d["geometry"])
        if geom is None:
            raise ValidationError(f"outline {d.get('id')}: geometry is required")
        return cls(str(d["id"]), str(d["faction"]), geom, Provenance.from_dict(d["provenance"]),
                   float(d.get("sliver_km", DEFAULT_SLIVER_KM)))
