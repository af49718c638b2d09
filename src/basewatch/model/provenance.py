"""Provenance: where a record comes from, how precise it is, and whether it was made up."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from basewatch.errors import ValidationError
from basewatch.model._util import EARLIEST_DATE, parse_date

__all__ = ["LOCATION_UNCERTAINTY_KM", "DatePrecision", "LocationPrecision", "Provenance", "Source"]


class LocationPrecision(str, Enum):
    """How precise a location is (in the manner of ACLED's geo-precision codes 1-3)."""

    EXACT = "exact"  # the site itself, to within ~100 m
    APPROXIMATE = "approximate"  # near the site: a town, a few km
    AREA = "area"  # the centroid of a larger area (district, governorate)


#: How far (km) the true site may lie from its recorded point, per location precision: the
#: radius within which a distance, a margin or an "inside" verdict is not decided by the data.
LOCATION_UNCERTAINTY_KM: dict[LocationPrecision, float] = {
    LocationPrecision.EXACT: 0.1, LocationPrecision.APPROXIMATE: 5.0, LocationPrecision.AREA: 25.0}


class DatePrecision(str, Enum):
    """How precise a date is (in the manner of ACLED's time-precision codes 1-3)."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True, slots=True)
class Source:
    """A publication a record comes from."""

    publisher: str
    title: str = ""
    url: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"publisher": self.publisher, "title": self.title, "url": self.url}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Source:
        return cls(publisher=str(d.get("publisher", "")), title=str(d.get("title", "") or ""),
                   url=str(d.get("url", "") or ""))


@dataclass(frozen=True, slots=True)
class Provenance:
    """Source, dates, precision and the synthetic mark carried by every record.

    A record made up to fill a gap has ``synthetic=True`` and names the ``generator`` (module
    path) and ``seed`` that produced it, so that anyone can make it again.
    """

    source: Source
    source_date: dt.date | None = None
    location_precision: LocationPrecision = LocationPrecision.EXACT
    date_precision: DatePrecision = DatePrecision.DAY
    synthetic: bool = False
    generator: str = ""
    seed: int | None = None
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if not self.source.publisher:
            raise ValidationError("provenance: source publisher is required")
        if self.synthetic and not self.generator:
            raise ValidationError("provenance: a synthetic record must name its generator")
        if self.source_date is not None:
            if self.source_date < EARLIEST_DATE:
                raise ValidationError(f"provenance: source date {self.source_date} before 1900")
            if self.source_date > dt.datetime.now(dt.UTC).date():
                raise ValidationError(f"provenance: source date {self.source_date} is in the future")

    @property
    def label(self) -> str:
        """A short human label, with the synthetic mark first so no face can drop it."""
        mark = "SYNTHETIC " if self.synthetic else ""
        date = f", {self.source_date.isoformat()}" if self.source_date else ""
        return f"{mark}{self.source.publisher}{date}"

    def with_notes(self, notes: str) -> Provenance:
        return replace(self, notes=notes)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "source": self.source.to_dict(),
            "source_date": self.source_date.isoformat() if self.source_date else None,
            "location_precision": self.location_precision.value,
            "date_precision": self.date_precision.value,
            "synthetic": self.synthetic,
            "generator": self.generator,
            "seed": self.seed,
            "notes": self.notes,
        }
        if self.extra:
            d["extra"] = dict(self.extra)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Provenance:
        try:
            lp = LocationPrecision(d.get("location_precision") or "exact")
            dp = DatePrecision(d.get("date_precision") or "day")
        except ValueError as exc:
            raise ValidationError(f"provenance: {exc}") from None
        seed = d.get("seed")
        return cls(
            source=Source.from_dict(d.get("source") or {}),
            source_date=parse_date(d.get("source_date"), field="source_date"),
            location_precision=lp,
            date_precision=dp,
            synthetic=bool(d.get("synthetic", False)),
            generator=str(d.get("generator") or ""),
            seed=None if seed in (None, "") else int(seed),
            notes=str(d.get("notes") or ""),
            extra=dict(d.get("extra") or {}),
        )
