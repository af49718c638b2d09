"""An independent shortest path on real OSM extracts, to check basewatch's corridors against.

Written apart from basewatch's code: pyosmium reads the ways, every pair of consecutive nodes
is an edge of a networkx graph weighted by its pyproj.Geod length, ends snap to the nearest
point of a segment found in UTM metres, and networkx's Dijkstra gives the length. Nothing here
imports basewatch.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import networkx as nx
import numpy as np
import osmium
import pyproj
import pytest
import shapely
import shapely.wkb

ROOT = Path(__file__).resolve().parents[1]
GEOD = pyproj.Geod(ellps="WGS84")

#: The classes basewatch documents as kept by default, listed here on their own.
MAIN = {"motorway", "trunk", "primary", "secondary", "tertiary"}
KEPT = MAIN | {c + "_link" for c in MAIN}


def osm_dev() -> Path:
    """The folder of the real OSM extracts (BASEWATCH_SHARED_DATA, else ../shared/data), or
    skip the test with the reason."""
    base = Path(os.environ.get("BASEWATCH_SHARED_DATA", ROOT.parent / "shared" / "data"))
    folder = base / "osm-dev"
    if not (folder / "liechtenstein-2015.osm.pbf").exists():
        pytest.skip(f"real OSM extracts not found in {folder} (set BASEWATCH_SHARED_DATA)")
    return folder


def _closed(tags: dict[str, str]) -> bool:
    for key in ("motorcar", "motor_vehicle", "vehicle", "access"):
        if key in tags:
            return tags[key] in ("no", "private")
    return False


class Reference:
    """The kept ways of an extract as a graph of OSM nodes; ``length_m(a, b)`` between two
    lon/lat points, optionally avoiding a polygon."""

    def __init__(self, path: Path, utm_epsg: int) -> None:
        self.graph = nx.Graph()
        self.digraph = nx.DiGraph()  # the same, each segment only the way(s) it may be driven
        self.lonlat: dict[int, tuple[float, float]] = {}
        self.way_segments: dict[int, list[tuple[int, int]]] = {}
        self.bridges: dict[int, str] = {}  # way id -> name, of the kept bridges
        segs: list[tuple[int, int]] = []
        for w in osmium.FileProcessor(str(path)).with_locations().with_filter(
                osmium.filter.KeyFilter("highway")):
            if not isinstance(w, osmium.osm.Way) or w.tags.get("highway") not in KEPT:
                continue
            if _closed(dict(w.tags)):
                continue
            if w.tags.get("bridge", "no") != "no":
                self.bridges[w.id] = w.tags.get("bridge:name") or w.tags.get("name") or ""
            nodes = [(n.ref, n.location) for n in w.nodes]
            ow = w.tags.get("oneway", "")
            forward = ow not in ("-1", "reverse")
            backward = not (ow in ("yes", "true", "1", "-1", "reverse") or (
                ow == "" and (w.tags.get("highway") in ("motorway", "motorway_link")
                              or w.tags.get("junction") in ("roundabout", "circular"))))
            for (r0, l0), (r1, l1) in itertools.pairwise(nodes):
                if not (l0.valid() and l1.valid()) or r0 == r1:
                    continue
                self.lonlat[r0] = (l0.lon, l0.lat)
                self.lonlat[r1] = (l1.lon, l1.lat)
                d = GEOD.inv(l0.lon, l0.lat, l1.lon, l1.lat)[2]
                if not self.graph.has_edge(r0, r1) or self.graph[r0][r1]["w"] > d:
                    self.graph.add_edge(r0, r1, w=d)
                for x, y, ok in ((r0, r1, forward), (r1, r0, backward)):
                    if ok and (not self.digraph.has_edge(x, y) or self.digraph[x][y]["w"] > d):
                        self.digraph.add_edge(x, y, w=d)
                segs.append((r0, r1))
                self.way_segments.setdefault(w.id, []).append((r0, r1))
        self.segs = np.array(segs)
        self.utm = pyproj.Transformer.from_crs(4326, utm_epsg, always_xy=True)
        ids = np.array(list(self.lonlat))
        xy = np.array(self.utm.transform(*np.array([self.lonlat[i] for i in ids]).T)).T
        self.xy = dict(zip(ids.tolist(), map(tuple, xy)))

    def _snap(self, g: nx.Graph, lon: float, lat: float, name: str) -> None:
        px, py = self.utm.transform(lon, lat)
        a = np.array([self.xy[u] for u, _ in self.segs])
        b = np.array([self.xy[v] for _, v in self.segs])
        ab = b - a
        t = np.clip(((px - a[:, 0]) * ab[:, 0] + (py - a[:, 1]) * ab[:, 1])
                    / np.maximum((ab ** 2).sum(axis=1), 1e-12), 0, 1)
        foot = a + ab * t[:, None]
        dist = np.hypot(foot[:, 0] - px, foot[:, 1] - py)
        usable = np.array([g.has_edge(u, v) or g.has_edge(v, u) for u, v in self.segs])
        dist[~usable] = np.inf
        i = int(np.argmin(dist))
        u, v = (int(x) for x in self.segs[i])
        flon, flat = self.utm.transform(*foot[i], direction="INVERSE")
        for end, other in ((u, v), (v, u)):
            w = GEOD.inv(flon, flat, *self.lonlat[end])[2]
            if not g.is_directed():
                g.add_edge(name, end, w=w)
                continue
            # The start leaves its point toward `end` if the segment runs other -> end; the
            # goal is reached from `end` if it runs end -> other.
            if name == "A" and g.has_edge(other, end):
                g.add_edge(name, end, w=w)
            if name == "B" and g.has_edge(end, other):
                g.add_edge(end, name, w=w)
        g.nodes[name]["seg"] = (u, v, flon, flat)

    def length_m(self, a: tuple[float, float], b: tuple[float, float],
                 avoid: shapely.Geometry | None = None, avoid_ways: tuple[int, ...] = (),
                 directed: bool = False) -> float | None:
        g = (self.digraph if directed else self.graph).copy()
        for w in avoid_ways:
            g.remove_edges_from(self.way_segments[w])
        if avoid is not None:
            shapely.prepare(avoid)
            g.remove_edges_from([(u, v) for u, v in g.edges if avoid.intersects(
                shapely.LineString([self.lonlat[u], self.lonlat[v]]))])
        self._snap(g, *a, "A")
        self._snap(g, *b, "B")
        sa, sb = g.nodes["A"]["seg"], g.nodes["B"]["seg"]
        if {sa[0], sa[1]} == {sb[0], sb[1]} and not g.is_directed():
            g.add_edge("A", "B", w=GEOD.inv(sa[2], sa[3], sb[2], sb[3])[2])
        try:
            return float(nx.dijkstra_path_length(g, "A", "B", weight="w"))
        except nx.NetworkXNoPath:
            return None


def boundary(path: Path, name: str, admin_level: str) -> shapely.Geometry:
    """An administrative boundary of the extract, assembled by pyosmium."""
    wkb = osmium.geom.WKBFactory()
    for o in osmium.FileProcessor(str(path)).with_locations().with_areas():
        if o.is_area() and o.tags.get("boundary") == "administrative" \
                and o.tags.get("name") == name and o.tags.get("admin_level") == admin_level:
            return shapely.wkb.loads(wkb.create_multipolygon(o), hex=True)
    raise LookupError(name)


def place_nodes(path: Path) -> dict[str, tuple[float, float]]:
    """Named place=* nodes of the extract: name -> (lon, lat)."""
    out = {}
    for n in osmium.FileProcessor(str(path), osmium.osm.NODE):
        if "place" in n.tags and "name" in n.tags:
            out[n.tags["name"]] = (n.location.lon, n.location.lat)
    return out
