"""Road corridors: is a site still connected to a place through friendly ground, on a date?

Rules (stated here, tested in tests/analysis/test_corridors.py):

- **Graph.** Road vertices shared by several roads are junctions (coordinates equal to 1e-7°);
  chains of degree-2 vertices inside a road are contracted into one edge whose length is the
  geodesic length of its geometry; the ends of each road stay nodes. Parallel roads stay
  parallel edges. Sites and places are snapped to the nearest node (at most 25 km away).
- **Blocked edge.** An edge is blocked when any part of it lies in ground held by a faction
  hostile to the side asked about (optionally within ``buffer_m`` of it). In the default
  *friendly* mode an edge is also blocked when more than ``outside_tolerance_m`` of it lies
  outside the side's and its allies' ground (third parties, unheld ground); *any-road* mode
  lets such edges through.
- **What-if.** A place assumed captured counts as hostile ground within ``CAPTURE_RADIUS_M``
  (10 km, a city and its approaches) of its centre, geodesically.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import shapely
from shapely.geometry import LineString, Polygon
from shapely.geometry.base import BaseGeometry

from basewatch.analysis.geodesy import distance_m, geodesic_circle, length_km, local_aeqd
from basewatch.analysis.reach import reach_area
from basewatch.errors import NotFoundError
from basewatch.model import Place
from basewatch.model.roads import RoadSegment

__all__ = [
    "CAPTURE_RADIUS_M",
    "Blocked",
    "CorridorIndex",
    "CorridorResult",
    "RoadGraph",
    "blocked_edges",
    "build_graph",
    "captured_ground",
    "connect",
    "critical_places",
    "snap",
]

CAPTURE_RADIUS_M = 10_000.0
SNAP_LIMIT_M = 25_000.0
NEAR_ROUTE_M = 5_000.0
_DIGITS = 7

EdgeKey = tuple[int, int, int]


@dataclass
class RoadGraph:
    """A contracted road graph: nodes carry lon/lat; edges carry geometry, length, class, ref."""

    graph: nx.MultiGraph
    node_xy: np.ndarray
    edge_keys: list[EdgeKey]
    edge_geoms: np.ndarray  # shapely LineStrings, aligned with edge_keys
    tree: shapely.STRtree = field(repr=False)

    @property
    def n_edges(self) -> int:
        return len(self.edge_keys)


def build_graph(segments: Iterable[RoadSegment]) -> RoadGraph:
    """Junction graph of the roads, degree-2 chains contracted."""
    ids: dict[tuple[float, float], int] = {}
    raw = nx.MultiGraph()

    def node(x: float, y: float) -> int:
        k = (round(x, _DIGITS), round(y, _DIGITS))
        if k not in ids:
            ids[k] = len(ids)
            raw.add_node(ids[k], lon=k[0], lat=k[1])
        return ids[k]

    ends: set[int] = set()
    for seg in segments:
        xy = list(seg.geometry.coords)
        ends |= {node(*xy[0][:2]), node(*xy[-1][:2])}
        for (x0, y0), (x1, y1) in zip(xy[:-1], xy[1:]):
            u, v = node(x0, y0), node(x1, y1)
            if u != v:
                raw.add_edge(u, v, coords=[(x0, y0), (x1, y1)], road_class=seg.road_class,
                             ref=seg.ref, name=seg.name, segment=seg.id)
    g = _contract(raw, ends)
    keys: list[EdgeKey] = []
    geoms = []
    for u, v, k, d in g.edges(keys=True, data=True):
        line = LineString(d["coords"])
        d["geometry"] = line
        d["length_m"] = length_km(line) * 1000
        keys.append((u, v, k))
        geoms.append(line)
    node_xy = (np.array([[g.nodes[n]["lon"], g.nodes[n]["lat"]] for n in sorted(g.nodes)])
               if len(g) else np.empty((0, 2)))
    arr = np.array(geoms, dtype=object)
    return RoadGraph(g, node_xy, keys, arr, shapely.STRtree(arr))


def _contract(raw: nx.MultiGraph, ends: set[int]) -> nx.MultiGraph:
    """Merge chains through degree-2 vertices into single edges. Junctions and the ends of
    every input road (OSM ways end at junctions and at places) stay nodes."""
    junction = {n for n in raw.nodes if raw.degree(n) != 2} | ends
    for comp in nx.connected_components(raw):  # a ring with no junction keeps one node
        if not comp & junction:
            junction.add(min(comp))
    g = nx.MultiGraph()
    index = {n: i for i, n in enumerate(sorted(junction))}
    for n, i in index.items():
        g.add_node(i, **raw.nodes[n])

    def oriented(coords: list[tuple[float, float]], frm: int) -> list[tuple[float, float]]:
        x, y = coords[0]
        at = raw.nodes[frm]
        return coords if (round(x, _DIGITS), round(y, _DIGITS)) == (at["lon"], at["lat"]) else coords[::-1]

    seen: set[tuple[int, int, int]] = set()
    for start in sorted(junction):
        for _, nxt, k, d in list(raw.edges(start, keys=True, data=True)):
            if (start, nxt, k) in seen:
                continue
            seen |= {(start, nxt, k), (nxt, start, k)}
            coords = oriented(list(d["coords"]), start)
            attrs = [d]
            cur = nxt
            while cur not in junction:
                _, nn, kk, dd = next(e for e in raw.edges(cur, keys=True, data=True)
                                     if (cur, e[1], e[2]) not in seen)
                seen |= {(cur, nn, kk), (nn, cur, kk)}
                coords += oriented(list(dd["coords"]), cur)[1:]
                attrs.append(dd)
                cur = nn

            def joined(key: str) -> str:
                return "/".join(sorted({str(x[key]) for x in attrs if x[key]}))

            g.add_edge(index[start], index[cur], coords=coords, ref=joined("ref"),
                       name=joined("name"), road_class=joined("road_class"),
                       segments=tuple(sorted({x["segment"] for x in attrs})))
    return g


def snap(rg: RoadGraph, lon: float, lat: float, what: str,
         limit_m: float = SNAP_LIMIT_M) -> tuple[int, float]:
    """The road node nearest to (lon, lat) and its geodesic distance (m)."""
    if not len(rg.node_xy):
        raise NotFoundError("the workspace has no roads: import some with `basewatch roads import`")
    # Candidates by degree distance (scaled by latitude), then exact geodesic distance.
    dx = (rg.node_xy[:, 0] - lon) * np.cos(np.radians(lat))
    dy = rg.node_xy[:, 1] - lat
    cand = np.argsort(dx * dx + dy * dy)[:16]
    d = np.asarray(distance_m(lon, lat, rg.node_xy[cand, 0], rg.node_xy[cand, 1]))
    best = int(cand[int(np.argmin(d))])
    dist = float(d.min())
    if dist > limit_m:
        raise NotFoundError(f"{what} is not near any road: the nearest road node is "
                            f"{dist / 1000:.1f} km away (limit {limit_m / 1000:.0f} km)")
    return best, dist


def captured_ground(places: Iterable[Place], radius_m: float = CAPTURE_RADIUS_M) -> BaseGeometry:
    discs = [geodesic_circle(p.lon, p.lat, radius_m, 64) for p in places]
    return shapely.union_all(discs) if discs else Polygon()


@dataclass(frozen=True)
class Blocked:
    """Edges blocked by hostile ground, and edges leaving friendly ground (friendly mode)."""

    hostile: frozenset[EdgeKey]
    outside: frozenset[EdgeKey] = frozenset()

    @property
    def all(self) -> set[EdgeKey]:
        return set(self.hostile | self.outside)


def blocked_edges(rg: RoadGraph, hostile: BaseGeometry, friendly: BaseGeometry | None = None,
                  *, buffer_m: float = 0.0, outside_tolerance_m: float = 1000.0) -> Blocked:
    """Edges blocked by hostile ground (and, with ``friendly``, by ground that is not friendly)."""
    by_hostile: set[EdgeKey] = set()
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
    return Blocked(frozenset(by_hostile), frozenset(outside))


@dataclass(frozen=True)
class CorridorResult:
    connected: bool
    length_km: float | None
    route: BaseGeometry | None  # the route if connected, else the usual route (through blocks)
    places: tuple[str, ...]
    breaks: tuple[dict[str, Any], ...]
    snap_km: tuple[float, float]

    def to_dict(self, geometry: bool = True) -> dict[str, Any]:
        from basewatch.model._util import geom_to_json

        d: dict[str, Any] = {"connected": self.connected,
                             "length_km": round(self.length_km, 1) if self.length_km else None,
                             "places_on_route": list(self.places), "breaks": list(self.breaks),
                             "snap_km": [round(x, 2) for x in self.snap_km]}
        if geometry:
            d["route"] = geom_to_json(self.route)
        return d


def _open_view(rg: RoadGraph, blocked: set[EdgeKey]) -> Any:
    """The graph without the blocked edges (networkx may ask for an edge either way round)."""
    both = blocked | {(v, u, k) for u, v, k in blocked}
    return nx.subgraph_view(rg.graph, filter_edge=lambda u, v, k: (u, v, k) not in both)


def _route(rg: RoadGraph, g: Any, a: int, b: int) -> tuple[list[EdgeKey], float] | None:
    try:
        path = nx.shortest_path(g, a, b, weight="length_m")
    except nx.NetworkXNoPath:
        return None
    keys: list[EdgeKey] = []
    total = 0.0
    for u, v in zip(path[:-1], path[1:]):
        k, d = min(g[u][v].items(), key=lambda kv: kv[1]["length_m"])
        keys.append((u, v, k))
        total += d["length_m"]
    return keys, total


def _line(rg: RoadGraph, keys: Sequence[EdgeKey]) -> BaseGeometry:
    parts = [rg.graph.edges[k]["geometry"] for k in keys]
    return shapely.line_merge(shapely.union_all(parts)) if parts else LineString()


def places_near(line: BaseGeometry, places: Iterable[Place], within_m: float = NEAR_ROUTE_M) -> list[Place]:
    """Places within ``within_m`` of a line (measured in an equidistant projection at each
    place, so in metres, not degrees)."""
    out = []
    for p in places:
        fwd, _ = local_aeqd(round(p.lon, 4), round(p.lat, 4))
        local = shapely.transform(line, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))
        if shapely.distance(local, shapely.Point(0, 0)) <= within_m:
            out.append(p)
    return out


def connect(rg: RoadGraph, a: int, b: int, blocked: Blocked, places: Sequence[Place],
            snap_km: tuple[float, float] = (0.0, 0.0)) -> CorridorResult:
    """Shortest open route from node ``a`` to ``b``; if there is none, where the usual route
    (the shortest one that hostile ground alone would not block) breaks."""
    found = _route(rg, _open_view(rg, blocked.all), a, b)
    if found is not None:
        keys, total = found
        line = _line(rg, keys)
        return CorridorResult(True, total / 1000, line,
                              tuple(p.name for p in places_near(line, places)), (), snap_km)
    usual = _route(rg, _open_view(rg, set(blocked.outside)), a, b)
    if usual is None:
        why = "no road links them at all" if _route(rg, rg.graph, a, b) is None else \
            "every road between them leaves friendly ground"
        return CorridorResult(False, None, None, (), ({"reason": why},), snap_km)
    keys, _ = usual
    line = _line(rg, keys)
    breaks = []
    hostile = blocked.hostile | {(v, u, k) for u, v, k in blocked.hostile}
    for k in keys:
        if k in hostile:
            d = rg.graph.edges[k]
            near = places_near(d["geometry"], places, 15_000)
            breaks.append({"road": d["ref"] or d["name"] or "road", "segments": list(d["segments"]),
                           "near": [p.name for p in near]})
    return CorridorResult(False, None, line, tuple(p.name for p in places_near(line, places)),
                          tuple(breaks), snap_km)


def critical_places(rg: RoadGraph, a: int, b: int, hostile: BaseGeometry,
                    friendly: BaseGeometry | None, route: BaseGeometry, places: Sequence[Place],
                    *, exclude: Sequence[str] = (), max_candidates: int = 20,
                    radius_m: float = CAPTURE_RADIUS_M) -> list[dict[str, Any]]:
    """Places whose capture alone, or in pairs, would cut the corridor; ranked: single places
    before pairs, the nearest to hostile ground (``hostile_km``) first; the places that would
    not cut it follow with the detour they would force."""
    # Candidates: places on or near any road (not only the current route, since a cut may
    # need a place on the detour too), nearest to the route first.
    on_roads = places_near(shapely.union_all(list(rg.edge_geoms)), places, 15_000)
    near_route = {p.id for p in places_near(route, places, 15_000)}
    cands = sorted((p for p in on_roads if p.id not in exclude),
                   key=lambda p: (p.id not in near_route, p.name))[:max_candidates]
    base = blocked_edges(rg, hostile, friendly).all
    base_route = _route(rg, _open_view(rg, base), a, b)
    base_len = base_route[1] if base_route else None

    def test(group: Sequence[Place]) -> tuple[bool, float | None]:
        blocked = base | blocked_edges(rg, captured_ground(group, radius_m)).hostile
        r = _route(rg, _open_view(rg, blocked), a, b)
        return (r is None, None if r is None else r[1])

    # How far each candidate is from hostile ground: among places whose loss would cut the
    # corridor, the threatened ones come first.
    from basewatch.analysis.exposure import distances_to_polygon

    if hostile.is_empty:
        threat = {p.id: float("inf") for p in cands}
    else:
        d, _, _ = distances_to_polygon([p.lon for p in cands], [p.lat for p in cands], hostile)
        threat = {p.id: float(x) / 1000 for p, x in zip(cands, d)}
    out: list[dict[str, Any]] = []
    singles_that_cut: set[str] = set()
    for p in cands:
        cut, length = test([p])
        if cut:
            singles_that_cut.add(p.id)
        out.append({"places": [p.name], "cuts": cut, "hostile_km": round(threat[p.id], 1),
                    "detour_km": None if cut or base_len is None or length is None
                    else round((length - base_len) / 1000, 1)})
    for p, q in itertools.combinations([c for c in cands if c.id not in singles_that_cut], 2):
        cut, _ = test([p, q])
        if cut:
            out.append({"places": [p.name, q.name], "cuts": True,
                        "hostile_km": round(min(threat[p.id], threat[q.id]), 1), "detour_km": None})
    out.sort(key=lambda r: (not r["cuts"], len(r["places"]), r["hostile_km"],
                            -(r["detour_km"] or 0.0)))
    return out


class CorridorIndex:
    """Answers "connected on day d?" for many dates after a one-time build.

    The edges blocked on some date (``ever``) are usually few. Connected components of the
    graph without them are computed once; on a date the question becomes a search on the small
    graph whose nodes are those components and whose edges are the ever-blocked edges open that
    day: O(|ever|) per question instead of O(|E|).
    """

    def __init__(self, rg: RoadGraph, blocked_by_date: Mapping[Any, set[EdgeKey]]) -> None:
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
        ca, cb = self.comp[a], self.comp[b]
        if ca == cb:
            return True
        shut = self.blocked[day]
        h = nx.Graph()
        h.add_edges_from((self.comp[u], self.comp[v]) for u, v, k in self.ever if (u, v, k) not in shut)
        return ca in h and cb in h and bool(nx.has_path(h, ca, cb))
