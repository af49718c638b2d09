"""Writers: GeoJSON, KML 2.2 (styles per faction/operator, TimeSpan), GeoPackage, CSV."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from basewatch.exports.layers import ExportLayer

__all__ = ["kml_colour", "write_csv", "write_geojson", "write_gpkg", "write_kml"]

KML_NS = "http://www.opengis.net/kml/2.2"
SYNTHETIC_NOTE = ("SYNTHETIC: made by a seeded generator to fill a gap in the sources; "
                  "see generator and seed.")


def write_geojson(layer: ExportLayer, out: Path) -> None:
    fc = {"type": "FeatureCollection", "name": layer.name,
          "date": layer.date.isoformat() if layer.date else None,
          "synthetic": layer.synthetic,
          "features": [{"type": "Feature", "properties": r.properties,
                        "geometry": mapping(r.geometry)} for r in layer.rows]}
    out.write_text(json.dumps(fc, ensure_ascii=False), "utf-8")


def write_csv(layer: ExportLayer, out: Path) -> None:
    """One row per feature: properties, then lon/lat (points only) and WKT."""
    cols = list(layer.rows[0].properties) if layer.rows else ["synthetic"]
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow([*cols, "lon", "lat", "wkt"])
        for r in layer.rows:
            g = r.geometry
            lon, lat = (g.x, g.y) if g.geom_type == "Point" else ("", "")
            w.writerow([_cell(r.properties.get(c)) for c in cols] + [lon, lat, g.wkt])


def _cell(v: Any) -> Any:
    return "" if v is None else ("true" if v is True else "false" if v is False else v)


# --- GeoPackage ---------------------------------------------------------------------------

def _column(values: list[Any]) -> np.ndarray[Any, Any]:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present) and len(present) == len(values):
        return np.array(values, dtype=bool)
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        if len(present) == len(values):
            return np.array(values, dtype=np.int64)
        return np.array([np.nan if v is None else float(v) for v in values], dtype=float)
    if present and all(isinstance(v, float | int) and not isinstance(v, bool) for v in present):
        return np.array([np.nan if v is None else float(v) for v in values], dtype=float)
    return np.array([None if v is None else str(v) for v in values], dtype=object)


def _promote(g: BaseGeometry) -> BaseGeometry:
    # A GeoPackage layer has one geometry type: mixed Polygon/MultiPolygon become Multi*.
    if g.geom_type == "Polygon":
        return shapely.MultiPolygon([g])
    if g.geom_type == "LineString":
        return shapely.MultiLineString([g])
    return g


def write_gpkg(layer: ExportLayer, out: Path) -> None:
    """A GeoPackage layer named after the layer (appended if the file already exists)."""
    from pyogrio.raw import write

    if not layer.rows:
        raise_empty(layer)
    geoms = [_promote(r.geometry) for r in layer.rows]
    gtypes = {g.geom_type for g in geoms}
    cols = list(layer.rows[0].properties)
    write(str(out), np.array([shapely.to_wkb(g) for g in geoms], dtype=object),
          [_column([r.properties.get(c) for r in layer.rows]) for c in cols], cols,
          layer=layer.name, driver="GPKG", crs="EPSG:4326",
          geometry_type=gtypes.pop() if len(gtypes) == 1 else "Unknown",
          append=out.exists())


def raise_empty(layer: ExportLayer) -> None:
    from basewatch.errors import NotFoundError

    raise NotFoundError(f"layer {layer.name} has no features on {layer.date}")


# --- KML ----------------------------------------------------------------------------------

def kml_colour(hex_rgb: str, alpha: int = 0xFF) -> str:
    """'#rrggbb' -> KML's 'aabbggrr'."""
    h = hex_rgb.lstrip("#")
    if len(h) != 6:
        h = "888888"
    return f"{alpha:02x}{h[4:6]}{h[2:4]}{h[0:2]}".lower()


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, f"{{{KML_NS}}}{tag}")
    if text is not None:
        el.text = text
    return el


