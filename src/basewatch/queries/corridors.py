"""Corridors of a workspace: its road graph, control on a date, the what-ifs, and each site's
rear (the place whose road link keeps it supplied)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from basewatch.analysis.captures import Capture, capture_area
from basewatch.analysis.control import faction_geometries, holder
from basewatch.analysis.corridors import (
    RoadGraph,
    blocked_edges,
    bridge_edges,
    connect,
    critical_places,
    group_breaks,
)
from basewatch.analysis.hostility import Hostility
from basewatch.analysis.roadgraph import EdgeRule, Snap, shortest_route, snap_point
from basewatch.errors import NotFoundError, ValidationError
from basewatch.model import Facility, Place
from basewatch.model.roads import Extent
from basewatch.store import Workspace
from basewatch.store.roads import EXTENTS, ROADS, CaptureCache, road_graph

__all__ = ["Endpoint", "captures", "corridor", "corridor_timeline", "has_roads", "load_graph",
           "rear_of", "rear_or_none", "resolve", "set_rear", "site_corridors"]


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


def has_roads(ws: Workspace) -> bool:
    return ws.store.count(ROADS) > 0


def rear_of(ws: Workspace, site: Facility) -> Place | None:
    """The site's rear: its own ``rear``, else its operator's; None when neither is set.
    A rear naming no place of the workspace is an error that says which record names it."""
    name, where = site.rear, f"facility {site.id}"
    if not name:
        op = next((f for f in ws.factions() if f.id == site.operator), None)
        name, where = (op.rear, f"faction {op.id}") if op else ("", "")
    if not name:
        return None
    try:
        return ws.place(name)
    except NotFoundError as exc:
        raise NotFoundError(f"{where}: rear {name!r}: {exc}") from None


def rear_or_none(ws: Workspace, site: Facility) -> Place | None:
    """The site's rear, or None when it has none or it names no place of the workspace (the
    faces that follow every site's corridor skip such a site rather than fail)."""
    try:
        return rear_of(ws, site)
    except NotFoundError:
        return None


def site_corridors(ws: Workspace, sites: Sequence[Facility]) -> list[tuple[str, str]]:
    """(site id, rear place id) of the sites that have a rear."""
    out = []
    for s in sites:
        rear = rear_or_none(ws, s)
        if rear is not None:
            out.append((s.id, rear.id))
    return out


def load_graph(ws: Workspace) -> RoadGraph:
    """The workspace's routing graph (built once per road import, then read from the store)."""
    return road_graph(ws)


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


class _Extents:
    """A workspace's extents, read when first needed: the named ones (administrative
    boundaries, place areas: few) apart from the built-up land (many)."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._named: list[Extent] | None = None
        self._land: list[Extent] | None = None
        self._cache: CaptureCache | None = None

    def named(self) -> list[Extent]:
        if self._named is None:
            self._named = [e for k in ("admin", "place") for e in self.ws.store.select(EXTENTS, {"kind": k})]
        return self._named

    def land(self) -> list[Extent]:
        if self._land is None:
            self._land = self.ws.store.select(EXTENTS, {"kind": "built_up"})
        return self._land

    def capture(self, place: Place, radius_km: float | None) -> Capture:
        if radius_km is not None or place.extent_km is not None:
            return capture_area(place, radius_m=None if radius_km is None else radius_km * 1000)
        if self._cache is None:
            self._cache = CaptureCache(self.ws)
        got = self._cache.get(place)
        if got is None:
            got = capture_area(place, self.named(), built_up=self.land)
            self._cache.put(got)
        return got

    def save(self) -> None:
        """Keep the captures found by their extents for the next question."""
        if self._cache is not None:
            self._cache.save()


def captures(ws: Workspace, places: Sequence[Place], radius_km: float | None = None) -> list[Capture]:
    """What each place's capture takes (see analysis/captures.py), extents read once."""
    ext = _Extents(ws)
    out = [ext.capture(p, radius_km) for p in places]
    ext.save()
    return out


@dataclass
class _Setup:
    """What every date of one question shares: the graph, the ends snapped, the routing rule."""

    rg: RoadGraph
    a: Endpoint
    b: Endpoint
    sa: Snap
    sb: Snap
    rule: dict[str, bool]
    cut: frozenset[Any]
    hostility: Hostility


def _setup(ws: Workspace, a_name: str, b_name: str, rg: RoadGraph | None, assume_cut: Sequence[str],
           rule: dict[str, bool]) -> _Setup:
    rg = rg or load_graph(ws)
    a, b = resolve(ws, a_name), resolve(ws, b_name)
    cut, unknown = bridge_edges(rg, assume_cut)
    if unknown:
        raise ValidationError(f"--assume-cut: no bridge or OSM way {', '.join(map(repr, unknown))} "
                              "in the road network")
    probe = EdgeRule(frozenset(), **rule)

    def usable(k: Any) -> bool:  # snap onto roads the route may use (not a closed base road)
        return probe.open(rg, k)

    sa = snap_point(rg, a.lon, a.lat, a.name, accept=usable)
    sb = snap_point(rg, b.lon, b.lat, b.name, accept=usable)
    return _Setup(rg, a, b, sa, sb, rule, cut, Hostility(ws.relations()))


def _rule(ferries: bool, restricted: bool, directed: bool) -> dict[str, bool]:
    return {"ferries": ferries, "restricted": restricted, "directed": directed}


