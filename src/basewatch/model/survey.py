"""Survey snapshots: counts of facilities published by a survey edition."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from basewatch.errors import ValidationError
from basewatch.model._util import parse_date
from basewatch.model.provenance import Provenance

__all__ = ["SurveyCount", "SurveyEdition"]


@dataclass(frozen=True, slots=True, order=True)
class SurveyEdition:
    """One edition of a survey: a publisher and the date of its figures."""

    publisher: str
    date: dt.date

    def __str__(self) -> str:
        return f"{self.publisher} {self.date.isoformat()}"


@dataclass(frozen=True, slots=True)
class SurveyCount:
    """A count from a survey edition, possibly only a total.

    Empty ``operator``, ``type`` or ``region`` mean "all": a row with all three empty is the
    edition's total; a row with only ``type`` set is the total of that type, and so on. A survey
    that gives only a total is a valid edition.
    """

    edition: SurveyEdition
    count: int
    provenance: Provenance
    operator: str = ""
    type: str = ""  # survey class: "base" or "point" (or empty for all)
    region: str = ""

    def __post_init__(self) -> None:
        if self.count < 0:
            raise ValidationError(f"survey {self.edition}: count {self.count} is negative")
        if self.type not in ("", "base", "point"):
            raise ValidationError(
                f"survey {self.edition}: type {self.type!r} must be 'base', 'point' or empty"
            )

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return (self.edition.publisher, self.edition.date.isoformat(), self.operator, self.type,
                self.region)

    def to_dict(self) -> dict[str, Any]:
        return {
            "publisher": self.edition.publisher,
            "edition_date": self.edition.date.isoformat(),
            "operator": self.operator,
            "type": self.type,
            "region": self.region,
            "count": self.count,
            "provenance": self.provenance.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SurveyCount:
        day = parse_date(d["edition_date"], field="edition_date")
        if day is None:
            raise ValidationError("survey count: edition_date is required")
        return cls(
            edition=SurveyEdition(str(d["publisher"]), day),
            operator=str(d.get("operator") or ""),
            type=str(d.get("type") or ""),
            region=str(d.get("region") or ""),
            count=int(d["count"]),
            provenance=Provenance.from_dict(d["provenance"]),
        )
