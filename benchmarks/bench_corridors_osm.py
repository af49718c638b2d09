"""Benchmark: corridors on a real OSM extract, against what a user would otherwise do.

Same data, same run, each side in a fresh process where start-up counts; times are CPU
seconds (the machine may be shared):

1. import: ``basewatch roads import EXTRACT`` (streamed; wall time per 10 MB of PBF and peak
   memory) against loading the same ways into a networkx graph with pyosmium;
2. a warm corridor question (``basewatch corridor --from A --to B --json``, graph and capture
   caches built by a first call; best of 3) beside the floors it stands on (``basewatch
   version``: interpreter and typer (options coerced without pydantic); numpy + shapely +
   pyproj imported alone) and the goal of 0.3 s, against pyosmium + networkx + pyproj.Geod reading the extract and running
   Dijkstra (the independent path of the tests), with the two lengths side by side;
3. the corridor timeline over ``--days`` daily control snapshots (seeded synthetic control: a
   hostile disc that drifts across the extract; marked synthetic) against the straightforward
   networkx way (per date: drop the edges in hostile ground, Dijkstra).

``--synthetic-mb N`` first writes a seeded synthetic country-sized PBF of about N MB (a jittered
grid of roads, tagged like OSM) to measure import speed and peak memory at that size, and the
time the first question takes to build its routing graph and later ones to read it.

Run: python benchmarks/bench_corridors_osm.py [--pbf FILE] [--from A --to B] [--days 730]
     [--synthetic-mb 100]
     [--country-mb 150]   (only the import of a synthetic country of realistic density)
Default extract: $BASEWATCH_SHARED_DATA/osm-dev/liechtenstein-2015.osm.pbf (Balzers -> Ruggell).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable

_REFERENCE = r'''
import sys, time, json
t0 = time.perf_counter()
import networkx as nx, osmium, pyproj
geod = pyproj.Geod(ellps="WGS84")
KEPT = {c + s for c in ("motorway", "trunk", "primary", "secondary", "tertiary") for s in ("", "_link")}
g = nx.Graph(); ll = {}
for w in osmium.FileProcessor(sys.argv[1]).with_locations().with_filter(osmium.filter.KeyFilter("highway")):
    if not isinstance(w, osmium.osm.Way) or w.tags.get("highway") not in KEPT:
        continue
    ns = [(n.ref, n.location) for n in w.nodes]
    for (a, la), (b, lb) in zip(ns[:-1], ns[1:]):
        if la.valid() and lb.valid() and a != b:
            ll[a] = (la.lon, la.lat); ll[b] = (lb.lon, lb.lat)
            g.add_edge(a, b, w=geod.inv(la.lon, la.lat, lb.lon, lb.lat)[2])
load = time.perf_counter() - t0
if len(sys.argv) > 2:
    (ax, ay), (bx, by) = json.loads(sys.argv[2])
    near = lambda x, y: min(ll, key=lambda n: geod.inv(x, y, *ll[n])[2])
    d = nx.dijkstra_path_length(g, near(ax, ay), near(bx, by), weight="w")
    print(json.dumps({"load_s": load, "length_km": d / 1000, "edges": g.number_of_edges()}))
else:
    print(json.dumps({"load_s": load, "edges": g.number_of_edges()}))
'''


def _run(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """(CPU s, peak RSS MiB, stdout) of a command in a fresh process. CPU time (user + system
    of the child), not wall time: the machine this runs on is shared, CPU time is what the
    command costs. Peak RSS is the largest of any child so far (run the biggest first)."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(args[:4])}...: exit {out.returncode}\n{out.stderr}")
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return cpu, r1.ru_maxrss / 1024, out.stdout


_MEASURE = r'''
import resource, subprocess, sys, time
t = time.perf_counter()
out = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - t
r = resource.getrusage(resource.RUSAGE_CHILDREN)
sys.stderr.write(out.stderr)
print(f"{out.returncode} {wall} {r.ru_utime + r.ru_stime} {r.ru_maxrss / 1024}")
'''


