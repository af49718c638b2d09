"""GIS layers through pyogrio (GDAL): GeoPackage, shapefile (zipped too), FlatGeobuf; any CRS
reprojected to WGS84 lon/lat with pyproj, and the reprojection stated.

GeoJSON is read by basewatch's own parser (``_common.iter_geojson_features``, which names the
feature of a fault); a legacy ``crs`` member naming another CRS is reprojected the same way.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from shapely.geometry.base import BaseGeometry

from basewatch.errors import ImportFormatError
from basewatch.sources._common import decode_text, iter_geojson_features, load_json
from basewatch.sources.features import Feature

__all__ = ["VECTOR_SUFFIXES", "read_geojson", "read_vector", "to_wgs84"]

VECTOR_SUFFIXES = (".gpkg", ".shp", ".zip", ".fgb")

_WGS84_NAMES = {"EPSG:4326", "OGC:CRS84", "CRS84", "URN:OGC:DEF:CRS:OGC:1.3:CRS84",
                "URN:OGC:DEF:CRS:EPSG::4326"}


def _crs(text: str, where: str) -> Any:
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        return CRS.from_user_input(text)
    except CRSError as exc:
        reason = str(exc).split(":")[0]
        raise ImportFormatError(f"{where}: unknown CRS {text!r} ({reason})") from None


def is_wgs84(crs_text: str, where: str) -> bool:
    if not crs_text or crs_text.strip().upper() in _WGS84_NAMES:
        return True
    crs = _crs(crs_text, where)
    return bool(crs.is_geographic and crs.to_epsg() == 4326)


def to_wgs84(geoms: list[BaseGeometry | None], crs_text: str,
             where: str) -> tuple[list[BaseGeometry | None], str | None]:
    """Geometries reprojected from ``crs_text`` to WGS84 lon/lat, and a note saying so.

    ``None`` (no reprojection) when the CRS is absent or already WGS84. Axis order is always
    x=east (``always_xy``), as GIS files store it.
    """
    if is_wgs84(crs_text, where):
        return geoms, None
    import shapely
    from pyproj import Transformer

    src = _crs(crs_text, where)
    tr = Transformer.from_crs(src, "EPSG:4326", always_xy=True)

    def fwd(xy: Any) -> Any:
        import numpy as np

        x, y = tr.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    out: list[BaseGeometry | None] = []
    for g in geoms:
        if g is None:
            out.append(None)
            continue
        h = shapely.transform(g, fwd)
        if not all(math.isfinite(v) for v in h.bounds):
            raise ImportFormatError(f"{where}: coordinates {g.bounds} do not reproject from "
                                    f"{src.to_string()} to WGS84; is that the file's CRS?")
        out.append(h)
    name = src.to_string()
    label = f"{name} ({src.name})" if src.name and src.name not in name else name
    return out, f"{where}: reprojected from {label} to WGS84 lon/lat"


def read_vector(path: Path) -> tuple[list[Feature], list[str]]:
    """Features of every geometry layer of a GeoPackage, shapefile (.shp or .zip) or FlatGeobuf."""
    import pyogrio
    import pyogrio.raw
    import shapely

    notes: list[str] = []
    out: list[Feature] = []
    try:
        layers = [(str(n), g) for n, g in pyogrio.list_layers(path)]
    except Exception as exc:  # GDAL reports corrupt or foreign files with several error types
        raise ImportFormatError(f"{path.name}: cannot read as a GIS layer file ({exc})") from None
    geo_layers = [n for n, g in layers if g is not None]
    if not geo_layers:
        raise ImportFormatError(f"{path.name}: no layer with geometries (found: "
                                f"{', '.join(n for n, _ in layers) or 'no layers'})")
    for layer in geo_layers:
        lw = f"{path.name}" + (f" layer {layer}" if len(geo_layers) > 1 or
                               path.suffix.lower() == ".gpkg" else "")
        try:
            meta, _, wkb, fields = pyogrio.raw.read(path, layer=layer, datetime_as_string=True)
        except Exception as exc:
            raise ImportFormatError(f"{lw}: cannot read ({exc})") from None
        geoms = list(shapely.from_wkb(wkb)) if wkb is not None else []
        crs = str(meta.get("crs") or "")
        geoms, note = to_wgs84(geoms, crs, lw)
        if note:
            notes.append(note)
        names = [str(n) for n in meta["fields"]]
        for i, g in enumerate(geoms):
            props = {n: _plain(col[i]) for n, col in zip(names, fields, strict=True)}
            fid = props.get("id")
            where = f"{lw} feature {i}" + (f" ({fid})" if fid not in (None, "") else "")
            out.append(Feature(where, props, g))
    return out, notes


def _plain(v: Any) -> Any:
    """numpy scalars to Python; NaN (a null number) to None."""
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    return v


def read_geojson(path: Path, data: bytes) -> tuple[list[Feature], list[str]]:
    """Features of a GeoJSON file; a ``crs`` member naming a projected CRS is reprojected."""
    from shapely.geometry import shape

    text = decode_text(data, path)
    doc = load_json(path, text)
    crs_text = ""
    if isinstance(doc, dict) and isinstance(doc.get("crs"), dict):
        props = doc["crs"].get("properties")
        crs_text = str(props.get("name", "")) if isinstance(props, dict) else ""
        if not crs_text:
            raise ImportFormatError(f"{path.name}: crs member without a name")
        if not is_wgs84(crs_text, path.name):
            doc = {k: v for k, v in doc.items() if k != "crs"}
            text = json.dumps(doc)
        else:
            crs_text = ""
    feats: list[Feature] = []
    for i, f in iter_geojson_features(path, text):
        p = f.get("properties")
        props = dict(p) if isinstance(p, dict) else {}
        if f.get("id") is not None:
            props.setdefault("id", f.get("id"))
        fid = props.get("id")
        where = f"{path.name} feature {i}" + (f" ({fid})" if fid else "")
        g = f.get("geometry")
        geom: BaseGeometry | None = None
        if isinstance(g, dict):
            try:
                geom = shape(g)
            except Exception as exc:  # shapely raises several types for malformed coordinates
                raise ImportFormatError(f"{where}: malformed geometry ({exc})") from None
        feats.append(Feature(where, props, geom))
    notes: list[str] = []
    if crs_text:
        geoms, note = to_wgs84([f.geometry for f in feats], crs_text, path.name)
        feats = [Feature(f.where, f.props, g) for f, g in zip(feats, geoms, strict=True)]
        notes.append(note or "")
    return feats, [n for n in notes if n]