def _coords(seq: Any) -> str:
    return " ".join(f"{x:.6f},{y:.6f}" for x, y, *_ in seq)


def _geometry(parent: ET.Element, g: BaseGeometry) -> None:
    kind = g.geom_type
    if kind == "Point":
        _sub(_sub(parent, "Point"), "coordinates", _coords(g.coords))
    elif kind == "LineString":
        ls = _sub(parent, "LineString")
        _sub(ls, "tessellate", "1")
        _sub(ls, "coordinates", _coords(g.coords))
    elif kind == "Polygon":
        poly = _sub(parent, "Polygon")
        _sub(poly, "tessellate", "1")
        ring = _sub(_sub(poly, "outerBoundaryIs"), "LinearRing")
        _sub(ring, "coordinates", _coords(g.exterior.coords))
        for hole in g.interiors:
            _sub(_sub(_sub(poly, "innerBoundaryIs"), "LinearRing"), "coordinates",
                 _coords(hole.coords))
    elif kind.startswith("Multi") or kind == "GeometryCollection":
        multi = _sub(parent, "MultiGeometry")
        for part in g.geoms:
            _geometry(multi, part)


def _description(props: dict[str, Any]) -> str:
    lines = [SYNTHETIC_NOTE] if props.get("synthetic") else []
    src = props.get("source")
    if src:
        lines.append(f"Source: {src}" + (f", {props['source_date']}" if props.get("source_date")
                                         else ""))
    lines += [f"{k}: {v}" for k, v in props.items()
              if v is not None and k not in ("source", "source_date")]
    return "\n".join(lines)


def write_kml(layer: ExportLayer, out: Path) -> None:
    """KML 2.2: one Style per faction/operator; control areas carry a TimeSpan; synthetic
    records say so in their name and description. ElementTree escapes all text."""
    ET.register_namespace("", KML_NS)
    root = ET.Element(f"{{{KML_NS}}}kml")
    doc = _sub(root, "Document")
    _sub(doc, "name", f"basewatch {layer.name}" + (f" {layer.date}" if layer.date else ""))
    if layer.synthetic:
        _sub(doc, "description", "Contains synthetic records. " + SYNTHETIC_NOTE)
    keys = sorted({str(r.properties.get(layer.style_key)) for r in layer.rows}) \
        if layer.style_key else []
    for key in keys + ["default"]:
        colour = layer.styles.get(key, "#888888")
        st = _sub(doc, "Style")
        st.set("id", f"s-{_ident(key)}")
        # Order matters for schema validity: IconStyle, LineStyle, PolyStyle.
        _sub(_sub(st, "IconStyle"), "color", kml_colour(colour))
        ls = _sub(st, "LineStyle")
        _sub(ls, "color", kml_colour(colour))
        _sub(ls, "width", "2")
        _sub(_sub(st, "PolyStyle"), "color", kml_colour(colour, 0x66))
    folder = _sub(doc, "Folder")
    _sub(folder, "name", layer.name)
    for r in layer.rows:
        p = r.properties
        pm = _sub(folder, "Placemark")
        label = str(p.get("name") or p.get("faction") or f"{p.get('a')} / {p.get('b')}")
        _sub(pm, "name", ("[SYNTHETIC] " if p.get("synthetic") else "") + label)
        _sub(pm, "description", _description(p))
        if layer.name == "control" and p.get("date"):
            ts = _sub(pm, "TimeSpan")
            _sub(ts, "begin", str(p["date"]))
            if layer.valid_to:
                _sub(ts, "end", layer.valid_to.isoformat())
        key = str(p.get(layer.style_key)) if layer.style_key else "default"
        _sub(pm, "styleUrl", f"#s-{_ident(key)}")
        ext = _sub(pm, "ExtendedData")
        for k, v in p.items():
            d = _sub(ext, "Data")
            d.set("name", k)
            _sub(d, "value", "" if v is None else str(v).lower() if isinstance(v, bool) else str(v))
        _geometry(pm, r.geometry)
    ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)


def _ident(key: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in key) or "default"
