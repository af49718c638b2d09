"""Layers to export: rows of flat properties and a geometry, with the synthetic mark on each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from basewatch.analysis.control import front_line
from basewatch.analysis.geodesy import area_km2
from basewatch.analysis.hostility import Hostility
from basewatch.errors import NotFoundError, ValidationError
from basewatch.model.provenance import Provenance
from basewatch.queries.flights import event_rows
from basewatch.queries.sites import (
    corridor_features,
    default_corridors,
    range_rings,
    reach_areas,
    watched_sites,
)
from basewatch.store import Workspace
from basewatch.store.assessment import ALERTS
from basewatch.store.flights import AIRFIELDS

__all__ = ["COLLECTORS", "ExportLayer", "ExportRow", "collect", "provenance_columns"]


@dataclass(frozen=True)
class ExportRow:
    """One feature: scalar properties (str/int/float/bool/None) and a lon/lat geometry."""

    properties: dict[str, Any]
    geometry: BaseGeometry


@dataclass(frozen=True)
class ExportLayer:
    """A named layer on a date; ``styles`` maps a style key (faction/operator) to a colour."""

    name: str
    date: dt.date | None
    rows: list[ExportRow]
    style_key: str = ""
    styles: dict[str, str] = field(default_factory=dict)
    #: For control areas: the day the snapshot stops being in force (KML TimeSpan end).
    valid_to: dt.date | None = None

    @property
    def synthetic(self) -> bool:
        return any(r.properties.get("synthetic") for r in self.rows)


def provenance_columns(p: Provenance) -> dict[str, Any]:
    """Provenance flattened to columns; ``synthetic`` is always present. The columns are the
    import formats' fields, so an exported layer imports back unchanged."""
    return {"source": p.source.publisher, "source_title": p.source.title,
            "source_url": p.source.url,
            "source_date": p.source_date.isoformat() if p.source_date else None,
            "location_precision": p.location_precision.value,
            "date_precision": p.date_precision.value,
            "synthetic": bool(p.synthetic), "generator": p.generator or None,
            "seed": p.seed, "notes": p.notes or None}


def _colours(ws: Workspace) -> dict[str, str]:
    return {f.id: f.color for f in ws.factions()}


def _facilities(ws: Workspace, day: dt.date | None) -> ExportLayer:
    rows = [ExportRow({"id": f.id, "name": f.name, "aliases": "|".join(f.aliases),
                       "operator": f.operator, "type": f.type.value,
                       "region": f.region, "country": f.country,
                       "valid_from": f.valid_from.isoformat() if f.valid_from else None,
                       "valid_to": f.valid_to.isoformat() if f.valid_to else None,
                       "rear": f.rear or None,
                       **provenance_columns(f.provenance)}, Point(f.lon, f.lat))
            for f in ws.facilities(on=day)]
    return ExportLayer("facilities", day, rows, "operator", _colours(ws))


def _places(ws: Workspace, day: dt.date | None) -> ExportLayer:
    rows = [ExportRow({"id": p.id, "name": p.name, "aliases": "|".join(p.aliases),
                       "kind": p.kind, "region": p.region,
                       "country": p.country, "population": p.population,
                       "extent_km": p.extent_km,
                       **provenance_columns(p.provenance)}, Point(p.lon, p.lat))
            for p in ws.places()]
    return ExportLayer("places", day, rows)


def _snapshot(ws: Workspace, day: dt.date | None) -> dt.date:
    if day is None:
        raise ValidationError("--date is required for the control and front layers")
    snap = ws.control_snapshot_date(day)
    if snap is None:
        raise NotFoundError(f"no control snapshot on or before {day}")
    return snap


def _control(ws: Workspace, day: dt.date | None) -> ExportLayer:
    snap = _snapshot(ws, day)
    later = [d for d in ws.control_dates() if d > snap]
    rows = [ExportRow({"faction": a.faction, "date": a.date.isoformat(),
                       "status": a.status.value, "area_km2": round(area_km2(a.geometry), 1),
                       **provenance_columns(a.provenance)}, a.geometry)
            for a in ws.control_on(snap)]
    return ExportLayer("control", snap, rows, "faction", _colours(ws),
                       valid_to=later[0] if later else None)


