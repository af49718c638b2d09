"""Road corridors: is a site still connected to a place through friendly ground, on a date?

Rules (stated here, tested in tests/analysis/test_corridors.py; the graph, snapping and route
search are in :mod:`basewatch.analysis.roadgraph`, what a capture takes in
:mod:`basewatch.analysis.captures`):

- **Blocked edge.** An edge is blocked when any part of it lies in ground held by a faction
  hostile to the side asked about (optionally within ``buffer_m`` of it). In the default
  *friendly* mode an edge is also blocked when more than ``outside_tolerance_m`` of it lies
  outside the side's and its allies' ground (third parties, unheld ground); *any-road* mode
  lets such edges through. Bridges assumed cut are blocked too.
- **What-if.** A place assumed captured counts as hostile ground over its capture area.
- **Answers.** The places along the route in route order, each with its distance along and
  from the route; where a route breaks, one line per road (ref, else name, else class) with
  the length blocked and the places near it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
import shapely.ops
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from basewatch.analysis.geodesy import geodesic_circle, length_km, local_aeqd
from basewatch.analysis.reach import reach_area
from basewatch.analysis.roadgraph import (
    EdgeKey,
    EdgeRule,
    RoadGraph,
    Route,
    Snap,
    build_graph,
    shortest_route,
    snap,
    snap_point,
)
from basewatch.model import Place

__all__ = [
    "Blocked",
    "CorridorIndex",
    "CorridorResult",
    "RoadGraph",
    "blocked_edges",
    "bridge_edges",
    "build_graph",
    "captured_ground",
    "connect",
    "critical_places",
    "places_along",
    "snap",
    "snap_point",
]

_ON_ROUTE_MIN_M = 1_000.0
BREAK_NEAR_M = 15_000.0


def captured_ground(places: Iterable[Place], radius_m: float) -> BaseGeometry:
    """Geodesic discs of ``radius_m`` around places (the fallback of a capture)."""
    discs = [geodesic_circle(p.lon, p.lat, radius_m, 64) for p in places]
    return shapely.union_all(discs) if discs else Polygon()


@dataclass(frozen=True)
class Blocked:
    """Edges blocked by hostile ground, edges leaving friendly ground (friendly mode), and
    edges cut on the analyst's word (bridges assumed cut)."""

    hostile: frozenset[EdgeKey]
    outside: frozenset[EdgeKey] = frozenset()
    cut: frozenset[EdgeKey] = frozenset()
    # What the edges were tested against, to test the parts of an edge a site lies on.
    zone: BaseGeometry | None = field(default=None, compare=False, repr=False)
    friendly: BaseGeometry | None = field(default=None, compare=False, repr=False)
    tolerance_m: float = 1000.0

    def halves(self, rg: RoadGraph, *snaps: Snap) -> tuple[tuple[bool, bool], ...]:
        """For each snap: is the part of its edge from the snap point toward the edge's start,
        and toward its end, open? (An edge is blocked whole; a site may lie on its open part.)"""
        out: list[tuple[bool, bool]] = []
        for s in snaps:
            rev = (s.key[1], s.key[0], s.key[2])
            if s.key not in self.all and rev not in self.all:
                out.append((True, True))
            elif s.key in self.cut or rev in self.cut:
                out.append((False, False))
            else:
                line = rg.edge_geoms[rg.index_of(s.key)]
                frac = min(max(s.along_m / (rg.edge(s.key)["length_m"] or 1.0), 0.0), 1.0)
                out.append((self._open(shapely.ops.substring(line, 0, frac, normalized=True)),
                            self._open(shapely.ops.substring(line, frac, 1, normalized=True))))
        return tuple(out)

    def _open(self, g: BaseGeometry) -> bool:
        if g.is_empty or g.length == 0:
            return True
        if self.zone is not None and not self.zone.is_empty and g.intersects(self.zone):
            return False
        if self.friendly is not None:
            return length_km(shapely.difference(g, self.friendly)) * 1000 <= self.tolerance_m
        return True

    @property
    def all(self) -> frozenset[EdgeKey]:
        return self.hostile | self.outside | self.cut


