"""The routing graph's tables, and how they are built from roads with numpy (no per-vertex Python).

The rules are those of :mod:`basewatch.analysis.roadgraph`: road vertices equal to 1e-7° are one
vertex; a vertex is a junction (a node of the graph) when it is the end of a road or when its
degree in the raw graph (every pair of consecutive vertices an edge) is not 2; the graph's edges
are the pieces of each road between consecutive junctions (a chain of degree-2 vertices lies
inside one road: a vertex inside a road already has degree 2 from that road alone, so a second
road through it makes it a junction). Parallel pieces between two nodes are told apart by their
key (0, 1, ... in the order of the roads). An edge's length is the sum of the geodesic lengths of
its segments.

An edge is stored as arrays (its nodes, key, start, road, oneway flags, length, geometry); its
attributes as a dict are made only when asked (:meth:`EdgeTable.data`): a country's graph of a
million edges loads as a few arrays, not a million dicts.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from basewatch.model.roads import FERRY_CLASS, RoadSegment

__all__ = ["ROAD_FIELDS", "EdgeIndex", "EdgeKeys", "EdgeTable", "build_tables"]

#: The road attributes an edge carries, one list per field, indexed by the edge's ``road``.
ROAD_FIELDS = ("id", "road_class", "ref", "name", "access", "bridge")
_SCALE = 1e7  # vertices equal to 1e-7 degrees are one


class _Nodes:
    """``g.nodes``: the node ids 0..n-1, and ``g.nodes[n]`` their lon/lat (as networkx)."""

    def __init__(self, xy: np.ndarray) -> None:
        self.xy = xy

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.xy)))

    def __len__(self) -> int:
        return len(self.xy)

    def __contains__(self, n: object) -> bool:
        return isinstance(n, (int, np.integer)) and 0 <= int(n) < len(self.xy)

    def __getitem__(self, n: int) -> dict[str, float]:
        return {"lon": float(self.xy[n, 0]), "lat": float(self.xy[n, 1])}


class EdgeKeys(Sequence[tuple[int, int, int]]):
    """The edges' keys (u, v, k) in edge order, read from the table as they are asked for."""

    def __init__(self, uvk: np.ndarray) -> None:
        self.uvk = uvk

    def __len__(self) -> int:
        return len(self.uvk)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [tuple(x) for x in self.uvk[i].tolist()]
        u, v, k = self.uvk[i].tolist()
        return (u, v, k)

    def __iter__(self) -> Iterator[tuple[int, int, int]]:
        return ((u, v, k) for u, v, k in self.uvk.tolist())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


class EdgeIndex:
    """Edge key (u, v, k) -> edge row, by binary search in the sorted keys (no dict of a
    million tuples made at load)."""

    def __init__(self, uvk: np.ndarray) -> None:
        self._m = int(uvk[:, :2].max()) + 1 if len(uvk) else 1
        self._kmax = int(uvk[:, 2].max()) + 1 if len(uvk) else 1
        codes = (uvk[:, 0] * self._m + uvk[:, 1]) * self._kmax + uvk[:, 2]
        self._order = np.argsort(codes, kind="stable")
        self._codes = codes[self._order]
        self._memo: dict[tuple[int, int, int], int] = {}

    def _find(self, key: tuple[int, int, int]) -> int:
        got = self._memo.get(key)
        if got is not None:
            return got
        u, v, k = key
        if not (0 <= u < self._m and 0 <= v < self._m and 0 <= k < self._kmax):
            return -1
        c = (u * self._m + v) * self._kmax + k
        j = int(np.searchsorted(self._codes, c))
        got = int(self._order[j]) if j < len(self._codes) and self._codes[j] == c else -1
        self._memo[key] = got  # a question asks about the same few edges many times
        return got

    def __contains__(self, key: object) -> bool:
        return isinstance(key, tuple) and len(key) == 3 and self._find(key) >= 0  # type: ignore[arg-type]

    def __getitem__(self, key: tuple[int, int, int]) -> int:
        i = self._find(key)
        if i < 0:
            raise KeyError(key)
        return i


