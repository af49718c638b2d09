"""Aircraft databases (tar1090-db, OpenSky) and airfields (OurAirports airports and runways).

Each parser returns model records; :func:`merge_aircraft` joins two sources on the ICAO 24-bit
address. Optional columns ``source``, ``source_date``, ``source_url``, ``notes`` override the
default provenance (hand-entered files say where their values come from).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from basewatch.errors import BasewatchError, ImportFormatError
from basewatch.model import Provenance, Source
from basewatch.model.flights import Aircraft, Airfield, Runway, normalize_hex
from basewatch.sources._common import CsvRow, decode_text, iter_csv, provenance_from, read_limited

__all__ = ["attach_runways", "detect_db_format", "merge_aircraft", "parse_aircraft",
           "parse_airports", "parse_runways"]

#: Operator words that make an aircraft military when the database has no flag (OpenSky).
MILITARY_WORDS = ("air force", "navy", "army", "military", "ministry of defen", "vks", "air arm")


def _prov(row: CsvRow, default: str) -> Provenance:
    return provenance_from(lambda k: row.get(k) or (default if k == "source" else ""), row.where)


def detect_db_format(path: Path, text: str) -> str:
    first = text.split("\n", 1)[0].lower()
    if "icao24" in first and "registration" in first:
        return "opensky"
    if "le_ident" in first and "airport_ident" in first:
        return "runways"
    if "ident" in first and "latitude_deg" in first:
        return "airports"
    if ";" in first and "," not in first.split(";")[0]:
        return "tar1090"
    raise ImportFormatError(f"{path.name} line 1: not a tar1090-db, OpenSky aircraft, OurAirports "
                            f"airports or runways file (starts {first[:60]!r})")


def _tar1090(path: Path, text: str) -> list[Aircraft]:
    out: list[Aircraft] = []
    prov = Provenance(Source("tar1090-db"))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    n = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # e.g. a field over the csv module's size limit
            raise ImportFormatError(f"{path.name} line {reader.line_num}: {exc}") from None
        n = reader.line_num
        if not fields or not fields[0].strip():
            continue
        if len(fields) < 4:
            raise ImportFormatError(f"{path.name} line {n}: expected hex;registration;type;flags;"
                                    f"..., got {len(fields)} fields")
        try:
            hx = normalize_hex(fields[0])
        except BasewatchError as exc:
            raise ImportFormatError(f"{path.name} line {n}: {exc}") from None
        flags = fields[3].strip()
        try:
            out.append(Aircraft(hx, prov, registration=fields[1].strip(),
                                typecode=fields[2].strip(),
                                description=fields[4].strip() if len(fields) > 4 else "",
                                military=flags[:1] == "1"))
        except BasewatchError as exc:
            raise ImportFormatError(f"{path.name} line {n}: {exc}") from None
    return out


def _opensky(path: Path, text: str) -> list[Aircraft]:
    out: list[Aircraft] = []
    for row in iter_csv(path, text, ("icao24",)):
        try:
            hx = normalize_hex(row.require("icao24"))
        except BasewatchError as exc:
            raise ImportFormatError(f"{row.where}: {exc}") from None
        operator = row.get("operator") or row.get("owner")
        model = " ".join(x for x in (row.get("manufacturername"), row.get("model")) if x)
        try:
            out.append(Aircraft(hx, _prov(row, "OpenSky aircraft database"),
                                registration=row.get("registration"),
                                typecode=row.get("typecode"), description=model,
                                operator=operator,
                                military=any(w in operator.lower() for w in MILITARY_WORDS)))
        except ImportFormatError:
            raise
        except BasewatchError as exc:
            raise ImportFormatError(f"{row.where}: {exc}") from None
    return out


def parse_aircraft(path: str | Path) -> list[Aircraft]:
    """Aircraft of a tar1090-db aircraft CSV or an OpenSky aircraft database CSV."""
    p = Path(path)
    data, _ = read_limited(p)
    text = decode_text(data, p)
    fmt = detect_db_format(p, text)
    if fmt == "tar1090":
        return _tar1090(p, text)
    if fmt == "opensky":
        return _opensky(p, text)
    raise ImportFormatError(f"{p.name}: this is an OurAirports {fmt} file; use "
                            "'basewatch airports import'")


def merge_aircraft(old: Aircraft | None, new: Aircraft) -> Aircraft:
    """Join two records of one address: the new one's non-empty fields win, military is OR-ed."""
    if old is None:
        return new
    pick = {f: getattr(new, f) or getattr(old, f)
            for f in ("registration", "typecode", "description", "operator")}
    prov = old.provenance
    if new.provenance.source.publisher not in prov.source.publisher:
        prov = replace(prov, source=replace(
            prov.source, publisher=f"{prov.source.publisher}; {new.provenance.source.publisher}"))
    return Aircraft(new.hex, prov, military=old.military or new.military, **pick)


