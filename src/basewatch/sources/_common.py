"""Shared parsing for importers: safe reading, CSV rows with line numbers, GeoJSON, provenance.

Importers parse and validate a whole file into model records *before* anything is written, so
that an import lands whole or not at all. Every error names the file, the line or feature, and
the fault.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import math
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from basewatch.errors import BasewatchError, ImportFormatError, ValidationError
from basewatch.model import DatePrecision, LocationPrecision, Provenance, Source
from basewatch.model._util import EARLIEST_DATE, parse_date

if TYPE_CHECKING:  # shapely is loaded by the importers of geometries, not by every importer
    from shapely.geometry.base import BaseGeometry

__all__ = [
    "MAX_FILE_BYTES",
    "CsvRow",
    "check_geometry",
    "Parsed",
    "feature_where",
    "iter_csv",
    "iter_geojson_features",
    "parse_geometry",
    "provenance_from",
    "read_limited",
]

#: Files larger than this are refused before parsing (override: BASEWATCH_MAX_IMPORT_MB).
MAX_FILE_BYTES = 200 * 1024 * 1024


def max_file_bytes() -> int:
    env = os.environ.get("BASEWATCH_MAX_IMPORT_MB")
    return int(float(env) * 1024 * 1024) if env else MAX_FILE_BYTES


@dataclass
class Parsed:
    """The records parsed from one file, with the warnings raised on the way."""

    path: Path
    kind: str
    sha256: str
    records: list[Any]
    warnings: list[str] = field(default_factory=list)
    #: What the import did to the file that the user should know (CRS reprojected, sheet read).
    notes: list[str] = field(default_factory=list)


def read_limited(path: str | Path, limit: int | None = None) -> tuple[bytes, str]:
    """The bytes of a file and their SHA-256; refuses missing, unreadable or oversized files."""
    p = Path(path)
    limit = max_file_bytes() if limit is None else limit
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise ImportFormatError(f"{p}: no such file") from None
    except OSError as exc:
        raise ImportFormatError(f"{p}: cannot read ({exc.strerror})") from None
    if p.is_dir():
        raise ImportFormatError(f"{p}: is a folder, not a file")
    if size > limit:
        raise ImportFormatError(
            f"{p}: {size / 1e6:.1f} MB is over the import limit of {limit / 1e6:.0f} MB "
            "(set BASEWATCH_MAX_IMPORT_MB to raise it)")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ImportFormatError(f"{p}: cannot read ({exc.strerror})") from None
    return data, hashlib.sha256(data).hexdigest()


def decode_text(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(f"{path}: not UTF-8 text (byte {exc.start}: {exc.reason})") from None


@dataclass
class CsvRow:
    """One CSV record with the line it starts on, for error messages."""

    path: Path
    line: int
    values: dict[str, str]

    @property
    def where(self) -> str:
        return f"{self.path.name} line {self.line}"

    def get(self, name: str, default: str = "") -> str:
        v = self.values.get(name)
        return default if v is None else v.strip()

    def require(self, name: str) -> str:
        v = self.get(name)
        if not v:
            raise ImportFormatError(f"{self.where}: {name} is empty")
        return v

    def number(self, name: str, *, lo: float | None = None, hi: float | None = None,
               required: bool = True) -> float | None:
        text = self.get(name)
        if not text:
            if required:
                raise ImportFormatError(f"{self.where}: {name} is empty")
            return None
        try:
            v = float(text)
        except ValueError:
            raise ImportFormatError(f"{self.where}: {name} {text!r} is not a number") from None
        if not math.isfinite(v):
            raise ImportFormatError(f"{self.where}: {name} {text!r} is not a finite number")
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            raise ImportFormatError(f"{self.where}: {name} {v:g} outside [{lo:g}, {hi:g}]")
        return v

    def date(self, name: str, *, required: bool = False) -> dt.date | None:
        return check_date(self.get(name), f"{self.where}: {name}", required=required)


def check_date(value: Any, where: str, *, required: bool = False) -> dt.date | None:
    """Parse a date and refuse ones before 1900 or in the future."""
    if value in (None, ""):
        if required:
            raise ImportFormatError(f"{where} is empty")
        return None
    try:
        d = parse_date(value)
    except ValidationError:
        raise ImportFormatError(f"{where} {value!r} is not an ISO date (YYYY-MM-DD)") from None
    assert d is not None
    if d < EARLIEST_DATE:
        raise ImportFormatError(f"{where} {d} is before 1900")
    if d > dt.datetime.now(dt.UTC).date():
        raise ImportFormatError(f"{where} {d} is in the future")
    return d


def iter_csv(path: Path, text: str, required: tuple[str, ...]) -> Iterator[CsvRow]:
    """Rows of a CSV file; checks the header for required columns first."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames
    if not header:
        raise ImportFormatError(f"{path.name}: empty file (expected a CSV header)")
    header_clean = [h.strip() for h in header]
    missing = [c for c in required if c not in header_clean]
    if missing:
        raise ImportFormatError(
            f"{path.name} line 1: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} (found: {', '.join(header_clean)})")
    reader.fieldnames = header_clean
    start = 2
    try:
        for values in reader:
            if None in values:
                raise ImportFormatError(f"{path.name} line {start}: more fields than the header has")
            if any(v is None for v in values.values()) and any(values.values()):
                raise ImportFormatError(f"{path.name} line {start}: fewer fields than the header has")
            if not any((v or "").strip() for v in values.values()):
                start = reader.line_num + 1
                continue
            yield CsvRow(path, start, values)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFormatError(f"{path.name} line {reader.line_num}: {exc}") from None


