"""Importers of the registry: facilities, places, factions (CSV and GeoJSON; factions JSON)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from basewatch.analysis.geodesy import distance_m
from basewatch.errors import BasewatchError, ImportFormatError
from basewatch.model import Facility, FacilityType, Faction, Place, Relation
from basewatch.sources._common import (
    _PROV_KEYS,
    Parsed,
    check_date,
    check_geometry,
    decode_text,
    load_json,
    parse_geometry,
    provenance_from,
    read_limited,
    split_aliases,
)
from basewatch.sources.features import (
    Feature,
    has_location,
    location_of,
    missing_location,
    read_features,
)
from basewatch.sources.mapping import (
    Faults,
    FieldMapping,
    TrackedProps,
    missing_fields,
    unknown_columns_warning,
)

__all__ = ["COUNTRY_BBOX", "FACILITY_FIELDS", "PLACE_FIELDS", "parse_facilities", "parse_factions", "parse_places"]

#: Rough (lon_min, lat_min, lon_max, lat_max) of countries, to catch swapped lon/lat.
COUNTRY_BBOX: dict[str, tuple[float, float, float, float]] = {
    "syria": (35.5, 32.3, 42.5, 37.4),
    "iraq": (38.7, 29.0, 48.7, 37.4),
    "lebanon": (35.0, 33.0, 36.7, 34.7),
    "turkey": (25.6, 35.8, 44.9, 42.2),
    "jordan": (34.9, 29.1, 39.4, 33.4),
    "israel": (34.2, 29.4, 35.95, 33.4),
    "iran": (44.0, 25.0, 63.4, 39.8),
    "russia": (19.6, 41.1, 180.0, 81.9),
    "libya": (9.3, 19.5, 25.2, 33.2),
    "ukraine": (22.1, 44.3, 40.3, 52.4),
}


def _in_box(lon: float, lat: float, box: tuple[float, float, float, float]) -> bool:
    return box[0] <= lon <= box[2] and box[1] <= lat <= box[3]


def swap_suspicions(items: list[tuple[str, float, float, str]]) -> list[str]:
    """Warnings for points that look like swapped lon/lat.

    A point is suspect if its country's box holds (lat, lon) but not (lon, lat), or, without a
    known country, if it lies over 1,000 km from the median of the file while the swapped
    position lies within 300 km of it.
    """
    out: list[str] = []
    if not items:
        return out
    lons = np.array([i[1] for i in items])
    lats = np.array([i[2] for i in items])
    mlon, mlat = float(np.median(lons)), float(np.median(lats))
    for where, lon, lat, country in items:
        box = COUNTRY_BBOX.get(country.strip().lower())
        if box is not None:
            if not _in_box(lon, lat, box) and -90 <= lon <= 90 and _in_box(lat, lon, box):
                out.append(f"{where}: ({lon}, {lat}) is outside {country} but ({lat}, {lon}) is "
                           "inside: lon and lat look swapped")
            continue
        if len(items) >= 3 and -90 <= lon <= 90:
            d = float(distance_m(lon, lat, mlon, mlat))
            d_swapped = float(distance_m(lat, lon, mlon, mlat))
            if d > 1e6 and d_swapped < 3e5:
                out.append(f"{where}: ({lon}, {lat}) is {d / 1e3:.0f} km from the other records "
                           f"but ({lat}, {lon}) is {d_swapped / 1e3:.0f} km: lon and lat look swapped")
    return out


def _check_unique(ids: Iterable[tuple[str, str]]) -> None:
    seen: dict[str, str] = {}
    for ident, where in ids:
        if ident in seen:
            raise ImportFormatError(f"{where}: duplicate id {ident!r} (first at {seen[ident]})")
        seen[ident] = where


OperatorResolver = Callable[[str], str]

#: The columns (CSV) and properties (GeoJSON) the facility importer reads; any other is
#: unknown (the place to add a field, and the list an "unknown columns" warning checks).
FACILITY_FIELDS = ("id", "name", "aliases", "operator", "type", "lon", "lat", "region", "country",
                   "valid_from", "valid_to", "rear", "areas", *_PROV_KEYS)
#: The same for places.
PLACE_FIELDS = ("id", "name", "aliases", "kind", "lon", "lat", "region", "country", "population",
                "extent_km", *_PROV_KEYS)


def _facility(get: Callable[[str], Any], where: str, lon: float, lat: float,
              resolve_operator: OperatorResolver, footprint: Any = None,
              areas: dict[str, Any] | None = None) -> Facility:
    prov = provenance_from(get, where)
    try:
        operator = resolve_operator(str(get("operator") or "").strip())
        ftype = FacilityType.parse(str(get("type") or ""))
        return Facility(
            id=str(get("id") or "").strip(),
            name=str(get("name") or "").strip(),
            aliases=split_aliases(str(get("aliases") or "")),
            operator=operator,
            type=ftype,
            lon=lon,
            lat=lat,
            region=str(get("region") or "").strip(),
            country=str(get("country") or "").strip(),
            valid_from=check_date(get("valid_from"), f"{where}: valid_from"),
            valid_to=check_date(get("valid_to"), f"{where}: valid_to"),
            footprint=footprint,
            areas=areas or {},
            rear=str(get("rear") or "").strip(),
            provenance=prov,
        )
    except ImportFormatError:
        raise
    except BasewatchError as exc:
        raise ImportFormatError(f"{where}: {exc}") from None


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _parse_located(path: str | Path, kind: str, required: tuple[str, ...],
                   from_feature: Callable[[dict[str, Any], str, BaseGeometry, list[str]], Any],
                   mapping: FieldMapping | None = None) -> Parsed:
    """Records located by a point (or footprint), from any file ``read_features`` reads (CSV,
    spreadsheets, GeoJSON, KML/KMZ, GIS layers): the loop, every fault of a record at once,
    the unique id check and the swapped lon/lat check that facilities and places share."""
    ff = read_features(path, kind, mapping)
    p = ff.path
    fields = [f for f in required if f not in ("lon", "lat")]
    if ff.tabular:
        have = set(ff.columns) | {k for f in ff.features[:1] for k in f.props}
        missing = [c for c in fields if c not in have and not (c == "id" and "name" in have)
                   and not (c == "source" and "source_publisher" in have)]
        if missing:
            raise ImportFormatError(
                f"{p.name} line 1: missing column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)} (found: {', '.join(ff.columns)})")
        if not has_location(ff):
            raise ImportFormatError(missing_location(ff))
    warnings: list[str] = []
    records: list[Any] = []
    wheres: list[str] = []
    faults = Faults()
    read: set[str] = set()
    derived_ids = 0
    for f in ff.features:
        props = TrackedProps(f.props)
        if not props.get("id") and props.get("name"):
            props["id"] = _slug(str(props["name"]))
            derived_ids += 1
        if props.get("source_publisher") and not props.get("source"):
            props["source"] = props["source_publisher"]
        fault = missing_fields(props, fields, f.where)
        if fault:
            faults.add(fault)
            continue

        def build(f: Feature = f, props: TrackedProps = props, read: set[str] = read) -> Any:
            geom = check_geometry(location_of(ff, f, read), f.where, warnings)
            return from_feature(props, f.where, geom, warnings)

        rec = faults.guard(build)
        read |= props.read
        if rec is not None:
            records.append(rec)
            wheres.append(f.where)
    faults.check()
    if not records:
        raise ImportFormatError(f"{p.name}: no {kind} found")
    _check_unique((r.id, w) for r, w in zip(records, wheres, strict=True))
    if derived_ids:
        ff.notes.append(f"{p.name}: {derived_ids} id{'s' if derived_ids > 1 else ''} made from "
                        "the name (no id given)")
    warnings += swap_suspicions([(w, r.lon, r.lat, r.country)
                                 for r, w in zip(records, wheres, strict=True)])
    warnings += unknown_columns_warning(p.name, ff.columns,
                                        read | (mapping.used_columns() if mapping else set()))
    return Parsed(p, kind, ff.sha256, records, warnings, ff.notes)


def parse_facilities(path: str | Path, resolve_operator: OperatorResolver,
                     mapping: FieldMapping | None = None) -> Parsed:
    """Facilities from a table (lon/lat or WKT columns), GeoJSON, KML/KMZ or a GIS layer
    (Point location or Polygon footprint)."""
    def from_feature(props: dict[str, Any], where: str, geom: BaseGeometry,
                     warnings: list[str]) -> Facility:
        footprint = None
        if isinstance(geom, Point):
            lon, lat = geom.x, geom.y
        elif geom.geom_type in ("Polygon", "MultiPolygon"):
            footprint = geom
            rp = geom.representative_point()
            try:
                lon = float(props.get("lon") or rp.x)
                lat = float(props.get("lat") or rp.y)
            except (TypeError, ValueError):
                raise ImportFormatError(f"{where}: lon/lat {props.get('lon')!r}, "
                                        f"{props.get('lat')!r} are not numbers") from None
        else:
            raise ImportFormatError(f"{where}: geometry {geom.geom_type}; expected Point or Polygon")
        areas_in = props.get("areas") or {}
        if not isinstance(areas_in, dict):
            raise ImportFormatError(f"{where}: 'areas' must map names to GeoJSON geometries")
        areas = {str(k): parse_geometry(v, f"{where} area {k!r}", warnings)
                 for k, v in areas_in.items()}
        return _facility(props.get, where, lon, lat, resolve_operator, footprint, areas)

    return _parse_located(path, "facilities",
                          ("id", "name", "operator", "type", "lon", "lat", "source"),
                          from_feature, mapping)


def _place(get: Callable[[str], Any], where: str, lon: float, lat: float) -> Place:
    prov = provenance_from(get, where)
    pop = str(get("population") or "").strip()
    ext = str(get("extent_km") or "").strip()
    try:
        return Place(
            id=str(get("id") or "").strip(), name=str(get("name") or "").strip(),
            kind=str(get("kind") or "city").strip(), aliases=split_aliases(str(get("aliases") or "")),
            lon=lon, lat=lat, region=str(get("region") or "").strip(),
            country=str(get("country") or "").strip(),
            population=int(float(pop)) if pop else None,
            extent_km=float(ext) if ext else None, provenance=prov)
    except (BasewatchError, ValueError) as exc:
        raise ImportFormatError(f"{where}: {exc}") from None


def parse_places(path: str | Path, mapping: FieldMapping | None = None) -> Parsed:
    """Places from a table (lon/lat or WKT columns), GeoJSON, KML/KMZ or a GIS layer: points."""

    def from_feature(props: dict[str, Any], where: str, geom: BaseGeometry,
                     warnings: list[str]) -> Place:
        if not isinstance(geom, Point):
            raise ImportFormatError(f"{where}: geometry {geom.geom_type}; a place is a Point")
        return _place(props.get, where, geom.x, geom.y)

    return _parse_located(path, "places", ("id", "name", "lon", "lat", "source"),
                          from_feature, mapping)


def parse_factions(path: str | Path) -> Parsed:
    """Factions and relations from JSON: ``{"factions": [...], "relations": [...]}``."""
    p = Path(path)
    data, digest = read_limited(p)
    doc = load_json(p, decode_text(data, p))
    if not isinstance(doc, dict) or not isinstance(doc.get("factions", []), list):
        raise ImportFormatError(f"{p.name}: expected an object with a 'factions' list")
    records: list[Faction | Relation] = []
    ids: set[str] = set()
    for i, d in enumerate(doc.get("factions", [])):
        where = f"{p.name} factions[{i}]"
        try:
            fac = Faction.from_dict({**d, "provenance": _prov_dict(d, where)})
        except (KeyError, TypeError) as exc:
            raise ImportFormatError(f"{where}: missing field {exc}") from None
        except BasewatchError as exc:
            raise ImportFormatError(f"{where}: {exc}") from None
        if fac.id in ids:
            raise ImportFormatError(f"{where}: duplicate faction id {fac.id!r}")
        ids.add(fac.id)
        records.append(fac)
    for i, d in enumerate(doc.get("relations", []) or []):
        where = f"{p.name} relations[{i}]"
        try:
            rel = Relation.from_dict({**d, "provenance": _prov_dict(d, where)})
        except (KeyError, TypeError) as exc:
            raise ImportFormatError(f"{where}: missing field {exc}") from None
        except BasewatchError as exc:
            raise ImportFormatError(f"{where}: {exc}") from None
        for side in (rel.a, rel.b):
            if side not in ids:
                raise ImportFormatError(f"{where}: unknown faction {side!r} (not in this file)")
        records.append(rel)
    return Parsed(p, "factions", digest, records)


def _prov_dict(d: dict[str, Any], where: str) -> dict[str, Any]:
    if isinstance(d.get("provenance"), dict):
        flat = {**d["provenance"], **(d["provenance"].get("source") or {})}
        flat["source_publisher"] = flat.get("publisher")
        flat["source_title"] = flat.get("title")
        flat["source_url"] = flat.get("url")
        return provenance_from(flat.get, where).to_dict()
    return provenance_from(d.get, where).to_dict()
