"""Places: cities, towns, crossings: what control changes are told in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shapely.geometry import Point

from basewatch.errors import ValidationError
from basewatch.model._util import check_lon_lat
from basewatch.model.facility import normalize_name
from basewatch.model.provenance import Provenance

__all__ = ["Place"]


@dataclass(frozen=True, slots=True)
class Place:
    """A named place with aliases (Tartus = Tartous = Ṭarṭūs)."""

    id: str
    name: str
    lon: float
    lat: float
    provenance: Provenance
    kind: str = "city"
    aliases: tuple[str, ...] = ()
    region: str = ""
    country: str = ""
    population: int | None = None
    #: Radius (km) the place reaches, when the analyst knows it: what its capture takes.
    extent_km: float | None = None

    def __post_init__(self) -> None:
        if not self.id.strip() or not self.name.strip():
            raise ValidationError("place: id and name are required")
        check_lon_lat(self.lon, self.lat, what=f"place {self.id}")
        if self.extent_km is not None and not (0 < self.extent_km <= 200):
            raise ValidationError(f"place {self.id}: extent_km {self.extent_km} outside (0, 200]")

    @property
    def point(self) -> Point:
        from shapely.geometry import Point

        return Point(self.lon, self.lat)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def matches(self, query: str) -> bool:
        q = normalize_name(query)
        return q == normalize_name(self.id) or any(normalize_name(n) == q for n in self.names)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "aliases": list(self.aliases),
            "lon": self.lon,
            "lat": self.lat,
            "region": self.region,
            "country": self.country,
            "population": self.population,
            "extent_km": self.extent_km,
            "provenance": self.provenance.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Place:
        pop = d.get("population")
        ext = d.get("extent_km")
        return cls(
            id=str(d["id"]),
            name=str(d["name"]),
            kind=str(d.get("kind") or "city"),
            aliases=tuple(str(a) for a in d.get("aliases") or ()),
            lon=float(d["lon"]),
            lat=float(d["lat"]),
            region=str(d.get("region") or ""),
            country=str(d.get("country") or ""),
            population=None if pop in (None, "") else int(pop),
            extent_km=None if ext in (None, "") else float(ext),
            provenance=Provenance.from_dict(d["provenance"]),
        )
