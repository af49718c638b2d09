"""The routing graph of a road network: junctions, contracted edges, snapping, shortest routes.

Rules (tested in tests/analysis/test_roadgraph.py):

- **Graph.** Road vertices shared by several roads are junctions (coordinates equal to 1e-7°);
  chains of degree-2 vertices inside a road are contracted into one edge whose length is the
  geodesic length of its geometry; the ends of each road stay nodes. Parallel roads stay
  parallel edges. An edge keeps its geometry in the direction from its ``start`` node, whether
  it may be driven forward and backward (``oneway`` tags), whether it is a ferry, closed to
  traffic (``access``), and the bridges and OSM ways it is made of.
- **Snapping.** A site or place snaps to the nearest *point* of a road (not the nearest
  junction), at most 25 km away; the straight leg from the site to that point is the access leg.
- **Routes.** Dijkstra from the snapped point (along its edge to either end) to the other
  snapped point, over the edges an :class:`EdgeRule` lets through; one-way edges are followed
  only their way when the rule is ``directed``.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
import shapely.ops
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from basewatch.analysis.geodesy import distance_m, length_km
from basewatch.errors import NotFoundError
from basewatch.model.roads import FERRY_CLASS, RoadSegment

__all__ = [
    "SNAP_LIMIT_M",
    "EdgeKey",
    "EdgeRule",
    "EdgeTable",
    "RoadGraph",
    "Route",
    "Snap",
    "build_graph",
    "shortest_route",
    "snap",
    "snap_point",
]

SNAP_LIMIT_M = 25_000.0
_DIGITS = 7

EdgeKey = tuple[int, int, int]


class EdgeTable:
    """The contracted graph as plain dicts, read like a networkx MultiGraph (``g[u][v][k]``,
    ``g.nodes[n]``, ``g.edges(keys=True, data=True)``): answering a question needs no
    networkx, which costs a start-up of its own."""

    def __init__(self) -> None:
        self.nodes: dict[int, dict[str, Any]] = {}
        self._adj: dict[int, dict[int, dict[int, dict[str, Any]]]] = {}
        self._order: list[EdgeKey] = []

    def add_node(self, n: int, **attrs: Any) -> None:
        self.nodes[n] = attrs
        self._adj.setdefault(n, {})

    def add_edge(self, u: int, v: int, key: int, **attrs: Any) -> None:
        self._adj[u].setdefault(v, {})[key] = attrs
        self._adj[v].setdefault(u, {})[key] = attrs
        self._order.append((u, v, key))

    def __getitem__(self, u: int) -> dict[int, dict[int, dict[str, Any]]]:
        return self._adj[u]

    def __iter__(self) -> Iterator[int]:
        return iter(self.nodes)

    def __len__(self) -> int:
        return len(self.nodes)

    def __contains__(self, n: object) -> bool:
        return n in self.nodes

    def number_of_nodes(self) -> int:
        return len(self.nodes)

    def number_of_edges(self) -> int:
        return len(self._order)

    def edges(self, keys: bool = False, data: bool = False) -> Iterator[tuple[Any, ...]]:
        for u, v, k in self._order:
            yield (u, v, *((k,) if keys else ()), *((self._adj[u][v][k],) if data else ()))


@dataclass
class RoadGraph:
    """A contracted road graph: nodes carry lon/lat; edges carry geometry, length, class, ref,
    name, oneway (``fwd``/``bwd`` open), ferry, access, bridges."""

    graph: EdgeTable
    node_xy: np.ndarray
    edge_keys: list[EdgeKey]
    edge_geoms: np.ndarray  # shapely LineStrings, aligned with edge_keys
    tree: shapely.STRtree = field(repr=False)
    edge_index: dict[EdgeKey, int] = field(default_factory=dict, repr=False)

    @property
    def n_edges(self) -> int:
        return len(self.edge_keys)

    def edge(self, key: EdgeKey) -> dict[str, Any]:
        u, v, k = key
        return self.graph[u][v][k]

    def index_of(self, key: EdgeKey) -> int:
        u, v, k = key
        return self.edge_index[(u, v, k)] if (u, v, k) in self.edge_index else self.edge_index[(v, u, k)]

    def adjacency(self) -> tuple[list[list[tuple[int, int, float, bool]]], list[bool], list[bool]]:
        """For route searches, built once: per node, (next node, edge index, length m, may be
        driven this way); per edge, is it a ferry, is it closed to traffic."""
        cached = self.__dict__.get("_adjacency")
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        adj: list[list[tuple[int, int, float, bool]]] = [[] for _ in range(len(self.node_xy))]
        ferry, closed = [], []
        for i, (u, v, k) in enumerate(self.edge_keys):
            d = self.graph[u][v][k]
            s = d["start"]
            e = v if u == s else u
            adj[s].append((e, i, d["length_m"], bool(d["fwd"])))
            adj[e].append((s, i, d["length_m"], bool(d["bwd"])))
            ferry.append(bool(d["ferry"]))
            closed.append(bool(d["access"]))
        self.__dict__["_adjacency"] = (adj, ferry, closed)
        return adj, ferry, closed


def build_graph(segments: Iterable[RoadSegment]) -> RoadGraph:
    """Junction graph of the roads, degree-2 chains contracted."""
    import networkx as nx

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
        info = {"road_class": seg.road_class, "ref": seg.ref, "name": seg.name,
                "segment": seg.id, "access": seg.access, "bridge": seg.bridge}
        for (x0, y0, *_), (x1, y1, *_) in itertools.pairwise(xy):
            u, v = node(x0, y0), node(x1, y1)
            if u != v:
                raw.add_edge(u, v, coords=[(x0, y0), (x1, y1)], start=u,
                             fwd=seg.oneway >= 0, bwd=seg.oneway <= 0, **info)
    nxg = _contract(raw, ends)
    g = EdgeTable()
    for n in sorted(nxg.nodes):
        g.add_node(n, **nxg.nodes[n])
    keys: list[EdgeKey] = []
    geoms = []
    for u, v, k, d in nxg.edges(keys=True, data=True):
        line = LineString(d["coords"])
        g.add_edge(u, v, k, **d, geometry=line, length_m=length_km(line) * 1000)
        keys.append((u, v, k))
        geoms.append(line)
    node_xy = (np.array([[g.nodes[n]["lon"], g.nodes[n]["lat"]] for n in sorted(g.nodes)])
               if len(g) else np.empty((0, 2)))
    arr = np.array(geoms, dtype=object)
    return RoadGraph(g, node_xy, keys, arr, shapely.STRtree(arr), {k: i for i, k in enumerate(keys)})


def _contract(raw: Any, ends: set[int]) -> Any:
    """Merge chains through degree-2 vertices into single edges. Junctions, the ends of every
    input road and changes of road (class, access, one-way, bridge) stay nodes."""
    import networkx as nx

    junction = {n for n in raw.nodes if raw.degree(n) != 2} | ends
    for comp in nx.connected_components(raw):  # a ring with no junction keeps one node
        if not comp & junction:
            junction.add(min(comp))
    g = nx.MultiGraph()
    index = {n: i for i, n in enumerate(sorted(junction))}
    for n, i in index.items():
        g.add_node(i, lon=raw.nodes[n]["lon"], lat=raw.nodes[n]["lat"])

    seen: set[tuple[int, int, int]] = set()
    for start in sorted(junction):
        for _, nxt, k, d in list(raw.edges(start, keys=True, data=True)):
            if (start, nxt, k) in seen:
                continue
            seen |= {(start, nxt, k), (nxt, start, k)}
            parts = [(d, d["start"] == start)]
            cur = nxt
            while cur not in junction:
                _, nn, kk, dd = next(e for e in raw.edges(cur, keys=True, data=True)
                                     if (cur, e[1], e[2]) not in seen)
                seen |= {(cur, nn, kk), (nn, cur, kk)}
                parts.append((dd, dd["start"] == cur))
                cur = nn
            coords: list[tuple[float, float]] = []
            for dd, along in parts:
                c = dd["coords"] if along else dd["coords"][::-1]
                coords += c if not coords else c[1:]

            def joined(key: str, parts: list[tuple[dict[str, Any], bool]] = parts) -> str:
                return "/".join(sorted({str(x[key]) for x, _ in parts if x[key]}))

            g.add_edge(index[start], index[cur], coords=coords, start=index[start],
                       ref=joined("ref"), name=joined("name"), road_class=joined("road_class"),
                       # open forward only if every piece is open in the chain's direction
                       fwd=all(x["fwd"] if a else x["bwd"] for x, a in parts),
                       bwd=all(x["bwd"] if a else x["fwd"] for x, a in parts),
                       ferry=any(x["road_class"] == FERRY_CLASS for x, _ in parts),
                       access=joined("access"),
                       bridges=tuple(sorted({x["bridge"] for x, _ in parts if x["bridge"]})),
                       segments=tuple(sorted({x["segment"] for x, _ in parts})))
    return g


@dataclass(frozen=True)
class Snap:
    """Where a site meets the road network: a point on edge ``key`` at ``along_m`` from the
    edge's start node; ``leg_m`` is the straight (geodesic) access leg from the site."""

    key: EdgeKey
    along_m: float
    leg_m: float
    lon: float
    lat: float