def _front(ws: Workspace, day: dt.date | None) -> ExportLayer:
    snap = _snapshot(ws, day)
    areas = ws.control_on(snap)
    # A front line is derived from the control areas: it inherits their provenance marks.
    prov = provenance_columns(areas[0].provenance)
    prov["synthetic"] = any(a.provenance.synthetic for a in areas)
    rows = [ExportRow({"a": s.a, "b": s.b, "date": snap.isoformat(),
                       "length_km": round(s.length_km, 1), **prov}, s.geometry)
            for s in front_line(areas, Hostility(ws.relations()), snap)]
    return ExportLayer("front", snap, rows, "a", _colours(ws))


def _flat(v: Any) -> Any:
    """A property value as a scalar (lists joined): every format takes it."""
    if isinstance(v, list | tuple):
        return "; ".join(str(x) for x in v)
    if isinstance(v, dict):
        return "; ".join(f"{k}={x}" for k, x in v.items())
    return v


def _from_geojson(name: str, day: dt.date, fc: dict[str, Any], style_key: str = "",
                  styles: dict[str, str] | None = None) -> ExportLayer:
    rows = [ExportRow({k: _flat(v) for k, v in f["properties"].items()}, shape(f["geometry"]))
            for f in fc["features"] if f.get("geometry")]
    return ExportLayer(name, day, rows, style_key, styles or {})


def _day(day: dt.date | None, layer: str) -> dt.date:
    if day is None:
        raise ValidationError(f"--date is required for the {layer} layer")
    return day


def _rings(ws: Workspace, day: dt.date | None) -> ExportLayer:
    d = _day(day, "rings")
    sites = watched_sites(ws) or ws.facilities(on=d)
    return _from_geojson("rings", d, range_rings(ws, sites, d), "faction", _colours(ws))


def _reach(ws: Workspace, day: dt.date | None) -> ExportLayer:
    d = _day(day, "reach")
    against = sorted({f.operator for f in watched_sites(ws)}) or sorted(
        {f.operator for f in ws.facilities(on=d)})
    return _from_geojson("reach", d, reach_areas(ws, d, against), "faction", _colours(ws))


def _corridors(ws: Workspace, day: dt.date | None) -> ExportLayer:
    d = _day(day, "corridors")
    return _from_geojson("corridors", d, corridor_features(ws, default_corridors(ws), d))


def _flight_events(ws: Workspace, day: dt.date | None) -> ExportLayer:
    where = {a.ident: (a.lon, a.lat) for a in ws.store.select(AIRFIELDS)}
    rows = [ExportRow({k: _flat(v) for k, v in r.items()}, Point(*where[r["airfield"]]))
            for r in event_rows(ws, None, day.isoformat() if day else None)
            if r["airfield"] in where]
    return ExportLayer("flight_events", day, rows, "kind")


def _alerts(ws: Workspace, day: dt.date | None) -> ExportLayer:
    rows = []
    for a in ws.store.select(ALERTS, {"date": day} if day else None, order_by=("date", "tripwire")):
        try:
            f = ws.facility(a.site)
            lon, lat = f.lon, f.lat
        except NotFoundError:
            p = ws.place(a.site)
            lon, lat = p.lon, p.lat
        rows.append(ExportRow({k: _flat(v) for k, v in a.to_dict().items()}, Point(lon, lat)))
    return ExportLayer("alerts", day, rows, "site")


COLLECTORS: dict[str, Callable[[Workspace, dt.date | None], ExportLayer]] = {
    "facilities": _facilities,
    "places": _places,
    "control": _control,
    "front": _front,
    "rings": _rings,
    "reach": _reach,
    "corridors": _corridors,
    "flight_events": _flight_events,
    "alerts": _alerts,
}


def collect(ws: Workspace, layer: str, day: dt.date | None) -> ExportLayer:
    """The rows of ``layer`` on ``day`` (facilities active then; the control snapshot then)."""
    try:
        fn = COLLECTORS[layer]
    except KeyError:
        raise ValidationError(f"unknown layer {layer!r} (known: {', '.join(COLLECTORS)})") from None
    return fn(ws, day)
