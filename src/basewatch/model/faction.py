"""Factions and the relations between them (allied, hostile or neutral, over time).

A state that operates facilities (Russia, Iran) is a faction too: one concept, one home.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import Any

from basewatch.errors import ValidationError
from basewatch.model._util import parse_date
from basewatch.model.facility import normalize_name
from basewatch.model.provenance import Provenance

__all__ = ["Faction", "Relation", "RelationKind"]


@dataclass(frozen=True, slots=True)
class Faction:
    """A state, armed group or coalition that holds ground or operates facilities."""

    id: str
    name: str
    provenance: Provenance
    kind: str = "armed_group"  # state | armed_group | coalition
    aliases: tuple[str, ...] = ()
    color: str = "#888888"
    #: The place (id, name or alias) whose road link keeps this operator's sites supplied;
    #: a facility's own ``rear`` overrides it.
    rear: str = ""

    def __post_init__(self) -> None:
        if not self.id.strip() or not self.name.strip():
            raise ValidationError("faction: id and name are required")

    def matches(self, query: str) -> bool:
        q = normalize_name(query)
        return any(normalize_name(n) == q for n in (self.id, self.name, *self.aliases))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "aliases": list(self.aliases),
            "color": self.color,
            "rear": self.rear,
            "provenance": self.provenance.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Faction:
        return cls(
            id=str(d["id"]),
            name=str(d["name"]),
            kind=str(d.get("kind") or "armed_group"),
            aliases=tuple(str(a) for a in d.get("aliases") or ()),
            color=str(d.get("color") or "#888888"),
            rear=str(d.get("rear") or ""),
            provenance=Provenance.from_dict(d["provenance"]),
        )


class RelationKind(str, Enum):
    ALLIED = "allied"
    HOSTILE = "hostile"
    #: Stated not hostile: stops the one-step inference (e.g. two partners of a coalition
    #: that fight each other's allies without fighting each other).
    NEUTRAL = "neutral"


@dataclass(frozen=True, slots=True)
class Relation:
    """A symmetric relation between two factions, valid over a span of dates."""

    a: str
    b: str
    kind: RelationKind
    provenance: Provenance
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def __post_init__(self) -> None:
        if self.a == self.b:
            raise ValidationError(f"relation: a faction cannot relate to itself ({self.a})")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError(f"relation {self.a}-{self.b}: valid_to before valid_from")

    @property
    def key(self) -> tuple[str, str, str, str]:
        a, b = sorted((self.a, self.b))
        return (a, b, self.kind.value, self.valid_from.isoformat() if self.valid_from else "")

    def active_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "kind": self.kind.value,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "provenance": self.provenance.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Relation:
        try:
            kind = RelationKind(str(d["kind"]).lower())
        except ValueError:
            raise ValidationError(f"relation kind {d['kind']!r} is not allied, hostile or neutral") from None
        return cls(
            a=str(d["a"]),
            b=str(d["b"]),
            kind=kind,
            valid_from=parse_date(d.get("valid_from"), field="valid_from"),
            valid_to=parse_date(d.get("valid_to"), field="valid_to"),
            provenance=Provenance.from_dict(d["provenance"]),
        )