_AIRFIELD_TYPES = ("small_airport", "medium_airport", "large_airport")


def parse_airports(path: Path, text: str) -> list[Airfield]:
    """OurAirports airports.csv rows of airport types (heliports, closed fields left out)."""
    out: list[Airfield] = []
    for row in iter_csv(path, text, ("ident", "type", "name", "latitude_deg", "longitude_deg")):
        if row.get("type") not in _AIRFIELD_TYPES:
            continue
        town = row.get("municipality")
        try:
            out.append(Airfield(
                ident=row.require("ident"), name=row.get("name"),
                lat=row.number("latitude_deg", lo=-90, hi=90) or 0.0,
                lon=row.number("longitude_deg", lo=-180, hi=180) or 0.0,
                elevation_ft=row.number("elevation_ft", required=False) or 0.0,
                country=row.get("iso_country"),
                area=row.get("area") or (f"{town} area" if town else ""),
                kind=row.get("type"), provenance=_prov(row, "OurAirports")))
        except ImportFormatError:
            raise
        except BasewatchError as exc:
            raise ImportFormatError(f"{row.where}: {exc}") from None
    return out


def parse_runways(path: Path, text: str) -> tuple[dict[str, list[Runway]], list[str]]:
    """Runways by airport ident, and the runways left out, each named with why: closed
    (``closed`` = 1), or without the coordinates of both ends (detection needs the
    centreline), e.g. ``"OSLK 17/35: no end coordinates"``."""
    out: dict[str, list[Runway]] = {}
    skipped: list[str] = []
    for row in iter_csv(path, text, ("airport_ident", "le_ident", "he_ident")):
        name = f"{row.get('airport_ident')} {row.get('le_ident')}/{row.get('he_ident')}"
        if row.get("closed") == "1":
            skipped.append(f"{name}: closed")
            continue
        maybe = [row.number(c, required=False) for c in
                 ("le_latitude_deg", "le_longitude_deg", "he_latitude_deg", "he_longitude_deg")]
        nums = [v for v in maybe if v is not None]
        if len(nums) < 4:
            skipped.append(f"{name}: no end coordinates")
            continue
        try:
            rw = Runway(row.get("le_ident"), nums[0], nums[1],
                        row.number("le_heading_degT", required=False) or float("nan"),
                        row.get("he_ident"), nums[2], nums[3],
                        row.number("he_heading_degT", required=False) or float("nan"),
                        row.number("length_ft", required=False),
                        row.number("le_displaced_threshold_ft", required=False, lo=0) or 0.0,
                        row.number("he_displaced_threshold_ft", required=False, lo=0) or 0.0)
        except BasewatchError as exc:
            raise ImportFormatError(f"{row.where}: {exc}") from None
        out.setdefault(row.require("airport_ident"), []).append(rw)
    return out, skipped


def attach_runways(airfields: Iterable[Airfield], runways: dict[str, list[Runway]]) -> list[Airfield]:
    """Airfields that have runways in ``runways``, with those runways set."""
    return [replace(a, runways=tuple(runways[a.ident])) for a in airfields if a.ident in runways]