def blocked_edges(rg: RoadGraph, hostile: BaseGeometry, friendly: BaseGeometry | None = None,
                  *, buffer_m: float = 0.0, outside_tolerance_m: float = 1000.0,
                  cut: Iterable[EdgeKey] = ()) -> Blocked:
    """Edges blocked by hostile ground (and, with ``friendly``, by ground that is not friendly)."""
    by_hostile: set[EdgeKey] = set()
    zone = hostile
    if not hostile.is_empty:
        zone = reach_area(hostile, buffer_m) if buffer_m > 0 else hostile
        for i in rg.tree.query(zone, predicate="intersects"):
            by_hostile.add(rg.edge_keys[int(i)])
    outside: set[EdgeKey] = set()
    if friendly is not None:
        shapely.prepare(friendly)
        for i in np.flatnonzero(~shapely.covered_by(rg.edge_geoms, friendly)):
            key = rg.edge_keys[int(i)]
            if key in by_hostile:
                continue
            rest = shapely.difference(rg.edge_geoms[i], friendly)
            if length_km(rest) * 1000 > outside_tolerance_m:
                outside.add(key)
    return Blocked(frozenset(by_hostile), frozenset(outside), frozenset(cut),
                   zone if not hostile.is_empty else None, friendly, outside_tolerance_m)


def bridge_edges(rg: RoadGraph, names: Sequence[str]) -> tuple[frozenset[EdgeKey], list[str]]:
    """Edges of the bridges named (bridge name, or OSM way id as ``123`` or ``osm-way-123``),
    and the names that matched nothing."""
    from basewatch.model.facility import normalize_name

    found: set[EdgeKey] = set()
    missing = []
    for name in names:
        q = normalize_name(name)
        way = name.strip().removeprefix("osm-way-")
        hits = {k for k in rg.edge_keys
                if any(normalize_name(b) == q for b in rg.edge(k)["bridges"])
                or (way.isdigit() and any(s == f"osm-way-{way}" or s.startswith(f"osm-way-{way}-")
                                          for s in rg.edge(k)["segments"]))}
        if not hits:
            missing.append(name)
        found |= hits
    return frozenset(found), missing


def places_along(line: BaseGeometry, places: Iterable[Place],
                 within_m: float | None = None) -> list[dict[str, Any]]:
    """Places the route passes, in route order: name, km along the route (to the nearest
    point), km from it. A place counts when the route comes within ``within_m`` of it, by
    default within its own radius (captures.radius_for: by population or kind, at least 1 km).
    Metres in one azimuthal equidistant projection centred on the route (for a route of
    1,000 km, distances off it are true to 0.1 %)."""
    from basewatch.analysis.captures import radius_for

    places = list(places)
    if line.is_empty or not places:
        return []
    c = line.centroid
    fwd, _ = local_aeqd(round(c.x, 4), round(c.y, 4))
    local = shapely.transform(line, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))
    px, py = fwd.transform([p.lon for p in places], [p.lat for p in places])
    pts = shapely.points(np.column_stack([px, py]))
    dist = shapely.distance(local, pts)
    frac = shapely.line_locate_point(local, pts, normalized=True)
    total = length_km(line)
    out = []
    for p, d, f in zip(places, dist, frac, strict=True):
        limit = within_m if within_m is not None else max(_ON_ROUTE_MIN_M, radius_for(p)[0])
        if d <= limit:
            out.append({"name": p.name, "id": p.id, "along_km": round(float(f) * total, 1),
                        "off_km": round(float(d) / 1000, 1)})
    return sorted(out, key=lambda x: (x["along_km"], x["name"]))


def places_near(line: BaseGeometry, places: Iterable[Place], within_m: float | None = None) -> list[Place]:
    """Places within ``within_m`` of a line (metres, not degrees)."""
    by_id = {p.id: p for p in places}
    return [by_id[x["id"]] for x in places_along(line, by_id.values(), within_m)]


