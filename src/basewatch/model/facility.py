"""Facilities: bases, airbases, naval bases, checkpoints and observation posts."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from shapely.geometry import Point
    from shapely.geometry.base import BaseGeometry

from basewatch.errors import ValidationError
from basewatch.model._util import (
    EARLIEST_DATE,
    check_lon_lat,
    geom_from_json,
    geom_to_json,
    parse_date,
)
from basewatch.model.provenance import Provenance

__all__ = ["Facility", "FacilityRow", "FacilityType", "normalize_name"]


class FacilityType(str, Enum):
    """Kinds of facility. ``point`` is a checkpoint or small post, as surveys count them."""

    BASE = "base"
    AIRBASE = "airbase"
    NAVAL_BASE = "naval_base"
    POINT = "point"
    OBSERVATION_POST = "observation_post"
    DEPOT = "depot"
    OTHER = "other"

    @property
    def survey_class(self) -> str:
        """The survey class of this type: surveys count 'base' and 'point' only."""
        return "point" if self in (FacilityType.POINT, FacilityType.OBSERVATION_POST) else "base"

    @classmethod
    def parse(cls, text: str) -> FacilityType:
        key = text.strip().lower().replace(" ", "_").replace("-", "_")
        key = _TYPE_SYNONYMS.get(key, key)
        try:
            return cls(key)
        except ValueError:
            known = ", ".join(t.value for t in cls)
            raise ValidationError(f"unknown facility type {text!r} (known: {known})") from None


_TYPE_SYNONYMS = {
    "air_base": "airbase",
    "airfield": "airbase",
    "naval": "naval_base",
    "naval_facility": "naval_base",
    "port": "naval_base",
    "checkpoint": "point",
    "military_point": "point",
    "op": "observation_post",
}


def normalize_name(name: str) -> str:
    """Fold a name for matching: no accents, no case, no punctuation, single spaces.

    >>> normalize_name("Ḥmeimim  Air-Base")
    'hmeimim air base'
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^\w]+", " ", text.casefold())
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class Facility:
    """A military facility operated by a state (or a faction).

    ``operator`` is a faction id (see :class:`basewatch.model.faction.Faction`). ``areas`` maps a
    name ("apron", "harbour basin") to a polygon inside the footprint.
    """

    id: str
    name: str
    operator: str
    type: FacilityType
    lon: float
    lat: float
    provenance: Provenance
    aliases: tuple[str, ...] = ()
    region: str = ""
    country: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    footprint: BaseGeometry | None = None
    areas: dict[str, BaseGeometry] = field(default_factory=dict, compare=False, hash=False)
    #: The place (id, name or alias) whose road link keeps the site supplied: its rear. Empty:
    #: the operator's rear (faction ``rear``), else none.
    rear: str = ""

    def __post_init__(self) -> None:
        if not self.id or not self.id.strip():
            raise ValidationError("facility: id is required")
        if not self.name.strip():
            raise ValidationError(f"facility {self.id}: name is required")
        if not self.operator.strip():
            raise ValidationError(f"facility {self.id}: operator is required")
        check_lon_lat(self.lon, self.lat, what=f"facility {self.id}")
        for label, d in (("valid_from", self.valid_from), ("valid_to", self.valid_to)):
            if d is not None and d < EARLIEST_DATE:
                raise ValidationError(f"facility {self.id}: {label} {d} before 1900")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError(
                f"facility {self.id}: valid_to {self.valid_to} before valid_from {self.valid_from}"
            )

    @property
    def point(self) -> Point:
        from shapely.geometry import Point

        return Point(self.lon, self.lat)

    @property
    def names(self) -> tuple[str, ...]:
        """The name and all aliases."""
        return (self.name, *self.aliases)

    def matches(self, query: str) -> bool:
        """True if ``query`` is the id, the name or an alias (accent-, case-insensitive)."""
        q = normalize_name(query)
        return q == normalize_name(self.id) or any(normalize_name(n) == q for n in self.names)

    def active_on(self, day: dt.date) -> bool:
        """True if the facility existed on ``day`` (open-ended validity counts as existing)."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "aliases": list(self.aliases),
            "operator": self.operator,
            "type": self.type.value,
            "lon": self.lon,
            "lat": self.lat,
            "region": self.region,
            "country": self.country,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "footprint": geom_to_json(self.footprint),
            "areas": {k: geom_to_json(v) for k, v in self.areas.items()},
            "rear": self.rear,
            "provenance": self.provenance.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Facility:
        areas_in = d.get("areas") or {}
        areas = {str(k): g for k, v in areas_in.items() if (g := geom_from_json(v)) is not None}
        return cls(
            id=str(d["id"]),
            name=str(d["name"]),
            aliases=tuple(str(a) for a in d.get("aliases") or ()),
            operator=str(d["operator"]),
            type=FacilityType.parse(str(d["type"])),
            lon=float(d["lon"]),
            lat=float(d["lat"]),
            region=str(d.get("region") or ""),
            country=str(d.get("country") or ""),
            valid_from=parse_date(d.get("valid_from"), field="valid_from"),
            valid_to=parse_date(d.get("valid_to"), field="valid_to"),
            footprint=geom_from_json(d.get("footprint")),
            areas=areas,
            rear=str(d.get("rear") or ""),
            provenance=Provenance.from_dict(d["provenance"]),
        )


class FacilityRow(NamedTuple):
    """The few fields of a facility that an inventory needs (a store can give them fast)."""

    operator: str
    type: str
    region: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    synthetic: bool = False
