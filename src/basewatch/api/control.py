"""Control endpoints: areas on a date, changes between dates, the front line."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from basewatch.analysis.control import control_changes, front_advance, front_line
from basewatch.analysis.geodesy import area_km2
from basewatch.analysis.hostility import Hostility
from basewatch.api._common import ERROR_RESPONSES, IsoDate, etag_json, uses_workspace
from basewatch.errors import NotFoundError, ValidationError
from basewatch.model import ControlArea
from basewatch.model._util import geom_to_json
from basewatch.store import Workspace
from basewatch.store.display_cache import display_layer

router = APIRouter(tags=["control"], responses=ERROR_RESPONSES)

#: Default simplification of the slider's outlines: invisible at the dashboard's zooms.
DISPLAY_TOLERANCE_M = 100.0


def snapshot(ws: Workspace, day: dt.date) -> dt.date:
    """The snapshot in force on ``day``; 404 naming the range when there is none."""
    snap = ws.control_snapshot_date(day)
    if snap is None:
        dates = ws.control_dates()
        have = f"{dates[0]} .. {dates[-1]}" if dates else "none"
        raise NotFoundError(f"date: no control snapshot on or before {day} (snapshots: {have})")
    return snap


def control_feature(a: ControlArea) -> dict[str, Any]:
    p = a.provenance
    return {"type": "Feature",
            "properties": {"faction": a.faction, "date": a.date.isoformat(),
                           "status": a.status.value, "area_km2": round(area_km2(a.geometry), 1),
                           "synthetic": p.synthetic, "source": p.label,
                           "provenance": p.to_dict()},
            "geometry": geom_to_json(a.geometry)}


@router.get("/control", summary="Control areas in force on a date (GeoJSON)")
@uses_workspace
def control(request: Request, ws: Workspace, date: IsoDate) -> Response:
    snap = snapshot(ws, date)
    areas = ws.control_on(snap)
    return etag_json(request, {
        "type": "FeatureCollection", "date": date.isoformat(), "snapshot": snap.isoformat(),
        "synthetic": any(a.provenance.synthetic for a in areas),
        "features": [control_feature(a) for a in areas]})


@router.get("/control/display",
            summary="Control areas on a date, simplified for the map (GeoJSON, cached per ground)")
@uses_workspace
def control_display(request: Request, ws: Workspace, date: IsoDate,
                    tolerance_m: Annotated[float, Query(ge=10, le=5000)] = DISPLAY_TOLERANCE_M,
                    ) -> Response:
    """What the dashboard's time slider draws: each faction's ground simplified with its
    topology preserved, no point moved more than ``tolerance_m``; areas are of the exact
    ground. Outlines are stored once per distinct ground (store/display_cache.py)."""
    snap = snapshot(ws, date)
    grounds, marks = display_layer(ws.store, snap, tolerance_m)
    return etag_json(request, {
        "type": "FeatureCollection", "date": date.isoformat(), "snapshot": snap.isoformat(),
        "synthetic": any(m[1] for m in marks.values()),
        "simplified": {"method": "Douglas-Peucker, topology preserved",
                       "tolerance_m": tolerance_m},
        "features": [{"type": "Feature",
                      "properties": {"faction": g.faction, "date": snap.isoformat(),
                                     "area_km2": round(g.area_km2, 1),
                                     "synthetic": marks.get(g.faction, ("", False))[1],
                                     "source": marks.get(g.faction, ("", False))[0],
                                     "vertices": g.vertices,
                                     "source_vertices": g.source_vertices},
                      "geometry": geom_to_json(g.geometry)} for g in grounds]})


@router.get("/control/changes", summary="Area gained/lost and places that changed hands")
@uses_workspace
def changes(request: Request, ws: Workspace, from_: Annotated[IsoDate, Query(alias="from")],
            to: IsoDate) -> Response:
    if to < from_:
        raise ValidationError(f"to: {to} is before from {from_}")
    first = snapshot(ws, from_)
    areas = ws.control_between(first, to)
    snaps: dict[dt.date, list[ControlArea]] = {}
    for a in areas:
        snaps.setdefault(a.date, []).append(a)
    return etag_json(request, control_changes(snaps, ws.places(), from_, to).to_dict())


@router.get("/front", summary="Front line segments on a date (GeoJSON) and advance")
@uses_workspace
def front(request: Request, ws: Workspace, date: IsoDate) -> Response:
    snap = snapshot(ws, date)
    areas = ws.control_on(snap)
    prev_snap = ws.control_snapshot_date(snap - dt.timedelta(days=1))
    prev = ws.control_on(prev_snap) if prev_snap else []
    hostility = Hostility(ws.relations())
    segments = front_line(areas, hostility, snap)
    advance = front_advance(prev, areas, hostility, prev_snap, snap) if prev_snap else []
    synthetic = any(a.provenance.synthetic for a in areas)
    return etag_json(request, {
        "type": "FeatureCollection", "date": date.isoformat(), "snapshot": snap.isoformat(),
        "previous_snapshot": prev_snap.isoformat() if prev_snap else None,
        "synthetic": synthetic, "advance": advance,
        "features": [{"type": "Feature",
                      "properties": {"a": s.a, "b": s.b, "length_km": round(s.length_km, 1),
                                     "synthetic": synthetic},
                      "geometry": geom_to_json(s.geometry)} for s in segments]})