def snap_point(rg: RoadGraph, lon: float, lat: float, what: str,
               limit_m: float = SNAP_LIMIT_M, accept: Callable[[EdgeKey], bool] | None = None) -> Snap:
    """The nearest point of a road to (lon, lat); ``accept`` skips edges (e.g. ferries)."""
    if not rg.n_edges:
        raise NotFoundError("the workspace has no roads: import some with `basewatch roads import`")
    # Candidates from the R-tree, then the nearest in a local equirectangular frame (longitude
    # scaled by cos(latitude): true to well under 0.1 % within the 25 km a site may be from
    # its road); the access leg and the distance along the road are then geodesic.
    pt = Point(lon, lat)
    nearest = rg.tree.query_nearest(pt, return_distance=True)
    reach = float(nearest[1][0]) * 4 + 1e-6  # degrees of longitude shrink with latitude
    cand = np.array([int(i) for i in rg.tree.query(shapely.buffer(pt, reach))
                     if accept is None or accept(rg.edge_keys[int(i)])], dtype=int)
    if not cand.size:
        cand = np.array([i for i in range(rg.n_edges) if accept is None or accept(rg.edge_keys[i])],
                        dtype=int)
        if not cand.size:
            raise NotFoundError(f"{what}: no usable road in the network")
    scale = np.array([np.cos(np.radians(lat)), 1.0])
    origin = np.array([lon, lat])
    local = shapely.transform(rg.edge_geoms[cand], lambda xy: (xy - origin) * scale)
    o = Point(0, 0)
    j = int(np.argmin(shapely.distance(local, o)))
    i = int(cand[j])
    foot = shapely.line_interpolate_point(local[j], shapely.line_locate_point(local[j], o))
    p = Point(foot.x / scale[0] + lon, foot.y + lat)
    key = rg.edge_keys[i]
    line = rg.edge_geoms[i]
    frac = float(shapely.line_locate_point(line, p, normalized=True))
    along = length_km(shapely.ops.substring(line, 0, frac, normalized=True)) * 1000 if frac > 0 else 0.0
    leg = float(distance_m(lon, lat, p.x, p.y))
    if leg > limit_m:
        raise NotFoundError(f"{what} is not near any road: the nearest road is "
                            f"{leg / 1000:.1f} km away (limit {limit_m / 1000:.0f} km)")
    return Snap(key, along, leg, float(p.x), float(p.y))