def corridor(ws: Workspace, a_name: str, b_name: str, day: dt.date, *,
             assume_captured: Sequence[str] = (), assume_cut: Sequence[str] = (),
             side: str | None = None, any_road: bool = False, buffer_m: float = 0.0,
             capture_radius_km: float | None = None, ferries: bool = False,
             restricted: bool = False, directed: bool = False, rg: RoadGraph | None = None,
             critical: bool = True) -> dict[str, Any]:
    """Is A connected to B through friendly ground on ``day`` (under the what-ifs)?"""
    rule = _rule(ferries, restricted, directed)
    st = _setup(ws, a_name, b_name, rg, assume_cut, rule)
    rg, a, b, sa, sb = st.rg, st.a, st.b, st.sa, st.sb
    side_, hostile, friendly, synthetic = _ground(ws, side, a, day, st.hostility)
    assumed = captures(ws, [ws.place(n) for n in assume_captured], capture_radius_km)
    if assumed:
        taken = shapely.union_all([c.area for c in assumed])
        hostile = shapely.union(hostile, taken)
        friendly = shapely.difference(friendly, taken)
    fr = None if any_road else friendly
    blocked = blocked_edges(rg, hostile, fr, buffer_m=buffer_m, cut=st.cut)
    places = ws.places()
    res = connect(rg, sa, sb, blocked, places, **rule)
    out: dict[str, Any] = {
        "from": a.name, "to": b.name, "date": day.isoformat(), "side": side_,
        "mode": "any road (third-party ground allowed)" if any_road else "through friendly ground",
        "routing": ", ".join(x for x in ("directed (one-ways respected)" if directed else "undirected",
                                         "ferries allowed" if ferries else "",
                                         "closed roads allowed" if restricted else "") if x),
        "assumed_captured": [c.place.name for c in assumed],
        "captures": [c.to_dict() for c in assumed],
        "assumed_cut": list(assume_cut),
        **res.to_dict(), "synthetic": synthetic,
    }
    if critical and res.connected and res.route is not None:
        ext = _Extents(ws)
        out["critical_places"] = critical_places(
            rg, sa, sb, blocked, hostile, res.route, places,
            lambda p: _area_and_extent(ext.capture(p, capture_radius_km)),
            exclude=[x for x in (a.id, b.id)], **rule)
        ext.save()
        cuts = [c for c in out["critical_places"] if c["cuts"]]
        out["minimum_cut"] = min((c["places"] for c in cuts), key=len) if cuts else None
    return out


def _area_and_extent(c: Capture) -> tuple[BaseGeometry, str]:
    return c.area, c.extent


def corridor_timeline(ws: Workspace, a_name: str, b_name: str, days: Sequence[dt.date], *,
                      side: str | None = None, any_road: bool = False, buffer_m: float = 0.0,
                      assume_cut: Sequence[str] = (), ferries: bool = False,
                      restricted: bool = False, directed: bool = False) -> dict[str, Any]:
    """Connected or cut on each date, with the roads the usual route breaks on. The graph is
    loaded and the ends snapped once; dates that share a control snapshot share one answer."""
    rule = _rule(ferries, restricted, directed)
    st = _setup(ws, a_name, b_name, None, assume_cut, rule)
    by_snap: dict[dt.date | None, dict[str, Any]] = {}
    series = []
    for d in days:
        snap = ws.control_snapshot_date(d)
        if snap not in by_snap:
            _, hostile, friendly, synthetic = _ground(ws, side, st.a, d, st.hostility)
            blocked = blocked_edges(st.rg, hostile, None if any_road else friendly,
                                    buffer_m=buffer_m, cut=st.cut)
            found = shortest_route(st.rg, st.sa, st.sb, EdgeRule(blocked.all, **rule),
                                   blocked.halves(st.rg, st.sa, st.sb), geometry=False)
            roads: list[str] = []
            if found is None:
                usual = shortest_route(st.rg, st.sa, st.sb, EdgeRule(blocked.outside, **rule),
                                       geometry=False)
                if usual is not None:
                    keys = [*usual.edges, st.sa.key, st.sb.key]
                    roads = [g["road"] for g in group_breaks(st.rg, keys, blocked.hostile, [],
                                                             blocked.cut)]
            by_snap[snap] = {"connected": found is not None,
                             "length_km": round(found.length_m / 1000, 1) if found else None,
                             "roads_cut": roads, "synthetic": synthetic}
        series.append({"date": d.isoformat(), **by_snap[snap]})
    first_cut = next((s["date"] for s in series if not s["connected"]), None)
    return {"from": st.a.name, "to": st.b.name, "first_cut": first_cut, "series": series}


def set_rear(ws: Workspace, target: str, place: str, *, operator: bool = False) -> dict[str, str]:
    """Set (or, with ``place`` empty, clear) the rear of a facility, or with ``operator`` of a
    faction (the default of all its sites). The place must exist in the workspace."""
    import dataclasses

    from basewatch.store import FACILITIES, FACTIONS

    rear = ws.place(place).id if place.strip() else ""
    with ws.store.transaction():
        if operator:
            hits = [f for f in ws.factions() if f.matches(target)]
            if len(hits) != 1:
                known = ", ".join(f.id for f in ws.factions()) or "none"
                raise NotFoundError(f"unknown faction {target!r} (known: {known})")
            ws.store.put(FACTIONS, [dataclasses.replace(hits[0], rear=rear)])
            return {"kind": "faction", "id": hits[0].id, "rear": rear}
        site = ws.facility(target)
        ws.store.put(FACILITIES, [dataclasses.replace(site, rear=rear)])
        return {"kind": "facility", "id": site.id, "rear": rear}
