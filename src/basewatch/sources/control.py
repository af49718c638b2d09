"""Importer of control snapshots: polygons from GeoJSON, KML/KMZ, GIS layers or WKT tables, one
or many dates per file (or a series of files, one per date)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from basewatch.errors import BasewatchError, ImportFormatError
from basewatch.model import ControlArea, ControlStatus
from basewatch.sources._common import Parsed, check_date, check_geometry, provenance_from
from basewatch.sources.checks import polygon_warnings
from basewatch.sources.features import Feature, location_of, read_features
from basewatch.sources.mapping import (
    Faults,
    FieldMapping,
    TrackedProps,
    missing_fields,
    unknown_columns_warning,
)

__all__ = ["parse_control"]

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
