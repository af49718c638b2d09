"""KML and KMZ (Google Earth, basewatch's own `export kml`) read safely into features.

The XML goes through defusedxml: a document that declares a DTD or entities (billion laughs),
or refers to external ones, is refused, and nothing is expanded or fetched. A KMZ is a zip: its
members are size-checked before they are inflated, a truncated archive is refused.

Each Placemark becomes a feature: its ``ExtendedData`` (``Data``/``value`` and
``SchemaData``/``SimpleData``) as properties, ``name`` (a ``[SYNTHETIC] `` prefix written by
basewatch removed), ``TimeStamp``/``TimeSpan`` as ``date`` when no property gives one, and its
geometry (Point, LineString, Polygon with holes, MultiGeometry) in KML's lon,lat order.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from shapely.geometry import LineString, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from basewatch.errors import ImportFormatError
from basewatch.sources.features import Feature

__all__ = ["MAX_KML_BYTES", "read_kml"]

#: Largest KML document read (inflated size inside a KMZ too).
MAX_KML_BYTES = 100 * 1024 * 1024

_SYNTHETIC_PREFIX = "[SYNTHETIC] "


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(el: Element, name: str) -> Element | None:
    for c in el:
        if _local(c.tag) == name:
            return c
    return None


def _text(el: Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""


def _kmz_document(path: Path, data: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = [i for i in z.infolist() if i.filename.lower().endswith(".kml")]
            if not names:
                raise ImportFormatError(f"{path.name}: KMZ holds no .kml document")
            # Google Earth names the main document doc.kml; otherwise the first one.
            info = next((i for i in names if i.filename.lower() == "doc.kml"), names[0])
            if info.file_size > MAX_KML_BYTES:
                raise ImportFormatError(f"{path.name}: {info.filename} unpacks to "
                                        f"{info.file_size / 1e6:.0f} MB, over the "
                                        f"{MAX_KML_BYTES / 1e6:.0f} MB limit")
            with z.open(info) as f:
                doc = f.read(MAX_KML_BYTES + 1)
            if len(doc) > MAX_KML_BYTES:
                raise ImportFormatError(f"{path.name}: {info.filename} is over the "
                                        f"{MAX_KML_BYTES / 1e6:.0f} MB limit")
            return doc
    except ImportFormatError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError,
            NotImplementedError) as exc:
        raise ImportFormatError(f"{path.name}: not a readable KMZ (zip) file ({exc})") from None


def parse_xml(path: Path, data: bytes) -> Element:
    """The root element, parsed by defusedxml with DTDs, entities and external refs refused."""
    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    if len(data) > MAX_KML_BYTES:
        raise ImportFormatError(f"{path.name}: over the {MAX_KML_BYTES / 1e6:.0f} MB KML limit")
    try:
        root: Element = DET.fromstring(data, forbid_dtd=True, forbid_entities=True,
                                       forbid_external=True)
    except DefusedXmlException as exc:
        raise ImportFormatError(f"{path.name}: refused unsafe XML ({type(exc).__name__}: the "
                                "document declares a DTD, entities or external references)") \
            from None
    except Exception as exc:  # ParseError and friends: not well-formed
        raise ImportFormatError(f"{path.name}: not well-formed XML ({exc})") from None
    return root


def _coords(text: str, where: str) -> list[tuple[float, float]]:
    out = []
    for tok in text.split():
        parts = tok.split(",")
        try:
            lon, lat = float(parts[0]), float(parts[1])
        except (ValueError, IndexError):
            raise ImportFormatError(f"{where}: coordinate {tok!r} is not lon,lat[,alt]") from None
        out.append((lon, lat))
    if not out:
        raise ImportFormatError(f"{where}: empty coordinates")
    return out


def _ring(el: Element | None, where: str) -> list[tuple[float, float]]:
    ring = _child(el, "LinearRing") if el is not None else None
    if ring is None:
        raise ImportFormatError(f"{where}: polygon boundary without a LinearRing")
    return _coords(_text(_child(ring, "coordinates")), where)


def _geometry(el: Element, where: str) -> list[BaseGeometry]:
    out: list[BaseGeometry] = []
    for g in el:
        name = _local(g.tag)
        try:
            if name == "Point":
                out.append(Point(_coords(_text(_child(g, "coordinates")), where)[0]))
            elif name == "LineString":
                out.append(LineString(_coords(_text(_child(g, "coordinates")), where)))
            elif name == "Polygon":
                holes = [_ring(b, where) for b in g if _local(b.tag) == "innerBoundaryIs"]
                out.append(Polygon(_ring(_child(g, "outerBoundaryIs"), where), holes))
            elif name == "MultiGeometry":
                out += _geometry(g, where)
        except ImportFormatError:
            raise
        except (ValueError, TypeError) as exc:  # shapely: too few points for a ring or line
            raise ImportFormatError(f"{where}: malformed {name} ({exc})") from None
    return out


def _combine(parts: list[BaseGeometry], where: str) -> BaseGeometry | None:
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    kinds = {p.geom_type for p in parts}
    if kinds == {"Polygon"}:
        from shapely.geometry import MultiPolygon

        return MultiPolygon(parts)
    if kinds == {"Point"}:
        from shapely.geometry import MultiPoint

        return MultiPoint(parts)
    if kinds == {"LineString"}:
        from shapely.geometry import MultiLineString

        return MultiLineString(parts)
    return unary_union(parts)


def _properties(pm: Element) -> dict[str, Any]:
    props: dict[str, Any] = {}
    ext = _child(pm, "ExtendedData")
    if ext is not None:
        for d in ext.iter():
            name = _local(d.tag)
            if name == "Data" and d.get("name"):
                props[str(d.get("name"))] = _text(_child(d, "value")) or None
            elif name == "SimpleData" and d.get("name"):
                props[str(d.get("name"))] = (d.text or "").strip() or None
    label = _text(_child(pm, "name"))
    if label.startswith(_SYNTHETIC_PREFIX):
        label = label[len(_SYNTHETIC_PREFIX):]
    if label and not props.get("name"):
        props["name"] = label
    if not props.get("date"):
        ts = _child(pm, "TimeStamp")
        span = _child(pm, "TimeSpan")
        when = _text(_child(ts, "when")) if ts is not None else \
            _text(_child(span, "begin")) if span is not None else ""
        if when:
            props["date"] = when[:10]
    pid = pm.get("id")
    if pid and not props.get("id"):
        props["id"] = pid
    return props


def read_kml(path: Path, data: bytes) -> list[Feature]:
    """Placemarks of a KML or KMZ file as features, in document order."""
    doc = _kmz_document(path, data) if path.suffix.lower() == ".kmz" or data[:2] == b"PK" \
        else data
    root = parse_xml(path, doc)
    if _local(root.tag) != "kml":
        raise ImportFormatError(f"{path.name}: root element <{_local(root.tag)}> is not <kml>")
    out = []
    for i, pm in enumerate(e for e in root.iter() if _local(e.tag) == "Placemark"):
        props = _properties(pm)
        where = f"{path.name} placemark {i}" + (f" ({props['name']})" if props.get("name") else "")
        geom = _combine(_geometry(pm, where), where)
        if geom is None:
            raise ImportFormatError(f"{where}: no geometry (Point, LineString or Polygon)")
        out.append(Feature(where, props, geom))
    if not out:
        raise ImportFormatError(f"{path.name}: no placemarks found")
    return out