@dataclass(frozen=True)
class CorridorResult:
    connected: bool
    length_km: float | None
    route: BaseGeometry | None  # the route if connected, else the usual route (through blocks)
    places: tuple[dict[str, Any], ...]
    breaks: tuple[dict[str, Any], ...]
    access_km: tuple[float, float]
    ferries: tuple[str, ...] = ()

    def to_dict(self, geometry: bool = True) -> dict[str, Any]:
        from basewatch.model._util import geom_to_json

        d: dict[str, Any] = {"connected": self.connected,
                             "length_km": round(self.length_km, 1) if self.length_km else None,
                             "places_on_route": [p["name"] for p in self.places],
                             "places_along": list(self.places), "breaks": list(self.breaks),
                             "access_km": [round(x, 2) for x in self.access_km],
                             "ferries": list(self.ferries)}
        if geometry:
            d["route"] = geom_to_json(self.route)
        return d


def _label(d: Mapping[str, Any]) -> str:
    """A road as a reader names it: ref, else name, else the bridge's name, else its class."""
    bridge = "/".join(d.get("bridges") or ())
    return str(d["ref"] or d["name"] or bridge
               or (f"unnamed {d['road_class']}" if d["road_class"] else "unnamed road"))


def group_breaks(rg: RoadGraph, keys: Sequence[EdgeKey], hostile: frozenset[EdgeKey],
                 places: Sequence[Place], cut: frozenset[EdgeKey] = frozenset()) -> list[dict[str, Any]]:
    """The blocked edges of a route, one entry per road: label, km blocked, pieces, the places
    near them (nearest first), the OSM ways, and whether a bridge assumed cut is among them."""
    both = hostile | {(v, u, k) for u, v, k in hostile}
    cuts = cut | {(v, u, k) for u, v, k in cut}
    groups: dict[str, dict[str, Any]] = {}
    lines: dict[str, list[BaseGeometry]] = {}
    for key in keys:
        if key not in both and key not in cuts:
            continue
        d = rg.edge(key)
        name = _label(d)
        g = groups.setdefault(name, {"road": name, "km": 0.0, "pieces": 0, "segments": [],
                                     "bridge_cut": False})
        g["km"] += d["length_m"] / 1000
        g["pieces"] += 1
        g["segments"] += [s for s in d["segments"] if s not in g["segments"]]
        g["bridge_cut"] |= key in cuts
        lines.setdefault(name, []).append(d["geometry"])
    out = []
    for name, g in groups.items():
        near = places_along(shapely.union_all(lines[name]), places, BREAK_NEAR_M)
        out.append({**g, "km": round(g["km"], 2),
                    "near": [p["name"] for p in sorted(near, key=lambda x: x["off_km"])]})
    return out


def connect(rg: RoadGraph, sa: Snap, sb: Snap, blocked: Blocked, places: Sequence[Place], *,
            ferries: bool = False, restricted: bool = False, directed: bool = False) -> CorridorResult:
    """Shortest open route from snap ``sa`` to ``sb``; if there is none, where the usual route
    (the shortest one that hostile ground alone would not block) breaks."""
    legs = (sa.leg_m / 1000, sb.leg_m / 1000)

    def rule(block: frozenset[EdgeKey]) -> EdgeRule:
        return EdgeRule(block, ferries, restricted, directed)

    found = shortest_route(rg, sa, sb, rule(blocked.all), blocked.halves(rg, sa, sb))
    if found is not None:
        return CorridorResult(True, found.length_m / 1000, found.line,
                              tuple(places_along(found.line, places)), (), legs, _ferries(rg, found))
    usual = shortest_route(rg, sa, sb, rule(blocked.outside),
                           Blocked(frozenset(), blocked.outside, friendly=blocked.friendly,
                                   tolerance_m=blocked.tolerance_m).halves(rg, sa, sb))
    if usual is None:
        why = ("no road links them at all" if shortest_route(rg, sa, sb, rule(frozenset())) is None
               else "every road between them leaves friendly ground")
        return CorridorResult(False, None, None, (), ({"reason": why},), legs)
    keys = list(usual.edges)
    for s in (sa, sb):  # the edges the two ends lie on are part of the route too
        if s.key not in keys:
            keys.append(s.key)
    breaks = group_breaks(rg, keys, blocked.hostile, places, blocked.cut)
    return CorridorResult(False, None, usual.line, tuple(places_along(usual.line, places)),
                          tuple(breaks), legs, _ferries(rg, usual))


