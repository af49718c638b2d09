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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
import shapely.ops
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from basewatch.analysis.geodesy import distance_m, length_km
from basewatch.analysis.roadgraph_build import EdgeIndex, EdgeKeys, EdgeTable, build_tables
from basewatch.errors import NotFoundError
from basewatch.model.roads import RoadSegment

__all__ = [
    "SNAP_LIMIT_M",
    "EdgeKey",
    "EdgeRule",
    "EdgeTable",
    "RoadGraph",
    "Route",
    "Snap",
    "build_graph",
    "graph_of",
    "shortest_route",
    "snap",
    "snap_point",
]

SNAP_LIMIT_M = 25_000.0
_DIGITS = 7

EdgeKey = tuple[int, int, int]


@dataclass
class RoadGraph:
    """A contracted road graph: nodes carry lon/lat; edges carry geometry, length, class, ref,
    name, oneway (``fwd``/``bwd`` open), ferry, access, bridges."""

    graph: EdgeTable
    node_xy: np.ndarray
    edge_keys: Sequence[EdgeKey]
    edge_geoms: np.ndarray  # shapely LineStrings, aligned with edge_keys
    tree: shapely.STRtree = field(repr=False)
    edge_index: Any = field(default_factory=dict, repr=False)  # (u, v, k) -> edge row

    @property
    def n_edges(self) -> int:
        return len(self.edge_keys)

    def edge(self, key: EdgeKey) -> dict[str, Any]:
        return self.graph.data(self.index_of(key))

    def index_of(self, key: EdgeKey) -> int:
        u, v, k = key
        return self.edge_index[(u, v, k)] if (u, v, k) in self.edge_index else self.edge_index[(v, u, k)]

    def adjacency(self) -> tuple[list[int], list[int], list[int], list[float], list[bool],
                                 list[bool], list[bool], list[int]]:
        """For route searches, built once from the arrays: the half-edges by node (node ``u``'s
        are ``ptr[u]:ptr[u + 1]``) with the node they lead to, their edge, its length and
        whether it may be driven that way; per edge, is it a ferry, is it closed to traffic,
        its key."""
        cached = self.__dict__.get("_adjacency")
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        g = self.graph
        s, e = g.uvk[:, 0], g.uvk[:, 1]  # the first node is the edge's start
        src = np.stack([s, e], axis=1).ravel()
        order = np.argsort(src, kind="stable")  # per node, in edge order, as appended before
        nbr = np.stack([e, s], axis=1).ravel()[order]
        eid = np.repeat(np.arange(len(s)), 2)[order]
        drive = np.stack([g.fwd, g.bwd], axis=1).ravel()[order]
        ptr = np.searchsorted(src[order], np.arange(len(self.node_xy) + 1))
        ferry, closed = g.flags()
        out = (ptr.tolist(), nbr.tolist(), eid.tolist(), g.length_m[eid].tolist(), drive.tolist(),
               ferry.tolist(), closed.tolist(), g.uvk[:, 2].tolist())
        self.__dict__["_adjacency"] = out
        return out


def build_graph(segments: Iterable[RoadSegment]) -> RoadGraph:
    """Junction graph of the roads, degree-2 chains contracted (analysis/roadgraph_build.py)."""
    return graph_of(build_tables(list(segments)))


def graph_of(table: EdgeTable) -> RoadGraph:
    """The routing graph around its tables: edge keys, the R-tree of the edges' geometries."""
    return RoadGraph(table, table.node_xy, EdgeKeys(table.uvk), table.geoms,
                     shapely.STRtree(table.geoms), EdgeIndex(table.uvk))


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
        d = rg.edge(key)
        if d["ferry"] and not self.ferries:
            return False
        return not (d["access"] and not self.restricted)

    def passable(self, rg: RoadGraph, u: int, v: int, k: int) -> bool:
        """Open and, if directed, drivable from ``u`` to ``v``."""
        if not self.open(rg, (u, v, k)):
            return False
        if not self.directed:
            return True
        d = rg.edge((u, v, k))
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
    ptr, nbr, eid, lengths, drive, ferry, closed, kk = rg.adjacency()
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
        for j in range(ptr[u], ptr[u + 1]):
            i = eid[j]
            if i in skip or (ferry[i] and not rule.ferries) or (closed[i] and not rule.restricted) \
                    or (rule.directed and not drive[j]):
                continue
            c = cost + lengths[j]
            v = nbr[j]
            if c < dist.get(v, inf):
                dist[v], prev[v] = c, (u, kk[i])
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