def _measure(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MiB) of one command alone (its own peak, not the largest of
    every child so far)."""
    out = subprocess.run([PY, "-c", _MEASURE, *args], capture_output=True, text=True, env=env,
                         check=False)
    code, wall, cpu, peak = out.stdout.split()
    if code != "0":
        raise SystemExit(f"{' '.join(args[:4])}...: exit {code}\n{out.stderr}")
    return float(wall), float(cpu), float(peak)


def country(mb: float, tmp: Path, env: dict[str, str]) -> None:
    """The import of a seeded synthetic country of realistic density (benchmarks/country_pbf.py
    says what it assumes) against pyosmium + networkx on the same file, each alone."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from country_pbf import country_pbf

    big = tmp / "country.osm.pbf"
    t = time.perf_counter()
    counts = country_pbf(big, mb)
    size = big.stat().st_size / 1e6
    print(f"synthetic country PBF {size:.0f} MB ({counts['nodes']:,} nodes, {counts['ways']:,} ways, "
          f"{counts['kept_roads']:,} of them roads of the default classes) written in "
          f"{time.perf_counter() - t:.0f} s")
    wall, cpu, peak = _measure([PY, "-m", "basewatch", "roads", "import", str(big), "-w",
                                str(tmp / "country-ws"), "--json"], env)
    rwall, rcpu, rpeak = _measure([PY, "-c", _REFERENCE, str(big)], env)
    print(f"| import a {size:.0f} MB synthetic country | basewatch {wall:.1f} s wall, {cpu:.1f} s CPU "
          f"({wall / size * 10:.2f} s wall per 10 MB), peak {peak:.0f} MiB | pyosmium+networkx graph "
          f"{rwall:.1f} s wall, {rcpu:.1f} s CPU, peak {rpeak:.0f} MiB | ratio {wall / rwall:.2f} wall, "
          f"{cpu / rcpu:.2f} CPU |")