def _ferries(rg: RoadGraph, r: Route) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_label(rg.edge(k)) for k in r.edges if rg.edge(k)["ferry"]))


def critical_places(rg: RoadGraph, sa: Snap, sb: Snap, base: Blocked, hostile: BaseGeometry,
                    route: BaseGeometry, places: Sequence[Place],
                    capture: Callable[[Place], BaseGeometry | tuple[BaseGeometry, str]], *,
                    exclude: Sequence[str] = (), max_candidates: int = 20,
                    **rule: bool) -> list[dict[str, Any]]:
    """Places whose capture alone, or in pairs, would cut the corridor; ranked: single places
    before pairs, the nearest to hostile ground (``hostile_km``) first; the places that would
    not cut it follow with the detour they would force. ``capture(place)`` is the area its
    capture takes, or (area, how that extent was found) to have it said in each entry."""
    # Candidates: places near any road (a cut may need a place on the detour too), nearest to
    # the route first.
    on_route = {x["id"]: x["off_km"] for x in places_along(route, places, float("inf"))}
    pool = [p for p in places if p.id not in exclude]
    cands = sorted((p for p, near in zip(pool, _near_roads(rg, pool, BREAK_NEAR_M), strict=True) if near),
                   key=lambda p: (on_route.get(p.id, float("inf")), p.name))[:max_candidates]
    base_route = shortest_route(rg, sa, sb, EdgeRule(base.all, **rule), base.halves(rg, sa, sb),
                                geometry=False)
    base_len = base_route.length_m if base_route else None
    areas: dict[str, BaseGeometry] = {}
    extent: dict[str, str] = {}
    for p in cands:
        got = capture(p)
        areas[p.id], extent[p.id] = got if isinstance(got, tuple) else (got, "")

    # The edges each capture blocks (by index), found once per place.
    takes: dict[str, frozenset[int]] = {
        p.id: frozenset(int(i) for i in rg.tree.query(areas[p.id], predicate="intersects"))
        for p in cands}
    ends = {rg.index_of(sa.key), rg.index_of(sb.key)}

    def uses(r: Route) -> frozenset[int]:  # the edges a route needs: its own and the snaps'
        return frozenset(rg.index_of(k) for k in r.edges) | ends

    def test(group: Sequence[Place], known: Sequence[Route | None] = ()) -> tuple[bool, Route | None]:
        """Does capturing ``group`` cut the corridor (and the route left if not)? A route
        ``known`` to be open without the group's captures stays open (and shortest, being
        shortest with fewer edges blocked) when no captured edge is on it, nor the snaps'
        edges: then no search is needed (the snaps' halves only change on an edge that
        meets the captured zone, and such an edge is among the captured ones)."""
        extra = frozenset().union(*(takes[p.id] for p in group))
        for r in known:
            if r is not None and not (uses(r) & extra):
                return False, r
        zone = shapely.union_all([areas[p.id] for p in group])
        now = Blocked(base.hostile | {rg.edge_keys[i] for i in extra}, base.outside, base.cut,
                      zone if base.zone is None else shapely.union(base.zone, zone),
                      base.friendly, base.tolerance_m)
        r = shortest_route(rg, sa, sb, EdgeRule(now.all, **rule), now.halves(rg, sa, sb),
                           geometry=False)
        return (r is None, r)

    # How far each candidate is from hostile ground: among places whose loss would cut the
    # corridor, the threatened ones come first.
    from basewatch.analysis.exposure import distances_to_polygon

    threat: dict[str, float | None]
    if hostile.is_empty or not cands:
        threat = {p.id: None for p in cands}
    else:
        d, _, _ = distances_to_polygon([p.lon for p in cands], [p.lat for p in cands], hostile)
        threat = {p.id: round(float(x) / 1000, 1) for p, x in zip(cands, d, strict=True)}
    out: list[dict[str, Any]] = []
    singles_that_cut: set[str] = set()
    left: dict[str, Route | None] = {}  # the route left when each place alone is captured
    for p in cands:
        cut, r = test([p], [base_route])
        left[p.id] = r
        if cut:
            singles_that_cut.add(p.id)
        out.append({"places": [p.name], "cuts": cut, "hostile_km": threat[p.id],
                    "detour_km": None if cut or base_len is None or r is None
                    else round((r.length_m - base_len) / 1000, 1),
                    **({"extent": extent[p.id]} if extent[p.id] else {})})
    for p, q in itertools.combinations([c for c in cands if c.id not in singles_that_cut], 2):
        cut, _ = test([p, q], [left[p.id], left[q.id]])
        if cut:
            tp, tq = threat[p.id], threat[q.id]
            out.append({"places": [p.name, q.name], "cuts": True,
                        "hostile_km": None if tp is None or tq is None else min(tp, tq),
                        "detour_km": None})
    out.sort(key=lambda r: (not r["cuts"], len(r["places"]),
                            r["hostile_km"] if r["hostile_km"] is not None else float("inf"),
                            -(r["detour_km"] or 0.0)))
    return out