def load_json(path: Path, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(f"{path.name} line {exc.lineno}: not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise ImportFormatError(f"{path.name}: JSON nested too deeply") from None


_WGS84_CRS = {"urn:ogc:def:crs:ogc:1.3:crs84", "epsg:4326", "urn:ogc:def:crs:epsg::4326",
              "ogc:crs84", "crs84", "http://www.opengis.net/def/crs/ogc/1.3/crs84",
              "http://www.opengis.net/def/crs/epsg/0/4326"}


def iter_geojson_features(path: Path, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(index, feature) pairs of a GeoJSON FeatureCollection or Feature, CRS checked."""
    doc = load_json(path, text)
    if not isinstance(doc, dict):
        raise ImportFormatError(f"{path.name}: GeoJSON must be an object, got {type(doc).__name__}")
    crs = doc.get("crs")
    if crs is not None:
        props = crs.get("properties") if isinstance(crs, dict) else None
        name = str(props.get("name", "")) if isinstance(props, dict) else ""
        if name.strip().lower() not in _WGS84_CRS:
            raise ImportFormatError(
                f"{path.name}: CRS {name or crs!r} is not WGS84 lon/lat; reproject to EPSG:4326 "
                "(e.g. ogr2ogr -t_srs EPSG:4326)")
    kind = doc.get("type")
    if kind == "FeatureCollection":
        feats = doc.get("features")
        if not isinstance(feats, list):
            raise ImportFormatError(f"{path.name}: FeatureCollection has no 'features' list")
    elif kind == "Feature":
        feats = [doc]
    else:
        raise ImportFormatError(
            f"{path.name}: GeoJSON type {kind!r}; expected FeatureCollection or Feature")
    for i, f in enumerate(feats):
        if not isinstance(f, dict) or f.get("type") != "Feature":
            raise ImportFormatError(f"{path.name} feature {i}: not a GeoJSON Feature")
        yield i, f


def feature_where(path: Path, i: int, f: dict[str, Any]) -> str:
    props = f.get("properties")
    fid = f.get("id") or (props.get("id") if isinstance(props, dict) else None)
    return f"{path.name} feature {i}" + (f" ({fid})" if fid else "")


def parse_geometry(obj: Any, where: str, warnings: list[str]) -> BaseGeometry:
    """A shapely geometry from GeoJSON, checked for lon/lat range and repaired if invalid.

    Invalid polygons (self-intersections) are *repaired* with ``shapely.make_valid`` keeping
    the polygonal parts, and a warning names the feature and the area change.
    """
    from shapely.geometry import shape

    if not isinstance(obj, dict):
        raise ImportFormatError(f"{where}: geometry missing")
    try:
        g = shape(obj)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        raise ImportFormatError(f"{where}: malformed geometry ({exc})") from None
    return check_geometry(g, where, warnings)


def check_geometry(g: BaseGeometry, where: str, warnings: list[str]) -> BaseGeometry:
    """A geometry checked for lon/lat range and repaired if invalid (see parse_geometry)."""
    import shapely

    if g is None:
        raise ImportFormatError(f"{where}: geometry missing")
    if g.is_empty:
        raise ImportFormatError(f"{where}: empty geometry")
    coords = shapely.get_coordinates(g)
    if not (abs(coords[:, 0]) <= 360).all() or not (abs(coords[:, 1]) <= 90).all() or \
            not math.isfinite(float(coords.sum())):
        raise ImportFormatError(
            f"{where}: coordinates outside lon/lat range (e.g. {coords[0].tolist()}); is the file "
            "in a projected CRS without saying so? basewatch expects WGS84 lon/lat")
    if not g.is_valid:
        reason = shapely.is_valid_reason(g)
        fixed = shapely.make_valid(g)
        polys = [p for p in shapely.get_parts(fixed) if p.geom_type in ("Polygon", "MultiPolygon")]
        if not polys:
            raise ImportFormatError(f"{where}: invalid geometry ({reason}) that cannot be repaired")
        repaired = shapely.union_all(polys)
        warnings.append(f"{where}: invalid polygon ({reason}) repaired with make_valid; "
                        f"area {g.area:.6g} -> {repaired.area:.6g} deg²")
        g = repaired
    return g


_PROV_KEYS = ("source", "source_publisher", "source_title", "source_url", "source_date",
              "location_precision", "date_precision", "synthetic", "generator", "seed", "notes")


def provenance_from(get: Callable[[str], Any], where: str) -> Provenance:
    """Provenance from flat fields (CSV columns or GeoJSON properties); a source is required."""
    publisher = str(get("source_publisher") or get("source") or "").strip()
    if not publisher:
        raise ImportFormatError(f"{where}: source is empty (every record needs its source)")
    synthetic_text = str(get("synthetic") or "").strip().lower()
    if synthetic_text not in ("", "0", "1", "true", "false", "yes", "no"):
        raise ImportFormatError(f"{where}: synthetic {synthetic_text!r} is not true/false")
    seed = str(get("seed") or "").strip()
    try:
        return Provenance(
            source=Source(publisher, str(get("source_title") or ""), str(get("source_url") or "")),
            source_date=check_date(get("source_date"), f"{where}: source_date"),
            location_precision=LocationPrecision(str(get("location_precision") or "exact").lower()),
            date_precision=DatePrecision(str(get("date_precision") or "day").lower()),
            synthetic=synthetic_text in ("1", "true", "yes"),
            generator=str(get("generator") or ""),
            seed=int(seed) if seed else None,
            notes=str(get("notes") or ""),
        )
    except (ValueError, BasewatchError) as exc:
        raise ImportFormatError(f"{where}: {exc}") from None


def split_aliases(text: str) -> tuple[str, ...]:
    """Aliases are separated by '|' or ';'."""
    return tuple(a.strip() for a in text.replace(";", "|").split("|") if a.strip())