@dataclass
class EdgeTable:
    """The contracted graph as arrays (read like a networkx MultiGraph where the code needs it:
    ``nodes``, ``edges(keys=True, data=True)``, the counts)."""

    node_xy: np.ndarray  # (n, 2) lon/lat
    uvk: np.ndarray  # (m, 3) int64: the two nodes and the key; the first node is the start
    road: np.ndarray  # (m,) int64: the road (row of ``roads``) the edge is a piece of
    fwd: np.ndarray  # (m,) bool: may be driven from its start to its end
    bwd: np.ndarray  # (m,) bool: ... and back
    length_m: np.ndarray  # (m,) float
    geoms: np.ndarray  # (m,) shapely LineStrings, from the start node
    roads: dict[str, list[str]]  # ROAD_FIELDS -> one value per road

    def __post_init__(self) -> None:
        self._data: dict[int, dict[str, Any]] = {}
        self.nodes = _Nodes(self.node_xy)

    def __iter__(self) -> Iterator[int]:
        return iter(self.nodes)

    def __len__(self) -> int:
        return len(self.node_xy)

    def __contains__(self, n: object) -> bool:
        return n in self.nodes

    def number_of_nodes(self) -> int:
        return len(self.node_xy)

    def number_of_edges(self) -> int:
        return len(self.uvk)

    def data(self, i: int) -> dict[str, Any]:
        """Edge ``i``'s attributes: start, ref, name, road_class, access, bridges, segments
        (the roads' ids), fwd, bwd, ferry, geometry, length_m."""
        d = self._data.get(i)
        if d is None:
            r = int(self.road[i])
            cls, bridge = self.roads["road_class"][r], self.roads["bridge"][r]
            d = {"start": int(self.uvk[i, 0]), "ref": self.roads["ref"][r],
                 "name": self.roads["name"][r], "road_class": cls,
                 "access": self.roads["access"][r], "bridges": (bridge,) if bridge else (),
                 "segments": (self.roads["id"][r],), "fwd": bool(self.fwd[i]),
                 "bwd": bool(self.bwd[i]), "ferry": cls == FERRY_CLASS,
                 "geometry": self.geoms[i], "length_m": float(self.length_m[i])}
            self._data[i] = d
        return d

    def edges(self, keys: bool = False, data: bool = False) -> Iterator[tuple[Any, ...]]:
        for i, (u, v, k) in enumerate(self.uvk.tolist()):
            yield (u, v, *((k,) if keys else ()), *((self.data(i),) if data else ()))

    def flags(self) -> tuple[np.ndarray, np.ndarray]:
        """Per edge: is it a ferry, is it closed to traffic."""
        ferry = np.array([c == FERRY_CLASS for c in self.roads["road_class"]], dtype=bool)
        closed = np.array([bool(a) for a in self.roads["access"]], dtype=bool)
        if not len(self.road):
            return np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
        return ferry[self.road], closed[self.road]