def _near_roads(rg: RoadGraph, places: Sequence[Place], within_m: float) -> list[bool]:
    """Is each place within ``within_m`` (geodesic) of the nearest road (nearest in degrees)?"""
    if not places or not rg.n_edges:
        return [False] * len(places)
    from basewatch.analysis.geodesy import distance_m

    pts = shapely.points([(p.lon, p.lat) for p in places])
    which, edge = rg.tree.query_nearest(pts)
    first: dict[int, int] = {}
    for w, e in zip(which.tolist(), edge.tolist()):
        first.setdefault(w, e)
    idx = np.array([first[k] for k in range(len(places))])
    feet = shapely.get_coordinates(shapely.shortest_line(pts, rg.edge_geoms[idx]))[1::2]
    d = distance_m([p.lon for p in places], [p.lat for p in places], feet[:, 0], feet[:, 1])
    return [bool(x <= within_m) for x in np.atleast_1d(d)]


class CorridorIndex:
    """Answers "connected on day d?" for many dates after a one-time build.

    The edges blocked on some date (``ever``) are usually few. Connected components of the
    graph without them are computed once; on a date the question becomes a search on the small
    graph whose nodes are those components and whose edges are the ever-blocked edges open that
    day: O(|ever|) per question instead of O(|E|).
    """

    def __init__(self, rg: RoadGraph, blocked_by_date: Mapping[Any, set[EdgeKey]]) -> None:
        import networkx as nx

        self.blocked = {d: {(min(u, v), max(u, v), k) for u, v, k in b}
                        for d, b in blocked_by_date.items()}
        self.ever: set[EdgeKey] = set().union(*self.blocked.values()) if self.blocked else set()
        base = nx.Graph()
        base.add_nodes_from(rg.graph)
        base.add_edges_from((u, v) for u, v, k in rg.edge_keys
                            if (min(u, v), max(u, v), k) not in self.ever)
        self.comp: dict[int, int] = {}
        for i, c in enumerate(nx.connected_components(base)):
            for node in c:
                self.comp[node] = i

    def connected(self, day: Any, a: int, b: int) -> bool:
        """Are nodes ``a`` and ``b`` connected avoiding the edges blocked on ``day``?"""
        import networkx as nx

        ca, cb = self.comp[a], self.comp[b]
        if ca == cb:
            return True
        shut = self.blocked[day]
        h = nx.Graph()
        h.add_edges_from((self.comp[u], self.comp[v]) for u, v, k in self.ever if (u, v, k) not in shut)
        return ca in h and cb in h and bool(nx.has_path(h, ca, cb))

