"""Importers of road networks: OpenStreetMap extracts (sources/osm.py) and line layers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shapely.geometry import LineString, MultiLineString

from basewatch.errors import ImportFormatError
from basewatch.model.roads import RoadSegment
from basewatch.sources._common import (
    Parsed,
    decode_text,
    feature_where,
    iter_geojson_features,
    parse_geometry,
    provenance_from,
    read_limited,
)
from basewatch.sources.osm import DEFAULT_CLASSES, MINOR_CLASSES, is_osm_file, parse_osm

__all__ = ["DEFAULT_CLASSES", "parse_roads", "resolve_classes"]


def resolve_classes(text: str | None) -> tuple[str, ...]:
    """Road classes from a comma-separated list; ``default`` and ``all`` (with the minor
    classes: unclassified, residential, service, track...) may be named among them."""
    out: list[str] = []
    for c in (x.strip().lower() for x in (text or "default").split(",")):
        if c == "default":
            out += DEFAULT_CLASSES
        elif c == "all":
            out += DEFAULT_CLASSES + MINOR_CLASSES
        elif c:
            out.append(c)
    return tuple(dict.fromkeys(out))


def parse_roads(path: str | Path, classes: tuple[str, ...] = DEFAULT_CLASSES, *,
                places: bool = False) -> Parsed:
    """Roads from an OSM extract (see :mod:`basewatch.sources.osm`) or a line layer (GeoJSON,
    GeoPackage: one road per line, ``road_class``/``highway``, ``ref``, ``name``)."""
    p = Path(path)
    head = b""
    try:
        with p.open("rb") as f:
            head = f.read(4096)
    except OSError:
        pass  # the parsers below give the error with the file's name
    if is_osm_file(p, head):
        return parse_osm(p, classes, places=places)
    data, digest = read_limited(p)
    if p.name.lower().endswith(".gpkg"):
        records, warnings = _parse_gpkg(p)
    else:
        records, warnings = _parse_geojson(p, decode_text(data, p))
    if not records:
        raise ImportFormatError(f"{p.name}: no roads found")
    return Parsed(p, "roads", digest, records, warnings)


def _lines(g: Any, where: str) -> list[LineString]:
    if isinstance(g, LineString):
        return [g]
    if isinstance(g, MultiLineString):
        return list(g.geoms)
    raise ImportFormatError(f"{where}: geometry {g.geom_type}; roads are lines")


def _parse_geojson(p: Path, text: str) -> tuple[list[RoadSegment], list[str]]:
    warnings: list[str] = []
    out: list[RoadSegment] = []
    seen: set[str] = set()
    for i, f in iter_geojson_features(p, text):
        props = dict(f.get("properties") or {})
        where = feature_where(p, i, f)
        geom = parse_geometry(f.get("geometry"), where, warnings)
        prov = provenance_from(props.get, where)
        base = str(props.get("id") or f.get("id") or f"{p.stem}-{i}")
        for k, line in enumerate(_lines(geom, where)):
            rid = base if k == 0 else f"{base}-{k}"
            if rid in seen:
                raise ImportFormatError(f"{where}: duplicate road id {rid!r}")
            seen.add(rid)
            out.append(RoadSegment(
                rid, line, prov, str(props.get("road_class") or props.get("highway") or ""),
                str(props.get("ref") or ""), str(props.get("name") or ""),
                _int(props.get("oneway"), where), str(props.get("access") or ""),
                str(props.get("bridge") or "")))
    return out, warnings


def _parse_gpkg(p: Path) -> tuple[list[RoadSegment], list[str]]:
    import json
    import math

    import pyogrio

    out_text: list[dict[str, Any]] = []
    try:
        for layer, gtype in pyogrio.list_layers(p):
            if gtype is None or "Line" not in str(gtype):
                continue
            df = pyogrio.read_dataframe(p, layer=layer)
            if df.crs is not None and df.crs.to_epsg() != 4326:
                raise ImportFormatError(f"{p.name} layer {layer}: CRS {df.crs} is not WGS84 lon/lat")
            for row in df.to_dict("records"):
                g = row.pop("geometry")
                props = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
                out_text.append({"type": "Feature", "properties": props,
                                 "geometry": g.__geo_interface__ if g is not None else None})
    except ImportFormatError:
        raise
    except Exception as exc:  # noqa: BLE001  # GDAL reports a foreign or broken file in many ways
        raise ImportFormatError(f"{p.name}: cannot read as GeoPackage ({exc})") from None
    return _parse_geojson(p, json.dumps({"type": "FeatureCollection", "features": out_text}))


def _int(v: Any, where: str) -> int:
    if v in (None, "", False):
        return 0
    try:
        n = int(v)
    except (TypeError, ValueError):
        n = 99
    if n not in (-1, 0, 1):
        raise ImportFormatError(f"{where}: oneway {v!r} must be -1, 0 or 1")
    return n
