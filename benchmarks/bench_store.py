"""Benchmark of the store back ends: the same queries on the embedded GeoPackage and on PostGIS.

Builds bench_foundation's seeded synthetic workspace (N facilities, D daily control snapshots of
F factions, V-vertex polygons) as a GeoPackage, copies it into a throwaway local PostgreSQL +
PostGIS (started here on 127.0.0.1, stopped at the end) with ``basewatch db copy``'s code, then
times on both, with the same answers checked:

- inventory on a date (``facility_rows`` + the pure inventory analysis);
- control at a date (``Workspace.control_on``: latest snapshot at or before the date);
- exposure on a date (every facility's geodesic distance to the ground of each faction hostile
  to its operator; seeded relations make each operator hostile to two factions): embedded
  (Python, pyproj) vs PostGIS with the distances in SQL (geography ST_Distance) vs PostGIS with
  the distances in Python (``BASEWATCH_SPATIAL=python``); distances checked to agree within
  1 m or 15 ppm.

It then doubles the data (2N facilities, 2D days) and reports how time and Python memory grow.

Run: python benchmarks/bench_store.py [--facilities 10000 --days 365 --vertices 1000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import os
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_foundation import START, build, timed

from basewatch.analysis.inventory import inventory_from_rows
from basewatch.model import Provenance, Source
from basewatch.model.faction import Relation, RelationKind
from basewatch.queries.exposure import exposure_series
from basewatch.store import RELATIONS, Workspace
from basewatch.store.pgserver import PgServer, has_postgis, pg_bindir
from basewatch.store.transfer import copy_store


def peak_mb(fn) -> float:
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def run_size(server: PgServer, n_fac: int, n_days: int, a: argparse.Namespace) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp(prefix="bw-bench-store-"))
    t = time.perf_counter()
    build(folder, n_fac, n_days, a.vertices, a.factions, a.seed)
    build_s = time.perf_counter() - t
    prov = Provenance(Source("benchmark"), synthetic=True, generator="bench_store", seed=a.seed)
    ops = ["iran", "turkey", "russia", "us_coalition"]
    with Workspace(folder) as g:  # each operator hostile to two of the factions
        g.store.put(RELATIONS, [Relation(op, f"faction{(i + j) % a.factions}",
                                         RelationKind.HOSTILE, prov)
                                for i, op in enumerate(ops) for j in range(2)])
    url = server.new_database()
    day = START + dt.timedelta(days=n_days // 2)
    out: dict[str, float] = {"build_s": build_s}
    with Workspace(folder) as g, Workspace(store_url=url, create=True) as p:
        t = time.perf_counter()
        copy_store(g.store, p.store)
        out["copy_s"] = time.perf_counter() - t
        for label, ws in (("gpkg", g), ("postgis", p)):
            def inv(ws: Workspace = ws) -> object:
                return inventory_from_rows(ws.facility_rows(), day, ("operator", "type")).total

            def ctl(ws: Workspace = ws) -> object:
                return sorted((c.faction, c.geometry.wkb) for c in ws.control_on(day))

            out[f"{label}_inventory_ms"], out[f"{label}_inventory"] = timed(inv, a.repeat)
            out[f"{label}_control_ms"], out[f"{label}_control"] = timed(ctl, a.repeat)
            out[f"{label}_inventory_mb"] = peak_mb(inv)
            out[f"{label}_control_mb"] = peak_mb(ctl)
        facs = g.facilities()[: a.exposure_facilities or None]
        for label, ws, where in (("gpkg", g, "db"), ("postgis", p, "db"),
                                 ("postgis_py", p, "python")):
            os.environ["BASEWATCH_SPATIAL"] = where

            def expo(ws: Workspace = ws) -> object:
                return {(e.facility, k): v for e in exposure_series(ws, facs, [day])[day]
                        for k, v in e.distances_km.items()}

            out[f"{label}_exposure_ms"], out[f"{label}_exposure"] = timed(expo, a.exposure_repeat)
            out[f"{label}_exposure_mb"] = peak_mb(expo)
        os.environ.pop("BASEWATCH_SPATIAL", None)
    assert out["gpkg_inventory"] == out["postgis_inventory"]
    assert out["gpkg_control"] == out["postgis_control"]  # same polygons, bit for bit
    want, got = out["gpkg_exposure"], out["postgis_exposure"]
    assert want == out["postgis_py_exposure"] and want.keys() == got.keys() and want
    worst = max(abs(got[k] - v) * 1000 / max(1.0, 0.015 * v) for k, v in want.items())
    bad = max(want, key=lambda k: abs(got[k] - want[k]) * 1000 / max(1.0, 0.015 * want[k]))
    assert worst <= 1.0, f"PostGIS distances off by {worst:.2f} x the tolerance at {bad}: {want[bad]} km vs {got[bad]} km"
    out["exposure_pairs"] = len(want)
    shutil.rmtree(folder, ignore_errors=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--facilities", type=int, default=10_000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--vertices", type=int, default=1000)
    ap.add_argument("--factions", type=int, default=4)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--exposure-repeat", type=int, default=1)
    ap.add_argument("--exposure-facilities", type=int, default=1000,
                    help="facilities in the exposure query (0: all; distances in SQL cost "
                    "~5 ms a facility and faction)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-double", action="store_true", help="skip the doubled data set")
    a = ap.parse_args()
    bindir = pg_bindir()
    if bindir is None or not has_postgis(bindir):
        sys.exit("needs PostgreSQL + PostGIS: apt-get install -y postgresql-15-postgis-3")
    root = Path(tempfile.mkdtemp(prefix="basewatch-pg-"))
    server = PgServer(bindir, root)
    server.start()
    try:
        sizes = [(a.facilities, a.days)] + ([] if a.no_double else [(2 * a.facilities, 2 * a.days)])
        results = []
        for n, d in sizes:
            r = run_size(server, n, d, a)
            results.append((n, d, r))
            print(f"\n{n} facilities x {d} days x {a.factions} factions x {a.vertices} vertices: "
                  f"built {r['build_s']:.1f} s, copied to PostGIS {r['copy_s']:.1f} s")
            print(f"{'query':<11} {'gpkg ms':>9} {'postgis ms':>11} {'pg/gpkg':>8} "
                  f"{'gpkg MB':>8} {'postgis MB':>11}")
            for q in ("inventory", "control", "exposure"):
                gm, pm = r[f"gpkg_{q}_ms"], r[f"postgis_{q}_ms"]
                print(f"{q:<11} {gm:>9.1f} {pm:>11.1f} {pm / gm:>7.2f}x "
                      f"{r[f'gpkg_{q}_mb']:>8.1f} {r[f'postgis_{q}_mb']:>11.1f}")
            gm, pm = r["gpkg_exposure_ms"], r["postgis_py_exposure_ms"]
            print(f"{'exposure, PostGIS store, distances in Python':<11} {gm:>9.1f} {pm:>11.1f} "
                  f"{pm / gm:>7.2f}x {r['gpkg_exposure_mb']:>8.1f} "
                  f"{r['postgis_py_exposure_mb']:>11.1f}")
            print(f"exposure: {a.exposure_facilities or n} facilities, "
                  f"{r['exposure_pairs']:.0f} (facility, hostile faction) distances, "
                  "PostGIS within 1 m / 15 ppm of the embedded store's")
        if len(results) == 2:
            (_, _, r1), (_, _, r2) = results
            print("\ndoubling the data (x2 facilities, x2 days): time and peak Python memory grow by")
            for q in ("inventory", "control", "exposure"):
                for b in ("gpkg", "postgis"):
                    print(f"{q:<11} {b:<8} time x{r2[f'{b}_{q}_ms'] / r1[f'{b}_{q}_ms']:.2f}  "
                          f"memory x{r2[f'{b}_{q}_mb'] / r1[f'{b}_{q}_mb']:.2f}")
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