def synthetic_pbf(path: Path, mb: float, seed: int = 0) -> None:
    """A seeded grid of roads, about ``mb`` MB of PBF: every 4th line primary, the rest
    residential and tertiary; jittered nodes (real extracts are not grids)."""
    import numpy as np
    import osmium

    rng = np.random.default_rng(seed)
    n = int((mb * 1e6 / 9.0) ** 0.5)  # ~9 bytes per node in a dense PBF
    step = 4.0 / n
    w = osmium.SimpleWriter(str(path))
    jitter = rng.uniform(-0.3, 0.3, size=(n, n, 2)) * step
    for i in range(n):
        for j in range(n):
            w.add_node(osmium.osm.mutable.Node(
                id=i * n + j + 1, location=(20.0 + i * step + jitter[i, j, 0], 40.0 + j * step + jitter[i, j, 1])))
    wid = 1
    for i in range(n):
        for j0 in range(0, n - 1, 10):
            cls = "primary" if i % 4 == 0 else ("tertiary" if i % 2 == 0 else "residential")
            refs = [i * n + j + 1 for j in range(j0, min(j0 + 11, n))]
            w.add_way(osmium.osm.mutable.Way(id=wid, nodes=refs, tags={"highway": cls}))
            wid += 1
    for j in range(0, n, 2):
        for i0 in range(0, n - 1, 10):
            cls = "secondary" if j % 8 == 0 else "tertiary"
            refs = [i * n + j + 1 for i in range(i0, min(i0 + 11, n))]
            w.add_way(osmium.osm.mutable.Way(id=wid, nodes=refs, tags={"highway": cls}))
            wid += 1
    w.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    shared = Path(os.environ.get("BASEWATCH_SHARED_DATA", ROOT.parent / "shared" / "data"))
    ap.add_argument("--pbf", type=Path, default=shared / "osm-dev" / "liechtenstein-2015.osm.pbf")
    ap.add_argument("--from", dest="a", default="Balzers")
    ap.add_argument("--to", dest="b", default="Ruggell")
    ap.add_argument("--days", type=int, default=730)
    ap.add_argument("--synthetic-mb", type=float, default=0.0)
    ap.add_argument("--country-mb", type=float, default=0.0,
                    help="write a synthetic country of realistic density of about this size "
                         "(e.g. 150) and measure its import only")
    a = ap.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    # As installed: the modules' bytecode compiled once (pip does it at install), not on every
    # command because PYTHONDONTWRITEBYTECODE is set where this runs.
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "src" / "basewatch")], check=True,
                   capture_output=True)
    tmp = Path(tempfile.mkdtemp(prefix="bench-corridors-osm-"))
    if a.country_mb:
        country(a.country_mb, tmp, env)
        return

    if a.synthetic_mb:
        big = tmp / "synthetic-country.osm.pbf"
        t = time.perf_counter()
        synthetic_pbf(big, a.synthetic_mb)
        size = big.stat().st_size / 1e6
        print(f"synthetic PBF {size:.0f} MB written in {time.perf_counter() - t:.0f} s")
        wall, peak, _ = _run([PY, "-m", "basewatch", "roads", "import", str(big), "-w",
                              str(tmp / "big-ws"), "--json"], env)
        rwall, rpeak, _ = _run([PY, "-c", _REFERENCE, str(big)], env)
        print(f"| import {size:.0f} MB synthetic | basewatch {wall:.1f} s ({wall / size * 10:.2f} s "
              f"per 10 MB), peak {peak:.0f} MiB | pyosmium+networkx graph {rwall:.1f} s, peak "
              f"{rpeak:.0f} MiB | ratio {wall / rwall:.2f} |")
        graph = ("import sys, time; from basewatch.store import Workspace; "
                 "from basewatch.store.roads import road_graph; w = Workspace(sys.argv[1]); "
                 "t = time.process_time(); rg = road_graph(w); "
                 "print(rg.n_edges, time.process_time() - t)")
        _, _, out = _run([PY, "-c", graph, str(tmp / "big-ws")], env)
        _, _, again = _run([PY, "-c", graph, str(tmp / "big-ws")], env)
        print(f"| routing graph of the {size:.0f} MB synthetic ({int(out.split()[0]):,} edges) | "
              f"first question builds it in {float(out.split()[1]):.1f} s, later ones read it in "
              f"{float(again.split()[1]):.2f} s | - | - |")

    if not a.pbf.exists():
        raise SystemExit(f"{a.pbf}: not found (set BASEWATCH_SHARED_DATA or give --pbf)")
    size = a.pbf.stat().st_size / 1e6
    ws = tmp / "ws"
    wall, peak, _ = _run([PY, "-m", "basewatch", "roads", "import", str(a.pbf), "--places", "-w",
                          str(ws), "--json"], env)
    rwall, rpeak, _ = _run([PY, "-c", _REFERENCE, str(a.pbf)], env)
    print(f"| import {a.pbf.name} ({size:.1f} MB) | basewatch {wall:.2f} s ({wall / size * 10:.2f} s "
          f"per 10 MB), peak {peak:.0f} MiB | pyosmium+networkx graph {rwall:.2f} s | "
          f"ratio {wall / rwall:.2f} |")

    # Control: blue holds the extract; a seeded hostile disc drifts across it day by day.
    sys.path.insert(0, str(ROOT / "src"))
    import numpy as np

    from basewatch.analysis.geodesy import geodesic_circle
    from basewatch.model import ControlArea, Faction, Provenance, Relation, Source
    from basewatch.model.faction import RelationKind
    from basewatch.store import CONTROL, FACTIONS, RELATIONS, Workspace
    from basewatch.store.roads import ROADS

    prov = Provenance(Source("benchmark"), synthetic=True, generator="benchmarks.bench_corridors_osm", seed=0)
    w = Workspace(ws)
    x0, y0, x1, y1 = np.array([r.geometry.bounds for r in w.store.select(ROADS)]).T
    bx = (x0.min(), y0.min(), x1.max(), y1.max())
    from shapely.geometry import box

    days = [dt.date(2023, 1, 1) + dt.timedelta(days=k) for k in range(a.days)]
    rng = np.random.default_rng(0)
    span = bx[3] - bx[1]
    discs = [geodesic_circle(bx[0] + (bx[2] - bx[0]) * rng.uniform(0.2, 0.8),
                             bx[1] + span * (k / max(a.days - 1, 1)), 1500.0, 32) for k in range(a.days)]
    whole = box(bx[0] - 0.1, bx[1] - 0.1, bx[2] + 0.1, bx[3] + 0.1)
    with w.store.transaction():
        w.store.put(FACTIONS, [Faction("blue", "Blue", prov), Faction("red", "Red", prov)])
        w.store.put(RELATIONS, [Relation("blue", "red", RelationKind.HOSTILE, prov)])
        w.store.put(CONTROL, [x for d, disc in zip(days, discs) for x in (
            ControlArea("blue", d, whole.difference(disc), prov), ControlArea("red", d, disc, prov))])
    pa, pb = w.place(a.a), w.place(a.b)
    w.close()

    cmd = [PY, "-m", "basewatch", "corridor", "--from", a.a, "--to", a.b, "--date",
           days[0].isoformat(), "--side", "blue", "-w", str(ws), "--json"]
    cold, _, _ = _run(cmd, env)
    warm = min(_run(cmd, env)[0] for _ in range(3))
    out = _run(cmd, env)[2]
    ours = json.loads(out)
    floor = min(_run([PY, "-m", "basewatch", "version"], env)[0] for _ in range(3))
    # the library floor and the reference with one BLAS thread, as basewatch's CLI runs
    one = {**env, "OPENBLAS_NUM_THREADS": "1"}
    libs = min(_run([PY, "-c", "import numpy, shapely, pyproj"], one)[0] for _ in range(3))
    rwall, _, rout = _run([PY, "-c", _REFERENCE, str(a.pbf),
                           json.dumps([[pa.lon, pa.lat], [pb.lon, pb.lat]])], one)
    ref = json.loads(rout)
    print(f"| corridor {a.a} -> {a.b} (fresh process, start-up included) | cold {cold:.2f} s, warm "
          f"{warm:.2f} s, {ours['length_km']} km | pyosmium+networkx+Geod {rwall:.2f} s, "
          f"{ref['length_km']:.1f} km (nearest nodes) | ratio {warm / rwall:.2f} |")
    print(f"| warm corridor question against the goal of 0.3 s | {warm:.2f} s (best of 3): "
          f"{'met' if warm < 0.3 else 'NOT met'}; `basewatch version` alone {floor:.2f} s, "
          f"numpy+shapely+pyproj imported alone {libs:.2f} s | - | - |")

    from basewatch.queries.corridors import corridor_timeline

    w = Workspace(ws)
    t = time.process_time()
    tl = corridor_timeline(w, a.a, a.b, days, side="blue")
    ours_s = time.process_time() - t
    cut = sum(not s["connected"] for s in tl["series"])

    import networkx as nx
    import shapely

    from basewatch.queries.corridors import load_graph, resolve

    rg = load_graph(w)
    ea, eb = resolve(w, a.a), resolve(w, a.b)
    from basewatch.analysis.roadgraph import snap

    na, nb = snap(rg, ea.lon, ea.lat, "a")[0], snap(rg, eb.lon, eb.lat, "b")[0]
    t = time.process_time()
    naive_cut = 0
    for disc in discs:  # straightforward: test every edge, rebuild, search
        ok = ~shapely.intersects(rg.edge_geoms, disc)
        g = nx.Graph()
        g.add_nodes_from(rg.graph.nodes)
        g.add_weighted_edges_from((u, v, rg.edge((u, v, k))["length_m"])
                                  for (u, v, k), o in zip(rg.edge_keys, ok) if o)
        naive_cut += not nx.has_path(g, na, nb)
    naive_s = time.process_time() - t
    print(f"| timeline {a.days} daily snapshots ({cut} cut; networkx: {naive_cut}) | basewatch "
          f"{ours_s:.1f} s | networkx straightforward {naive_s:.1f} s | ratio {ours_s / naive_s:.2f} |")
    w.close()


if __name__ == "__main__":
    main()
