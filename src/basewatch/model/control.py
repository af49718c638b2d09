"""Territorial control: ground held by a faction on a date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import Any

from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from basewatch.errors import ValidationError
from basewatch.model._util import EARLIEST_DATE, geom_from_json, geom_to_json, parse_date
from basewatch.model.provenance import Provenance

__all__ = ["ControlArea", "ControlStatus"]


class ControlStatus(str, Enum):
    """Whether an area is an analyst's assessment or a party's claim."""

    ASSESSED = "assessed"
    CLAIMED = "claimed"


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
        if not isinstance(self.geometry, (Polygon, MultiPolygon)):
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
