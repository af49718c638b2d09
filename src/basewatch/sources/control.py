"""Importer of control snapshots: GeoJSON or GeoPackage, one or many dates per file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from basewatch.errors import BasewatchError, ImportFormatError
from basewatch.model import ControlArea, ControlStatus, Outline
from basewatch.model.control import DEFAULT_SLIVER_KM
from basewatch.sources._common import (
    Parsed,
    check_date,
    decode_text,
    feature_where,
    iter_geojson_features,
    parse_geometry,
    provenance_from,
    read_limited,
)
from basewatch.store.base import CONTROL, OUTLINES, Store

__all__ = ["parse_control", "parse_outlines", "refresh_implied"]

FactionResolver = Callable[[str], str]


def _features_gpkg(p: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    import json

    try:
        import pyogrio
    except ImportError:  # pragma: no cover - pyogrio is a dependency
        raise ImportFormatError(f"{p.name}: reading GeoPackage needs pyogrio") from None
    try:
        layers = pyogrio.list_layers(p)
        for layer, geom_type in layers:
            if geom_type is None:
                continue
            info = pyogrio.read_info(p, layer=layer)
            crs = str(info.get("crs") or "")
            if crs and crs.upper() not in ("EPSG:4326", "OGC:CRS84"):
                raise ImportFormatError(f"{p.name} layer {layer}: CRS {crs} is not WGS84 lon/lat; "
                                        "reproject to EPSG:4326")
            table = pyogrio.read_dataframe(p, layer=layer)
            for i, row in enumerate(table.to_dict("records")):
                geom = row.pop("geometry")
                props = {k: (None if v != v else v) for k, v in row.items()}  # NaN -> None
                yield i, {"type": "Feature", "properties": props,
                          "geometry": json.loads(json.dumps(geom.__geo_interface__)) if geom else None}
    except ImportFormatError:
        raise
    except Exception as exc:  # GDAL reports many kinds of corrupt files
        raise ImportFormatError(f"{p.name}: cannot read as GeoPackage ({exc})") from None


def parse_control(path: str | Path, resolve_faction: FactionResolver) -> Parsed:
    """Control areas: features with ``faction``, ``date``, optional ``status`` and a source."""
    p = Path(path)
    data, digest = read_limited(p)
    warnings: list[str] = []
    if p.suffix.lower() == ".gpkg":
        features: Iterator[tuple[int, dict[str, Any]]] = _features_gpkg(p)
    else:
        features = iter_geojson_features(p, decode_text(data, p))
    records: list[ControlArea] = []
    seen: dict[tuple[str, str, str], str] = {}
    for i, f in features:
        props = dict(f.get("properties") or {})
        where = feature_where(p, i, f)
        geom = parse_geometry(f.get("geometry"), where, warnings)
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise ImportFormatError(f"{where}: geometry {geom.geom_type}; control areas are polygons")
        day = check_date(props.get("date"), f"{where}: date", required=True)
        assert day is not None
        try:
            faction = resolve_faction(str(props.get("faction") or "").strip())
            status = ControlStatus(str(props.get("status") or "assessed").strip().lower())
            if status is ControlStatus.IMPLIED:  # derived from outlines, never imported
                raise ValueError(status)
        except ValueError:
            raise ImportFormatError(f"{where}: status {props.get('status')!r} is not assessed or "
                                    "claimed") from None
        except BasewatchError as exc:
            raise ImportFormatError(f"{where}: {exc}") from None
        rec = ControlArea(faction=faction, date=day, geometry=geom, status=status,
                          provenance=provenance_from(props.get, where))
        if rec.key in seen:
            raise ImportFormatError(f"{where}: a second {status.value} area for {faction} on {day} "
                                    f"(first at {seen[rec.key]}); merge them into one MultiPolygon")
        seen[rec.key] = where
        records.append(rec)
    if not records:
        raise ImportFormatError(f"{p.name}: no control areas found")
    return Parsed(p, "control", digest, records, warnings)


def parse_outlines(path: str | Path, resolve_faction: FactionResolver) -> Parsed:
    """Land outlines (GeoJSON): features with ``id``, ``faction`` (whose ground the outline is
    where nobody else holds it), optional ``sliver_km`` and a source (docs/formats.md)."""
    p = Path(path)
    data, digest = read_limited(p)
    warnings: list[str] = []
    records: list[Outline] = []
    seen: dict[str, str] = {}
    for i, f in iter_geojson_features(p, decode_text(data, p)):
        props = dict(f.get("properties") or {})
        where = feature_where(p, i, f)
        geom = parse_geometry(f.get("geometry"), where, warnings)
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise ImportFormatError(f"{where}: geometry {geom.geom_type}; outlines are polygons")
        oid = str(props.get("id") or f.get("id") or "").strip()
        if not oid:
            raise ImportFormatError(f"{where}: id is required")
        if oid in seen:
            raise ImportFormatError(f"{where}: a second outline {oid!r} (first at {seen[oid]})")
        seen[oid] = where
        try:
            faction = resolve_faction(str(props.get("faction") or "").strip())
            sliver = props.get("sliver_km")
            records.append(Outline(oid, faction, geom, provenance_from(props.get, where),
                                   DEFAULT_SLIVER_KM if sliver in (None, "") else float(sliver)))
        except (BasewatchError, ValueError, TypeError) as exc:
            raise ImportFormatError(f"{where}: {exc}") from None
    if not records:
        raise ImportFormatError(f"{p.name}: no outlines found")
    return Parsed(p, "outlines", digest, records, warnings)


def refresh_implied(store: Store, dates: Iterable[dt.date] | None = None) -> int:
    """Recompute the implied ground (``status: implied``, analysis/implied.py) of the given
    control snapshot dates (all with ``None``) and store it in the control layer, replacing
    what was there: a derived table, so that every reader of control (distances, the front,
    the caches) sees it. Called inside the import's transaction; returns the rows written."""
    from basewatch.analysis.implied import implied_areas

    outlines = store.select(OUTLINES, order_by=("id",))
    if dates is None:
        days = [dt.date.fromisoformat(d) for d in store.distinct(CONTROL, "date")]
    else:
        days = sorted(set(dates))
    written = 0
    for day in days:
        rows = store.select(CONTROL, {"date": day.isoformat()}, order_by=("faction",))
        held = [a for a in rows if a.status is not ControlStatus.IMPLIED]
        fresh = implied_areas(held, outlines, day) if held and outlines else []
        if len(held) < len(rows):
            store.delete(CONTROL, {"date": day.isoformat(), "status": ControlStatus.IMPLIED.value})
        if fresh:
            store.put(CONTROL, fresh)
            written += len(fresh)
    return written
