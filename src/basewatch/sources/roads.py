"""Importers of road networks: OpenStreetMap (.osm.pbf, .osm XML) and line layers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shapely.geometry import LineString, MultiLineString

from basewatch.errors import ImportFormatError
from basewatch.model import Provenance, Source
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

__all__ = ["DEFAULT_CLASSES", "parse_roads"]

#: OSM highway classes kept by default: the network an army or a convoy uses between towns.
DEFAULT_CLASSES = ("motorway", "trunk", "primary", "secondary", "motorway_link", "trunk_link",
                   "primary_link")


def parse_roads(path: str | Path, classes: tuple[str, ...] = DEFAULT_CLASSES) -> Parsed:
    p = Path(path)
    data, digest = read_limited(p)
    name = p.name.lower()
    if name.endswith((".osm.pbf", ".pbf", ".osm", ".osm.xml")):
        records = _parse_osm(p, classes)
        warnings: list[str] = []
    elif name.endswith(".gpkg"):
        records, warnings = _parse_gpkg(p)
    else:
        records, warnings = _parse_geojson(p, decode_text(data, p))
    if not records:
        raise ImportFormatError(f"{p.name}: no roads found (classes kept: {', '.join(classes)})")
    return Parsed(p, "roads", digest, records, warnings)


def _parse_osm(p: Path, classes: tuple[str, ...]) -> list[RoadSegment]:
    import osmium

    prov = Provenance(Source("OpenStreetMap contributors", p.name,
                             "https://www.openstreetmap.org/copyright"))
    out: list[RoadSegment] = []
    keep = set(classes)
    try:
        fp = osmium.FileProcessor(str(p)).with_locations().with_filter(
            osmium.filter.KeyFilter("highway"))
        for o in fp:
            if not isinstance(o, osmium.osm.Way):
                continue
            tags = dict(o.tags)
            if tags.get("highway") not in keep:
                continue
            try:
                coords = [(n.lon, n.lat) for n in o.nodes]
            except osmium.InvalidLocationError:
                missing = [n.ref for n in o.nodes if not n.location.valid()]
                raise ImportFormatError(f"{p.name} way {o.id}: references missing node(s) "
                                        f"{', '.join(map(str, missing[:5]))}") from None
            if len(coords) < 2:
                raise ImportFormatError(f"{p.name} way {o.id}: fewer than two nodes")
            out.append(RoadSegment(f"osm-way-{o.id}", LineString(coords), prov,
                                   tags.get("highway", ""), tags.get("ref", ""), tags.get("name", "")))
    except ImportFormatError:
        raise
    except Exception as exc:  # libosmium reports truncated or foreign files with RuntimeError & co
        raise ImportFormatError(f"{p.name}: not a readable OSM file ({exc})") from None
    return out


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
            out.append(RoadSegment(rid, line, prov, str(props.get("road_class") or props.get("highway") or ""),
                                   str(props.get("ref") or ""), str(props.get("name") or "")))
    return out, warnings


def _parse_gpkg(p: Path) -> tuple[list[RoadSegment], list[str]]:
    import json

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
                out_text.append({"type": "Feature", "properties": {k: (None if v != v else v) for k, v in row.items()},
                                 "geometry": g.__geo_interface__ if g is not None else None})
    except ImportFormatError:
        raise
    except Exception as exc:
        raise ImportFormatError(f"{p.name}: cannot read as GeoPackage ({exc})") from None
    return _parse_geojson(p, json.dumps({"type": "FeatureCollection", "features": out_text}))
