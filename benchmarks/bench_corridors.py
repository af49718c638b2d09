"""Benchmark: corridor questions on a large synthetic road network over a year of control.

A seeded grid of roads (N x N nodes, about 2 N^2 edges) over ~5 x 5 degrees, and 365 daily
"hostile" polygons (a disc drifting across it). Same data, same run:

- basewatch: graph and R-tree of edges built once; per question, the blocked edges come from
  an R-tree query of the day's hostile polygon and the route search (analysis/roadgraph.py)
  skips them;
- networkx, straightforward: per date, test every edge against the polygon, build the
  passable subgraph and call ``has_path``.

Run: python benchmarks/bench_corridors.py [--n 230]   (n=230 ~ 105k edges; n=710 ~ 1M edges)
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import networkx as nx
import numpy as np
import shapely
from shapely.geometry import LineString

from basewatch.analysis.corridors import CorridorIndex, blocked_edges, build_graph, snap
from basewatch.analysis.geodesy import geodesic_circle
from basewatch.analysis.roadgraph import EdgeRule, shortest_route, snap_point
from basewatch.model import Provenance, Source
from basewatch.model.roads import RoadSegment


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=230)
    ap.add_argument("--days", type=int, default=365)
    a = ap.parse_args()
    n, step = a.n, 5.0 / a.n
    prov = Provenance(Source("benchmark"), synthetic=True, generator="benchmarks.bench_corridors", seed=0)
    t = time.perf_counter()
    segs = []
    for i in range(n):
        for j in range(n):
            x, y = 35.0 + i * step, 32.0 + j * step
            if i + 1 < n:
                segs.append(RoadSegment(f"h{i}-{j}", LineString([(x, y), (x + step, y)]), prov))
            if j + 1 < n:
                segs.append(RoadSegment(f"v{i}-{j}", LineString([(x, y), (x, y + step)]), prov))
    rg = build_graph(segs)
    build_s = time.perf_counter() - t
    print(f"{rg.n_edges:,} edges, {rg.graph.number_of_nodes():,} nodes; one-time build {build_s:.1f} s")
    a_node = snap(rg, 35.0, 34.5, "A")[0]
    b_node = snap(rg, 35.0 + (n - 1) * step, 34.5, "B")[0]
    sa = snap_point(rg, 35.0, 34.5, "A")
    sb = snap_point(rg, 35.0 + (n - 1) * step, 34.5, "B")
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=k) for k in range(a.days)]
    hostile = [geodesic_circle(35.5 + 4.0 * k / a.days, 34.5, 60_000 + 150_000 * (k % 30) / 30, 64)
               for k in range(a.days)]

    def ours(k: int) -> bool:
        blocked = blocked_edges(rg, hostile[k])
        return shortest_route(rg, sa, sb, EdgeRule(blocked.all), blocked.halves(rg, sa, sb),
                              geometry=False) is not None

    def naive(k: int) -> bool:
        ok = ~shapely.intersects(rg.edge_geoms, hostile[k])
        sub = nx.Graph()
        sub.add_nodes_from(rg.graph.nodes)
        sub.add_edges_from(rg.edge_keys[i][:2] for i in np.flatnonzero(ok))
        return bool(nx.has_path(sub, a_node, b_node))

    sample = list(range(0, a.days, max(a.days // 10, 1)))
    t = time.perf_counter()
    r_ours = [ours(k) for k in sample]
    t_one_ours = (time.perf_counter() - t) / len(sample)
    t = time.perf_counter()
    r_naive = [naive(k) for k in sample[:3]]
    t_one_naive = (time.perf_counter() - t) / 3
    assert r_ours[:3] == r_naive, (r_ours, r_naive)
    print(f"one (date, A, B) question: basewatch {t_one_ours * 1000:.0f} ms, networkx straightforward "
          f"{t_one_naive * 1000:.0f} ms, ratio {t_one_naive / t_one_ours:.1f}x")
    t = time.perf_counter()
    series = [ours(k) for k in range(a.days)]
    t_year = time.perf_counter() - t
    print(f"a year's timeline for one pair ({a.days} dates), route search per date: {t_year:.1f} s "
          f"(networkx straightforward, extrapolated: {t_one_naive * a.days:.0f} s); "
          f"cut on {sum(not s for s in series)} dates")
    # The index: blocked edges of every date (one R-tree query each), components once.
    t = time.perf_counter()
    index = CorridorIndex(rg, {k: blocked_edges(rg, hostile[k]).all for k in range(a.days)})
    t_build = time.perf_counter() - t
    t = time.perf_counter()
    fast = [index.connected(k, a_node, b_node) for k in range(a.days)]
    t_q = time.perf_counter() - t
    assert fast == series
    print(f"CorridorIndex: build {t_build:.1f} s (blocked edges of all {a.days} dates + components), "
          f"then {t_q / a.days * 1000:.2f} ms per question, the year in {t_q:.2f} s; same answers")
    del days


if __name__ == "__main__":
    main()