def build_tables(segments: Sequence[RoadSegment]) -> EdgeTable:
    """The contracted graph of the roads (see the module's rules)."""
    from basewatch.analysis.geodesy import distance_m

    segs = list(segments)
    roads = {f: [str(getattr(s, f)) for s in segs] for f in ROAD_FIELDS}
    oneway = np.array([s.oneway for s in segs], dtype=np.int64)
    empty = EdgeTable(np.empty((0, 2)), np.empty((0, 3), dtype=np.int64),
                      np.empty(0, dtype=np.int64), np.empty(0, dtype=bool), np.empty(0, dtype=bool),
                      np.empty(0), np.empty(0, dtype=object), roads)
    if not segs:
        return empty
    xy, sid = shapely.get_coordinates(np.array([s.geometry for s in segs], dtype=object),
                                      return_index=True)
    if not len(xy):
        return empty
    # One raw vertex per position equal to 1e-7°, numbered by first appearance.
    q = np.rint(xy * _SCALE).astype(np.int64)
    code = ((q[:, 0] + (1 << 31)).astype(np.uint64) << np.uint64(32)) | (q[:, 1] + (1 << 31)).astype(np.uint64)
    uniq, first, inv = np.unique(code, return_index=True, return_inverse=True)
    by_first = np.argsort(first, kind="stable")  # raw vertex id -> row of uniq
    rank = np.empty(len(uniq), dtype=np.int64)
    rank[by_first] = np.arange(len(uniq))
    vn = rank[inv.reshape(-1)]  # raw vertex id of each coordinate
    # Drop a coordinate equal to the one before it on the same road.
    keep = np.ones(len(vn), dtype=bool)
    keep[1:] = ~((sid[1:] == sid[:-1]) & (vn[1:] == vn[:-1]))
    xy, sid, vn = xy[keep], sid[keep], vn[keep]
    n_raw = len(uniq)
    same = sid[1:] == sid[:-1]  # consecutive coordinates of one road: a raw edge
    deg = np.bincount(vn[:-1][same], minlength=n_raw) + np.bincount(vn[1:][same], minlength=n_raw)
    is_first = np.ones(len(sid), dtype=bool)
    is_first[1:] = ~same
    is_last = np.ones(len(sid), dtype=bool)
    is_last[:-1] = ~same
    junction = deg != 2
    junction[vn[is_first | is_last]] = True
    # Graph nodes: the junctions, numbered in the order the raw vertices were first seen.
    jraw = np.flatnonzero(junction)
    node_of = np.full(n_raw, -1, dtype=np.int64)
    node_of[jraw] = np.arange(len(jraw))
    jcode = uniq[by_first[jraw]]
    node_xy = np.stack([(jcode >> np.uint64(32)).astype(np.int64) - (1 << 31),
                        (jcode & np.uint64(0xFFFFFFFF)).astype(np.int64) - (1 << 31)],
                       axis=1) / _SCALE
    # Pieces: between consecutive junction coordinates of one road.
    at = np.flatnonzero(junction[vn])
    piece = sid[at[1:]] == sid[at[:-1]]
    a, b = at[:-1][piece], at[1:][piece]  # coordinate ranges [a, b] of the edges
    road = sid[a].astype(np.int64)
    u, v = node_of[vn[a]], node_of[vn[b]]
    # Keys: 0, 1, ... among the edges joining the same two nodes, in road order.
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    order = np.lexsort((np.arange(len(lo)), hi, lo))
    pair = lo[order] * (len(jraw) + 1) + hi[order]
    start_of_group = np.ones(len(pair), dtype=bool)
    start_of_group[1:] = pair[1:] != pair[:-1]
    group_start = np.maximum.accumulate(np.where(start_of_group, np.arange(len(pair)), 0))
    key = np.empty(len(pair), dtype=np.int64)
    key[order] = np.arange(len(pair)) - group_start
    # Lengths: geodesic, segment by segment, summed per edge.
    seg_m = np.zeros(len(xy))
    if same.any():
        i = np.flatnonzero(same)
        seg_m[i] = np.atleast_1d(distance_m(xy[i, 0], xy[i, 1], xy[i + 1, 0], xy[i + 1, 1]))
    cum = np.concatenate([[0.0], np.cumsum(seg_m)])
    length = cum[b] - cum[a]
    counts = b - a + 1
    idx = np.repeat(a - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts) + np.arange(counts.sum())
    geoms = shapely.linestrings(xy[idx], indices=np.repeat(np.arange(len(a)), counts)) \
        if len(a) else np.empty(0, dtype=object)
    ow = oneway[road]
    return EdgeTable(node_xy, np.stack([u, v, key], axis=1).astype(np.int64), road,
                     ow >= 0, ow <= 0, length, np.asarray(geoms, dtype=object), roads)
