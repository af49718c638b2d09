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
    decode_text,
    feature_where,
    iter_csv,
    iter_geojson_features,
    load_json,
    parse_geometry,
    provenance_from,
    read_limited,
    split_aliases,
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


def _parse_located(path: str | Path, kind: str, required: tuple[str, ...],
                   from_feature: Callable[[dict[str, Any], str, BaseGeometry, list[str]], Any],
                   from_row: Callable[[Callable[[str], Any], str, float, float], Any]) -> Parsed:
    """Records located by a point, from CSV (lon/lat columns) or GeoJSON: the loop, the unique
    id check and the swapped lon/lat check that facilities and places share."""
    p = Path(path)
    data, digest = read_limited(p)
    text = decode_text(data, p)
    warnings: list[str] = []
    records: list[Any] = []
    wheres: list[str] = []
    if p.suffix.lower() in (".geojson", ".json"):
        for i, f in iter_geojson_features(p, text):
            props = dict(f.get("properties") or {})
            props.setdefault("id", f.get("id"))
            where = feature_where(p, i, f)
            geom = parse_geometry(f.get("geometry"), where, warnings)
            records.append(from_feature(props, where, geom, warnings))
            wheres.append(where)
    else:
        for row in iter_csv(p, text, required):
            lon = row.number("lon", lo=-180, hi=180)
            lat = row.number("lat", lo=-90, hi=90)
            assert lon is not None and lat is not None
            records.append(from_row(row.get, row.where, lon, lat))
            wheres.append(row.where)
    _check_unique((r.id, w) for r, w in zip(records, wheres, strict=True))
    warnings += swap_suspicions([(w, r.lon, r.lat, r.country)
                                 for r, w in zip(records, wheres, strict=True)])
    return Parsed(p, kind, digest, records, warnings)


def parse_facilities(path: str | Path, resolve_operator: OperatorResolver) -> Parsed:
    """Facilities from CSV (lon/lat columns) or GeoJSON (Point location or Polygon footprint)."""
    def from_feature(props: dict[str, Any], where: str, geom: BaseGeometry,
                     warnings: list[str]) -> Facility:
        footprint = None
        if isinstance(geom, Point):
            lon, lat = geom.x, geom.y
        elif geom.geom_type in ("Polygon", "MultiPolygon"):
            footprint = geom
            rp = geom.representative_point()
            lon = float(props.get("lon", rp.x))
            lat = float(props.get("lat", rp.y))
        else:
            raise ImportFormatError(f"{where}: geometry {geom.geom_type}; expected Point or Polygon")
        areas_in = props.get("areas") or {}
        if not isinstance(areas_in, dict):
            raise ImportFormatError(f"{where}: 'areas' must map names to GeoJSON geometries")
        areas = {str(k): parse_geometry(v, f"{where} area {k!r}", warnings)
                 for k, v in areas_in.items()}
        return _facility(props.get, where, lon, lat, resolve_operator, footprint, areas)

    def from_row(get: Callable[[str], Any], where: str, lon: float, lat: float) -> Facility:
        return _facility(get, where, lon, lat, resolve_operator)

    return _parse_located(path, "facilities",
                          ("id", "name", "operator", "type", "lon", "lat", "source"),
                          from_feature, from_row)


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


def parse_places(path: str | Path) -> Parsed:
    """Places from CSV (lon/lat columns) or GeoJSON points."""

    def from_feature(props: dict[str, Any], where: str, geom: BaseGeometry,
                     warnings: list[str]) -> Place:
        if not isinstance(geom, Point):
            raise ImportFormatError(f"{where}: geometry {geom.geom_type}; a place is a Point")
        return _place(props.get, where, geom.x, geom.y)

    return _parse_located(path, "places", ("id", "name", "lon", "lat", "source"),
                          from_feature, _place)


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