def snap(rg: RoadGraph, lon: float, lat: float, what: str,
         limit_m: float = SNAP_LIMIT_M) -> tuple[int, float]:
    """The road node nearest to (lon, lat) and its geodesic distance (m)."""
    if not len(rg.node_xy):
        raise NotFoundError("the workspace has no roads: import some with `basewatch roads import`")
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


@dataclass(frozen=True)
class EdgeRule:
    """Which edges a route may use: not ``blocked``; ferries only with ``ferries``; roads closed
    to traffic only with ``restricted``; one-way edges their way only when ``directed``."""

    blocked: frozenset[EdgeKey] = frozenset()
    ferries: bool = False
    restricted: bool = False
    directed: bool = False

    def open(self, rg: RoadGraph, key: EdgeKey) -> bool:
        u, v, k = key
        if (u, v, k) in self.blocked or (v, u, k) in self.blocked:
            return False
        d = rg.graph[u][v][k]
        if d["ferry"] and not self.ferries:
            return False
        return not (d["access"] and not self.restricted)

    def passable(self, rg: RoadGraph, u: int, v: int, k: int) -> bool:
        """Open and, if directed, drivable from ``u`` to ``v``."""
        if not self.open(rg, (u, v, k)):
            return False
        if not self.directed:
            return True
        d = rg.graph[u][v][k]
        return bool(d["fwd"] if d["start"] == u else d["bwd"])


@dataclass(frozen=True)
class Route:
    """A route from snap to snap: the edges in order (each as (from, to, key)), its road length
    and its geometry oriented from A to B."""

    edges: tuple[EdgeKey, ...]
    length_m: float
    line: BaseGeometry


def _piece(rg: RoadGraph, key: EdgeKey, frm_m: float, to_m: float) -> list[tuple[float, float]]:
    """The coordinates of an edge between two distances from its start, in that order."""
    line = rg.edge_geoms[rg.index_of(key)]
    total = rg.edge(key)["length_m"] or 1.0
    a, b = sorted((frm_m / total, to_m / total))
    part = shapely.ops.substring(line, max(a, 0.0), min(b, 1.0), normalized=True)
    xy = list(part.coords) if part.geom_type == "LineString" else [part.coords[0]] * 2
    return xy if frm_m <= to_m else xy[::-1]


