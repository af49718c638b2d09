"""Weapons catalog: systems, their munitions' ranges (each with its source), and holdings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import Any

from basewatch.errors import ValidationError
from basewatch.model._util import parse_date
from basewatch.model.facility import normalize_name
from basewatch.model.provenance import Provenance, Source

__all__ = ["Holding", "Munition", "WeaponClass", "WeaponSystem", "MAX_RANGE_KM"]

#: No weapon fired from the ground reaches farther than half the Earth's circumference.
MAX_RANGE_KM = 20_000.0


class WeaponClass(str, Enum):
    MRL = "mrl"
    TUBE_ARTILLERY = "tube_artillery"
    BALLISTIC_MISSILE = "ballistic_missile"
    CRUISE_MISSILE = "cruise_missile"
    ONE_WAY_ATTACK_DRONE = "one_way_attack_drone"
    ANTI_SHIP_MISSILE = "anti_ship_missile"
    MORTAR = "mortar"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Munition:
    """A munition of a system: its range band in km and where the figures come from."""

    name: str
    min_range_km: float
    max_range_km: float
    source: Source

    def __post_init__(self) -> None:
        if not self.source.publisher:
            raise ValidationError(f"munition {self.name}: a range needs a source")
        if self.min_range_km < 0 or self.max_range_km <= 0:
            raise ValidationError(f"munition {self.name}: ranges must be positive "
                                  f"(min {self.min_range_km}, max {self.max_range_km})")
        if self.max_range_km > MAX_RANGE_KM:
            raise ValidationError(f"munition {self.name}: max range {self.max_range_km} km is "
                                  f"over {MAX_RANGE_KM:.0f} km")
        if self.max_range_km < self.min_range_km:
            raise ValidationError(f"munition {self.name}: max range {self.max_range_km} km below "
                                  f"min range {self.min_range_km} km")

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "min_range_km": self.min_range_km,
                "max_range_km": self.max_range_km, "source": self.source.to_dict()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Munition:
        src = d.get("source")
        source = Source.from_dict(src) if isinstance(src, dict) else Source(str(src or ""))
        return cls(str(d["name"]), float(d.get("min_range_km") or 0.0), float(d["max_range_km"]),
                   source)


@dataclass(frozen=True, slots=True)
class WeaponSystem:
    """A weapon system (BM-30 Smerch) with its class, calibre and munitions."""

    id: str
    name: str
    weapon_class: WeaponClass
    munitions: tuple[Munition, ...]
    provenance: Provenance
    calibre_mm: float | None = None
    aliases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.id.strip() or not self.name.strip():
            raise ValidationError("weapon system: id and name are required")
        if not self.munitions:
            raise ValidationError(f"weapon system {self.id}: at least one munition is required")

    @property
    def max_range_km(self) -> float:
        return max(m.max_range_km for m in self.munitions)

    def matches(self, query: str) -> bool:
        q = normalize_name(query)
        return any(normalize_name(n) == q for n in (self.id, self.name, *self.aliases))

    def munition(self, name: str) -> Munition:
        for m in self.munitions:
            if normalize_name(m.name) == normalize_name(name):
                return m
        raise ValidationError(f"system {self.id} has no munition {name!r} "
                              f"(has: {', '.join(m.name for m in self.munitions)})")

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "class": self.weapon_class.value,
                "calibre_mm": self.calibre_mm, "aliases": list(self.aliases),
                "munitions": [m.to_dict() for m in self.munitions],
                "provenance": self.provenance.to_dict()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> WeaponSystem:
        try:
            wclass = WeaponClass(str(d["class"]).lower().replace(" ", "_").replace("-", "_"))
        except ValueError:
            known = ", ".join(c.value for c in WeaponClass)
            raise ValidationError(f"weapon system {d.get('id')}: unknown class {d['class']!r} "
                                  f"(known: {known})") from None
        cal = d.get("calibre_mm")
        return cls(str(d["id"]), str(d["name"]), wclass,
                   tuple(Munition.from_dict(m) for m in d.get("munitions") or ()),
                   Provenance.from_dict(d["provenance"]),
                   None if cal in (None, "") else float(cal),
                   tuple(str(a) for a in d.get("aliases") or ()))


@dataclass(frozen=True, slots=True)
class Holding:
    """A faction holds a system from a date (to a date), e.g. stocks captured in an offensive."""

    faction: str
    system: str
    provenance: Provenance
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    captured: bool = False
    notes: str = ""

    def __post_init__(self) -> None:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError(f"holding {self.faction}/{self.system}: valid_to {self.valid_to} "
                                  f"before valid_from {self.valid_from}")

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.faction, self.system, self.valid_from.isoformat() if self.valid_from else "")

    def active_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to)

    def to_dict(self) -> dict[str, Any]:
        return {"faction": self.faction, "system": self.system,
                "valid_from": self.valid_from.isoformat() if self.valid_from else None,
                "valid_to": self.valid_to.isoformat() if self.valid_to else None,
                "captured": self.captured, "notes": self.notes,
                "provenance": self.provenance.to_dict()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Holding:
        return cls(str(d["faction"]), str(d["system"]), Provenance.from_dict(d["provenance"]),
                   parse_date(d.get("valid_from"), field="valid_from"),
                   parse_date(d.get("valid_to"), field="valid_to"), bool(d.get("captured", False)),
                   str(d.get("notes") or ""))
