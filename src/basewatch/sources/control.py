"""Importer of control snapshots: polygons from GeoJSON, KML/KMZ, GIS layers or WKT tables, one
or many dates per file (or a series of files, one per date)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

from basewatch.errors import BasewatchError, ImportFormatError
from basewatch.model import ControlArea, ControlStatus, Outline
from basewatch.model.control import DEFAULT_SLIVER_KM
from basewatch.sources._common import (
    Parsed,
    check_date,
    check_geometry,
    decode_text,
    feature_where,
    iter_geojson_features,
    parse_geometry,
    provenance_from,
    read_limited,
)
from basewatch.sources.checks import polygon_warnings
from basewatch.sources.features import Feature, location_of, read_features
from basewatch.sources.mapping import (
    Faults,
    FieldMapping,
    TrackedProps,
    missing_fields,
    unknown_columns_warning,
)
from basewatch.store.base import CONTROL, OUTLINES, Store

__all__ = ["parse_control", "parse_outlines", "refresh_implied"]

FactionResolver = Callable[[str], str]

#: Fields a control area needs; --set/--faction/--date/--source supply them for a whole file.
REQUIRED = ("faction", "date", "source")
#: Fields other tools (and `basewatch export`) write that are known but not stored: a label,
#: and the area, which is computed from the polygon.
IGNORED = ("name", "area_km2")


def _area(props: TrackedProps, where: str, geom: object,
          resolve_faction: FactionResolver) -> ControlArea:
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
    return ControlArea(faction=faction, date=day, geometry=geom, status=status,
                       provenance=provenance_from(props.get, where))


def parse_control(path: str | Path, resolve_faction: FactionResolver,
                  mapping: FieldMapping | None = None,
                  reference: list[tuple[float, float]] | None = None) -> Parsed:
    """Control areas: features with ``faction``, ``date``, optional ``status`` and a source.

    ``reference`` (lon, lat) points say where the workspace's data is: an area far from them
    whose swapped position is near gets a "swapped" warning, one merely far a "wrong region"
    warning (``checks.polygon_warnings``).
    """
    ff = read_features(path, "control", mapping)
    p = ff.path
    warnings: list[str] = []
    records: list[ControlArea] = []
    seen: dict[tuple[str, str, str], str] = {}
    faults = Faults()
    read: set[str] = set()
    wheres: list[str] = []
    for f in ff.features:
        props = TrackedProps(f.props)
        props.read.update(IGNORED)
        if props.get("source_publisher") and not props.get("source"):
            props["source"] = props["source_publisher"]
        fault = missing_fields(props, REQUIRED, f.where)
        if fault:
            faults.add(fault)
            continue

        def build(feat: Feature = f, props: TrackedProps = props,
                  read: set[str] = read) -> ControlArea:
            geom = check_geometry(location_of(ff, feat, read), feat.where, warnings)
            if geom.geom_type not in ("Polygon", "MultiPolygon"):
                raise ImportFormatError(f"{feat.where}: geometry {geom.geom_type}; control "
                                        "areas are polygons")
            return _area(props, feat.where, geom, resolve_faction)

        rec = faults.guard(build)
        read |= props.read
        if rec is None:
            continue
        if rec.key in seen:
            faults.add(f"{f.where}: a second {rec.status.value} area for {rec.faction} on "
                       f"{rec.date} (first at {seen[rec.key]}); merge them into one MultiPolygon")
            continue
        seen[rec.key] = f.where
        records.append(rec)
        wheres.append(f.where)
    faults.check()
    if not records:
        raise ImportFormatError(f"{p.name}: no control areas found")
    warnings += polygon_warnings(list(zip(wheres, [r.geometry for r in records], strict=True)),
                                 reference or [])
    warnings += unknown_columns_warning(p.name, ff.columns,
                                        read | (mapping.used_columns() if mapping else set()))
    return Parsed(p, "control", ff.sha256, records, warnings, ff.notes)


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
