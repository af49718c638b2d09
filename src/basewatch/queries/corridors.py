"""Corridors of a workspace: its road graph, control on a date, and the what-ifs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from basewatch.analysis.control import faction_geometries, holder
from basewatch.analysis.corridors import (
    CAPTURE_RADIUS_M,
    RoadGraph,
    blocked_edges,
    build_graph,
    captured_ground,
    connect,
    critical_places,
    snap,
)
from basewatch.analysis.hostility import Hostility
from basewatch.errors import NotFoundError
from basewatch.model import Place
from basewatch.store import Workspace
from basewatch.store.roads import ROADS

__all__ = ["Endpoint", "corridor", "corridor_timeline", "load_graph", "resolve"]


@dataclass(frozen=True)
class Endpoint:
    id: str
    name: str
    lon: float
    lat: float
    operator: str | None  # for facilities


def resolve(ws: Workspace, name: str) -> Endpoint:
    """A facility or a place by name, alias or id (facilities first)."""
    try:
        f = ws.facility(name)
        return Endpoint(f.id, f.name, f.lon, f.lat, f.operator)
    except NotFoundError:
        p = ws.place(name)
        return Endpoint(p.id, p.name, p.lon, p.lat, None)


def load_graph(ws: Workspace) -> RoadGraph:
    return build_graph(ws.store.select(ROADS))


def _ground(ws: Workspace, side: str | None, a: Endpoint, day: dt.date,
            hostility: Hostility) -> tuple[str, BaseGeometry, BaseGeometry, bool]:
    areas = ws.control_on(day)
    if not areas:
        raise NotFoundError(f"no control snapshot on or before {day}")
    geoms = faction_geometries(areas)
    if side is None:
        side = a.operator or holder(geoms, a.lon, a.lat)
        if side is None:
            raise NotFoundError(f"{a.name} is in no faction's ground on {day}; give --side")
    friends = {side} | hostility.allies(side, day)
    hostile = shapely.union_all([g for f, g in geoms.items() if hostility.hostile(f, side, day)] or [Polygon()])
    friendly = shapely.union_all([g for f, g in geoms.items() if f in friends] or [Polygon()])
    return side, hostile, friendly, any(x.provenance.synthetic for x in areas)


def corridor(ws: Workspace, a_name: str, b_name: str, day: dt.date, *,
             assume_captured: Sequence[str] = (), side: str | None = None,
             any_road: bool = False, buffer_m: float = 0.0, rg: RoadGraph | None = None,
             critical: bool = True) -> dict[str, Any]:
    """Is A connected to B through friendly ground on ``day`` (under the what-ifs)?"""
    rg = rg or load_graph(ws)
    a, b = resolve(ws, a_name), resolve(ws, b_name)
    hostility = Hostility(ws.relations())
    side_, hostile, friendly, synthetic = _ground(ws, side, a, day, hostility)
    assumed: list[Place] = [ws.place(n) for n in assume_captured]
    if assumed:
        hostile = shapely.union(hostile, captured_ground(assumed))
        friendly = shapely.difference(friendly, captured_ground(assumed))
    an, ad = snap(rg, a.lon, a.lat, a.name)
    bn, bd = snap(rg, b.lon, b.lat, b.name)
    fr = None if any_road else friendly
    blocked = blocked_edges(rg, hostile, fr, buffer_m=buffer_m)
    places = ws.places()
    res = connect(rg, an, bn, blocked, places, (ad / 1000, bd / 1000))
    out: dict[str, Any] = {
        "from": a.name, "to": b.name, "date": day.isoformat(), "side": side_,
        "mode": "any road (third-party ground allowed)" if any_road else "through friendly ground",
        "assumed_captured": [p.name for p in assumed],
        "capture_radius_km": CAPTURE_RADIUS_M / 1000, **res.to_dict(), "synthetic": synthetic,
    }
    if critical and res.connected and res.route is not None:
        out["critical_places"] = critical_places(
            rg, an, bn, hostile, fr, res.route, places,
            exclude=[x for x in (a.id, b.id)])
        cuts = [c for c in out["critical_places"] if c["cuts"]]
        out["minimum_cut"] = min((c["places"] for c in cuts), key=len) if cuts else None
    return out


def corridor_timeline(ws: Workspace, a_name: str, b_name: str, days: Sequence[dt.date],
                      **kw: Any) -> dict[str, Any]:
    """Connected or cut on each date (one route search per date; the demo is small)."""
    rg = load_graph(ws)
    series = [corridor(ws, a_name, b_name, d, rg=rg, critical=False, **kw) for d in days]
    first_cut = next((s["date"] for s in series if not s["connected"]), None)
    return {"from": series[0]["from"] if series else a_name, "to": series[0]["to"] if series else b_name,
            "first_cut": first_cut,
            "series": [{"date": s["date"], "connected": s["connected"], "length_km": s["length_km"],
                        "breaks": [x.get("near") for x in s["breaks"]], "synthetic": s["synthetic"]}
                       for s in series]}