def shortest_route(rg: RoadGraph, sa: Snap, sb: Snap, rule: EdgeRule,
                   halves: tuple[tuple[bool, bool], ...] | None = None, *,
                   geometry: bool = True) -> Route | None:
    """Shortest route from snap ``sa`` to snap ``sb`` under ``rule`` (None if there is none).
    ``halves`` may say, for ``sa`` and ``sb``, whether the part of their edge from the snap
    point toward the edge's start and toward its end is open (a site beside a blocked stretch
    of its own road may still leave by the other way); by default the whole edge counts."""
    ea, eb = rg.edge(sa.key), rg.edge(sb.key)
    a_start, b_start = ea["start"], eb["start"]
    a_end = sa.key[1] if sa.key[0] == a_start else sa.key[0]
    b_end = sb.key[1] if sb.key[0] == b_start else sb.key[0]
    def half(s: Snap, toward_start: bool) -> bool:
        if halves is None:
            return rule.open(rg, s.key)
        base = EdgeRule(frozenset(), rule.ferries, rule.restricted, rule.directed)
        return base.open(rg, s.key) and halves[0 if s is sa else 1][0 if toward_start else 1]
    # From A's point along its edge to either end node (if the edge may be driven that way).
    dist: dict[int, float] = {}
    prev: dict[int, tuple[int, int] | None] = {}
    heap: list[tuple[float, int]] = []

    def may(key: EdgeKey, toward_start: bool) -> bool:
        d = rg.edge(key)
        return not rule.directed or bool(d["bwd"] if toward_start else d["fwd"])

    for node, cost, toward_start in ((a_start, sa.along_m, True), (a_end, ea["length_m"] - sa.along_m, False)):
        if may(sa.key, toward_start) and half(sa, toward_start) and cost < dist.get(node, float("inf")):
            dist[node], prev[node] = cost, None
            heapq.heappush(heap, (cost, node))
    # Arriving at B's point from either end of its edge.
    exits = {b_start: (sb.along_m, False), b_end: (eb["length_m"] - sb.along_m, True)}
    best_total = float("inf")
    best_exit: int | None = None
    direct = None
    if {sa.key[0], sa.key[1]} == {sb.key[0], sb.key[1]} and sa.key[2] == sb.key[2]:
        forward = sb.along_m >= sa.along_m
        if may(sa.key, not forward) and half(sa, not forward) and half(sb, forward):
            direct = abs(sb.along_m - sa.along_m)
            best_total = direct
    adj, ferry, closed = rg.adjacency()
    skip = {rg.index_of(k) for k in rule.blocked}
    done: set[int] = set()
    inf = float("inf")
    while heap:
        cost, u = heapq.heappop(heap)
        if u in done or cost > dist.get(u, inf):
            continue
        if cost >= best_total:
            break
        done.add(u)
        if u in exits:
            extra, from_end = exits[u]
            if may(sb.key, from_end) and half(sb, not from_end) and cost + extra < best_total:
                best_total, best_exit = cost + extra, u
                direct = None
        for v, i, length, drivable in adj[u]:
            if i in skip or (ferry[i] and not rule.ferries) or (closed[i] and not rule.restricted) \
                    or (rule.directed and not drivable):
                continue
            c = cost + length
            if c < dist.get(v, inf):
                dist[v], prev[v] = c, (u, rg.edge_keys[i][2])
                heapq.heappush(heap, (c, v))
    if best_total == float("inf"):
        return None
    if direct is not None:
        return Route((), direct, LineString(_piece(rg, sa.key, sa.along_m, sb.along_m))
                     if geometry else LineString())
    assert best_exit is not None
    path: list[EdgeKey] = []
    n = best_exit
    while prev[n] is not None:
        u, k = prev[n]  # type: ignore[misc]
        path.append((u, n, k))
        n = u
    path.reverse()
    if not geometry:
        return Route(tuple(path), best_total, LineString())
    first = n  # the end of A's edge the route leaves by
    coords = _piece(rg, sa.key, sa.along_m, 0.0 if first == a_start else ea["length_m"])
    for u, v, k in path:
        xy = list(rg.edge_geoms[rg.index_of((u, v, k))].coords)
        xy = xy if rg.edge((u, v, k))["start"] == u else xy[::-1]
        coords += xy[1:]
    coords += _piece(rg, sb.key, 0.0 if best_exit == b_start else eb["length_m"], sb.along_m)[1:]
    coords = [c for i, c in enumerate(coords) if i == 0 or c != coords[i - 1]]
    line = LineString(coords) if len(coords) >= 2 else LineString([coords[0], coords[0]])
    return Route(tuple(path), best_total, line)
