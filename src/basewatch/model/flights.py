"""Flights: aircraft, airfields with runways, and detected take-offs and landings. No I/O."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from basewatch.errors import ValidationError
from basewatch.model._util import check_lon_lat
from basewatch.model.provenance import Provenance

__all__ = ["EVENT_KINDS", "Aircraft", "Airfield", "AirfieldCoverage", "FlightEvent", "Runway", "normalize_hex"]

_HEX = re.compile(r"^[0-9a-f]{6}$")
#: A touch-and-go or a go-around is a runway pass: neither a departure nor an arrival.
EVENT_KINDS = ("takeoff", "landing", "touch_and_go", "go_around")


def normalize_hex(text: str) -> str:
    """An ICAO 24-bit address as six lower-case hex digits ('~' marks non-ICAO in readsb: kept out)."""
    h = str(text).strip().lower()
    if not _HEX.match(h):
        raise ValidationError(f"ICAO address {text!r} is not six hex digits")
    return h


@dataclass(frozen=True, slots=True)
class Aircraft:
    """One airframe by its ICAO 24-bit address, with registration, type and operator."""

    hex: str
    provenance: Provenance
    registration: str = ""
    typecode: str = ""  # ICAO type designator, e.g. IL76
    description: str = ""  # e.g. "Ilyushin Il-76MD"
    operator: str = ""
    military: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "hex", normalize_hex(self.hex))

    def to_dict(self) -> dict[str, Any]:
        return {"hex": self.hex, "registration": self.registration, "typecode": self.typecode,
                "description": self.description, "operator": self.operator,
                "military": self.military, "provenance": self.provenance.to_dict()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Aircraft:
        return cls(hex=d["hex"], registration=d.get("registration", ""),
                   typecode=d.get("typecode", ""), description=d.get("description", ""),
                   operator=d.get("operator", ""), military=bool(d.get("military", False)),
                   provenance=Provenance.from_dict(d["provenance"]))


@dataclass(frozen=True, slots=True)
class Runway:
    """A runway by its two ends: low end (le) and high end (he), headings in degrees true."""

    le_ident: str
    le_lat: float
    le_lon: float
    le_heading_deg: float
    he_ident: str
    he_lat: float
    he_lon: float
    he_heading_deg: float
    length_ft: float | None = None
    # landing thresholds displaced from the ends (OurAirports' le/he_displaced_threshold_ft):
    # a landing on that end touches down past it
    le_displaced_ft: float = 0.0
    he_displaced_ft: float = 0.0

    def __post_init__(self) -> None:
        check_lon_lat(self.le_lon, self.le_lat, what=f"runway {self.le_ident}")
        check_lon_lat(self.he_lon, self.he_lat, what=f"runway {self.he_ident}")

    @property
    def designator(self) -> str:
        return f"{self.le_ident}/{self.he_ident}"

    def to_dict(self) -> dict[str, Any]:
        return {"le_ident": self.le_ident, "le_lat": self.le_lat, "le_lon": self.le_lon,
                "le_heading_deg": self.le_heading_deg, "he_ident": self.he_ident,
                "he_lat": self.he_lat, "he_lon": self.he_lon,
                "he_heading_deg": self.he_heading_deg, "length_ft": self.length_ft,
                **({"le_displaced_ft": self.le_displaced_ft} if self.le_displaced_ft else {}),
                **({"he_displaced_ft": self.he_displaced_ft} if self.he_displaced_ft else {})}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Runway:
        length = d.get("length_ft")
        return cls(str(d["le_ident"]), float(d["le_lat"]), float(d["le_lon"]),
                   float(d["le_heading_deg"]), str(d["he_ident"]), float(d["he_lat"]),
                   float(d["he_lon"]), float(d["he_heading_deg"]),
                   None if length is None else float(length),
                   float(d.get("le_displaced_ft") or 0.0), float(d.get("he_displaced_ft") or 0.0))


@dataclass(frozen=True, slots=True)
class Airfield:
    """An airfield (OurAirports ident, usually ICAO) with its runways and the area it serves."""

    ident: str
    name: str
    lat: float
    lon: float
    provenance: Provenance
    elevation_ft: float = 0.0
    country: str = ""
    area: str = ""  # "Moscow area": what a destination inferred from bearing is told as
    kind: str = ""
    runways: tuple[Runway, ...] = ()

    def __post_init__(self) -> None:
        if not self.ident.strip():
            raise ValidationError("airfield: ident is required")
        check_lon_lat(self.lon, self.lat, what=f"airfield {self.ident}")

    def to_dict(self) -> dict[str, Any]:
        return {"ident": self.ident, "name": self.name, "lat": self.lat, "lon": self.lon,
                "elevation_ft": self.elevation_ft, "country": self.country, "area": self.area,
                "kind": self.kind, "runways": [r.to_dict() for r in self.runways],
                "provenance": self.provenance.to_dict()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Airfield:
        return cls(ident=d["ident"], name=d.get("name", ""), lat=float(d["lat"]),
                   lon=float(d["lon"]), elevation_ft=float(d.get("elevation_ft") or 0.0),
                   country=d.get("country", ""), area=d.get("area", ""), kind=d.get("kind", ""),
                   runways=tuple(Runway.from_dict(r) for r in d.get("runways", [])),
                   provenance=Provenance.from_dict(d["provenance"]))


@dataclass(frozen=True, slots=True)
class FlightEvent:
    """A take-off or landing at an airfield, with the flight's origin and destination.

    ``destination_method`` says how the destination is known: ``landing observed``,
    ``inferred from bearing`` (the track went dark heading that way) or ``unknown``.
    """

    time: dt.datetime
    hex: str
    kind: str  # one of EVENT_KINDS
    airfield: str
    runway: str
    flight_id: str
    provenance: Provenance
    origin: str = ""
    destination: str = ""
    destination_method: str = "unknown"
    basis: str = "ground state change"  # or "first seen airborne": the time is an upper bound
    course_deg: float | None = None  # last course fitted, when the destination is inferred
    course_error_deg: float | None = None  # its standard error, degrees
    candidates: tuple[str, ...] = ()  # airfields inside the cone of that course, best first
    time_lo: dt.datetime | None = None  # the event happened between time_lo and time_hi
    time_hi: dt.datetime | None = None

    @property
    def probable(self) -> bool:
        """A landing inferred from a track that ended on short final, not observed."""
        return self.basis.startswith("track ended on final")

    def __post_init__(self) -> None:
        if self.time.tzinfo is None:
            raise ValidationError("flight event: time must be tz-aware UTC")
        if self.kind not in EVENT_KINDS:
            raise ValidationError(f"flight event: kind {self.kind!r} not one of "
                                  f"{', '.join(EVENT_KINDS)}")

    def to_dict(self) -> dict[str, Any]:
        return {"time": _iso(self.time), "hex": self.hex,
                "kind": self.kind, "airfield": self.airfield, "runway": self.runway,
                "flight_id": self.flight_id, "origin": self.origin,
                "destination": self.destination, "destination_method": self.destination_method,
                "basis": self.basis, "course_deg": self.course_deg,
                "course_error_deg": self.course_error_deg, "candidates": list(self.candidates),
                "time_lo": _iso(self.time_lo), "time_hi": _iso(self.time_hi),
                "provenance": self.provenance.to_dict()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FlightEvent:
        return cls(time=dt.datetime.fromisoformat(d["time"]), hex=d["hex"], kind=d["kind"],
                   airfield=d["airfield"], runway=d.get("runway", ""), flight_id=d["flight_id"],
                   origin=d.get("origin", ""), destination=d.get("destination", ""),
                   destination_method=d.get("destination_method", "unknown"),
                   basis=d.get("basis", "ground state change"),
                   course_deg=d.get("course_deg"), course_error_deg=d.get("course_error_deg"),
                   candidates=tuple(d.get("candidates", ())),
                   time_lo=_dt(d.get("time_lo")), time_hi=_dt(d.get("time_hi")),
                   provenance=Provenance.from_dict(d["provenance"]))


def _iso(x: dt.datetime | None) -> str | None:
    if x is None:
        return None
    return (x if x.tzinfo is dt.UTC else x.astimezone(dt.UTC)).isoformat()


def _dt(x: str | None) -> dt.datetime | None:
    return None if not x else dt.datetime.fromisoformat(x)


@dataclass(frozen=True, slots=True)
class AirfieldCoverage:
    """How many positions the receivers reported near an airfield on a day (any aircraft): a
    day with none is a gap in coverage, not a day without flights."""

    airfield: str
    day: dt.date
    positions: int
    provenance: Provenance

    def to_dict(self) -> dict[str, Any]:
        return {"airfield": self.airfield, "day": self.day.isoformat(),
                "positions": self.positions, "provenance": self.provenance.to_dict()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AirfieldCoverage:
        return cls(str(d["airfield"]), dt.date.fromisoformat(d["day"]), int(d["positions"]),
                   Provenance.from_dict(d["provenance"]))
