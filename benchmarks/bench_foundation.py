"""Benchmark of the foundation: `inventory` and `control at` from the store vs plain geopandas.

Builds a synthetic workspace (seeded): N facilities and D daily control snapshots of F factions,
each a V-vertex polygon, then times, on the same GeoPackage in the same run:

- inventory on a date: basewatch (store columns + pure analysis) vs geopandas
  (`read_file(layer="facilities")`, filter by validity, `groupby(["operator", "type"])`);
- control at a date: basewatch (`Workspace.control_on`) vs geopandas reading the control layer
  and keeping the latest snapshot at or before the date, and vs geopandas with an SQL `where`
  filter pushed into GDAL (what a careful user would write).

Run: python benchmarks/bench_foundation.py [--facilities 10000 --days 365 --vertices 1000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from shapely.geometry import Polygon

from basewatch.analysis.inventory import inventory_from_rows
from basewatch.model import ControlArea, Facility, FacilityType, Faction, Provenance, Source
from basewatch.store import CONTROL, FACILITIES, FACTIONS, Workspace

GEN = "benchmarks.bench_foundation"
START = dt.date(2024, 1, 1)


def build(folder: Path, n_fac: int, n_days: int, n_vert: int, n_factions: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    prov = Provenance(Source("benchmark"), synthetic=True, generator=GEN, seed=seed)
    ops = ["iran", "turkey", "russia", "us_coalition"]
    types = [t for t in FacilityType]
    facs = [Facility(f"f{i}", f"Facility {i}", ops[rng.integers(4)], types[rng.integers(len(types))],
                     float(rng.uniform(35.7, 42.0)), float(rng.uniform(32.5, 37.0)), prov,
                     region=f"r{rng.integers(14)}",
                     valid_from=START - dt.timedelta(days=int(rng.integers(0, 3000))))
            for i in range(n_fac)]
    factions = [Faction(f"faction{i}", f"Faction {i}", prov) for i in range(n_factions)]
    theta = np.linspace(0, 2 * np.pi, n_vert, endpoint=False)
    with Workspace(folder, create=True) as ws, ws.store.transaction():
        ws.store.put(FACTIONS, factions)
        ws.store.put(FACILITIES, facs)
        for d in range(n_days):
            day = START + dt.timedelta(days=d)
            areas = []
            for k in range(n_factions):
                cx, cy = 36.0 + 1.5 * k, 34.0 + (k % 2)
                r = 0.6 + 0.1 * np.sin(d / 20 + k) + 0.02 * rng.standard_normal(n_vert)
                ring = np.column_stack([cx + r * np.cos(theta), cy + r * np.sin(theta)])
                areas.append(ControlArea(f"faction{k}", day, Polygon(ring), prov))
            ws.store.put(CONTROL, areas)


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--facilities", type=int, default=10_000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--vertices", type=int, default=1000)
    ap.add_argument("--factions", type=int, default=4)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--folder", type=Path, default=None)
    a = ap.parse_args()

    import geopandas as gpd

    folder = a.folder or Path(tempfile.mkdtemp(prefix="bw-bench-"))
    t = time.perf_counter()
    build(folder, a.facilities, a.days, a.vertices, a.factions, a.seed)
    build_s = time.perf_counter() - t
    gpkg = folder / "basewatch.gpkg"
    day = START + dt.timedelta(days=a.days // 2)
    print(f"workspace: {a.facilities} facilities, {a.days} days x {a.factions} factions x "
          f"{a.vertices} vertices ({gpkg.stat().st_size / 1e6:.0f} MB), built in {build_s:.1f} s")

    ws = Workspace(folder)

    def bw_inventory():
        return inventory_from_rows(ws.facility_rows(), day, ("operator", "type")).total

    def gpd_inventory():
        df = gpd.read_file(gpkg, layer="facilities", columns=["operator", "type", "valid_from", "valid_to"])
        ok = (df.valid_from.isna() | (df.valid_from <= day.isoformat())) & \
             (df.valid_to.isna() | (df.valid_to >= day.isoformat()))
        df = df[ok]
        df["cls"] = df["type"].isin(["point", "observation_post"]).map({True: "point", False: "base"})
        return int(df.groupby(["operator", "cls"]).size().sum())

    def bw_control():
        return len(ws.control_on(day))

    def gpd_control_naive():
        df = gpd.read_file(gpkg, layer="control_areas")
        latest = df.loc[df.date <= day.isoformat(), "date"].max()
        return len(df[df.date == latest])

    def gpd_control_where():
        where = f"date = (SELECT max(date) FROM control_areas WHERE date <= '{day.isoformat()}')"
        return len(gpd.read_file(gpkg, layer="control_areas", where=where))

    rows = []
    for name, ours, theirs in (("inventory", bw_inventory, [("geopandas", gpd_inventory)]),
                               ("control at", bw_control, [("geopandas read+filter", gpd_control_naive),
                                                           ("geopandas where=", gpd_control_where)])):
        t_ours, v_ours = timed(ours, a.repeat)
        for label, fn in theirs:
            t_theirs, v_theirs = timed(fn, max(1, a.repeat // 2) if "naive" in fn.__name__ else a.repeat)
            assert v_ours == v_theirs, (name, v_ours, v_theirs)
            rows.append((name, t_ours, label, t_theirs))
    print(f"{'query':<12} {'basewatch ms':>13} {'vs':<24} {'their ms':>9} {'ratio':>7}")
    for name, t_ours, label, t_theirs in rows:
        print(f"{name:<12} {t_ours:>13.1f} {label:<24} {t_theirs:>9.1f} {t_theirs / t_ours:>6.1f}x")
    ws.close()


if __name__ == "__main__":
    main()
