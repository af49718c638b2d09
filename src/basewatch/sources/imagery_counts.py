"""Importers of the imagery capability: analysts' manual counts (CSV) and named site areas
(GeoJSON). Both parse the whole file first and write in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from basewatch.errors import BasewatchError, ImportFormatError
from basewatch.model._util import parse_datetime
from basewatch.model.imagery import (
    CountMethod,
    ImageryCount,
    SiteArea,
    normalize_area,
    parse_count_class,
)
from basewatch.sources._common import (
    Parsed,
    decode_text,
    feature_where,
    iter_csv,
    iter_geojson_features,
    parse_geometry,
    provenance_from,
    read_limited,
)
from basewatch.sources.importing import ImportReport, write_parsed
from basewatch.store import LayerSpec, Workspace
from basewatch.store.imagery import IMAGERY_AREAS, IMAGERY_COUNTS

__all__ = ["import_areas", "import_counts", "parse_areas", "parse_counts", "site_resolver"]

SiteResolver = Callable[[str], str]

COUNT_COLUMNS = ("site", "area", "time", "class", "count", "sensor", "source")


def site_resolver(ws: Workspace) -> SiteResolver:
    """Facility id, name or alias -> facility id; unknown sites raise NotFoundError."""
    return lambda name: ws.facility(name).id


def _time(text: str, where: str) -> dt.datetime:
    if not text:
        raise ImportFormatError(f"{where}: time is empty")
    try:
        # A bare date means the hour is unknown: it is kept as 00:00 UTC of that day.
        t = parse_datetime(text + ("T00:00:00+00:00" if len(text) == 10 else ""))
    except BasewatchError:
        raise ImportFormatError(f"{where}: time {text!r} is not an ISO timestamp "
                                "(e.g. 2024-12-03T08:25:00Z) or date") from None
    if t > dt.datetime.now(dt.UTC):
        raise ImportFormatError(f"{where}: time {text} is in the future")
    return t


def parse_counts(path: str | Path, resolve_site: SiteResolver) -> Parsed:
    """Manual (or exported detector) counts, one row per site, area, time and class.

    Columns: ``site, area, time, class, count, sensor, source`` (required); ``resolution_m``,
    ``method`` (manual|detector), ``presence_only``, ``scene_id`` and the provenance fields.
    """
    p = Path(path)
    data, digest = read_limited(p)
    text = decode_text(data, p)
    records: list[ImageryCount] = []
    seen: dict[tuple[str, ...], str] = {}
    for row in iter_csv(p, text, COUNT_COLUMNS):
        w = row.where
        count = row.number("count")
        assert count is not None
        if count < 0:
            raise ImportFormatError(f"{w}: count {count:g} is negative")
        if count != int(count):
            raise ImportFormatError(f"{w}: count {count:g} is not a whole number")
        presence = row.get("presence_only").lower()
        if presence not in ("", "0", "1", "true", "false", "yes", "no"):
            raise ImportFormatError(f"{w}: presence_only {presence!r} is not true/false")
        method_text = row.get("method").lower() or "manual"
        if method_text not in {m.value for m in CountMethod}:
            raise ImportFormatError(f"{w}: method {method_text!r} is not manual or detector")
        method = CountMethod(method_text)
        try:
            site = resolve_site(row.require("site"))
            cls = parse_count_class(row.require("class"))
        except ImportFormatError:
            raise
        except BasewatchError as exc:
            raise ImportFormatError(f"{w}: {exc}") from None
        try:
            rec = ImageryCount(
                site=site, area=normalize_area(row.require("area")), time=_time(row.get("time"), w),
                object_class=cls, count=int(count), sensor=row.require("sensor"),
                resolution_m=row.number("resolution_m", lo=0.01, hi=1000, required=False),
                method=method, presence_only=presence in ("1", "true", "yes"),
                scene_id=row.get("scene_id"), provenance=provenance_from(row.get, w))
        except ImportFormatError:
            raise
        except BasewatchError as exc:
            raise ImportFormatError(f"{w}: {exc}") from None
        if rec.key in seen:
            raise ImportFormatError(f"{w}: duplicate count for {rec.site}/{rec.area} {rec.time} "
                                    f"{rec.object_class} (first at {seen[rec.key]})")
        seen[rec.key] = w
        records.append(rec)
    return Parsed(p, "imagery-counts", digest, records)


def parse_areas(path: str | Path, resolve_site: SiteResolver) -> Parsed:
    """Named site areas: a GeoJSON FeatureCollection of polygons with ``site``, ``name``,
    ``kind`` (water|apron|airfield|other) and provenance properties."""
    p = Path(path)
    data, digest = read_limited(p)
    text = decode_text(data, p)
    records: list[SiteArea] = []
    warnings: list[str] = []
    for i, f in iter_geojson_features(p, text):
        w = feature_where(p, i, f)
        props: dict[str, Any] = f.get("properties") or {}
        if not isinstance(props, dict):
            raise ImportFormatError(f"{w}: properties is {type(props).__name__}, not an object")

        def get(k: str, props: dict[str, Any] = props) -> Any:
            return props.get(k)

        geom = parse_geometry(f.get("geometry"), w, warnings)
        try:
            site = resolve_site(str(props.get("site") or ""))
            rec = SiteArea(site=site, name=normalize_area(str(props.get("name") or "")),
                           kind=str(props.get("kind") or ""), geometry=geom,
                           provenance=provenance_from(get, w))
        except ImportFormatError:
            raise
        except BasewatchError as exc:
            raise ImportFormatError(f"{w}: {exc}") from None
        records.append(rec)
    return Parsed(p, "imagery-areas", digest, records, warnings)


def _import(ws: Workspace, parsed: Parsed, spec: LayerSpec) -> ImportReport:
    def layer_of(_: Any) -> LayerSpec:
        return spec

    result = write_parsed(ws, parsed, layer_of)
    return ImportReport(parsed.kind, str(parsed.path), parsed.sha256, len(parsed.records), result,
                        parsed.warnings)


def import_counts(ws: Workspace, path: str | Path) -> ImportReport:
    """Import a counts CSV: it lands whole or not at all; re-importing changes nothing."""
    return _import(ws, parse_counts(path, site_resolver(ws)), IMAGERY_COUNTS)


def import_areas(ws: Workspace, path: str | Path) -> ImportReport:
    """Import a GeoJSON of named site areas, whole or not at all."""
    return _import(ws, parse_areas(path, site_resolver(ws)), IMAGERY_AREAS)
