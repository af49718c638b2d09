"""Benchmark: years of daily control history at interactive speed (issue 20).

Builds its own data: demo/history_gen.py's seeded series (DAYS daily snapshots, ~VERTICES
boundary vertices each, slow change, ~30 % of days unchanged) and SITES watched sites. Every
figure is reported with the same run's **naive loop** as reference: what an analyst would
script with shapely and pyproj: for each site and each day, project the day's (already parsed)
MultiPolygon to an azimuthal equidistant projection centred on the site and ask shapely for
the distance (0 inside). Parsing the GeoJSON is left out of the naive figure (in its favour).

Figures (each as a ratio, >1 = basewatch faster):
1. `exposure timeline --site S` over every snapshot, CLI start-up included, cache filled at
   import; and with the site's rows deleted (a new site: computed from scratch).
2. 12 sites x every snapshot from an empty cache (in-process): never slower than naive?
3. one date, every site, from an empty cache (the distance work of an uncached date), against
   3 naive single-day computations per site; `exposure --date D` (CLI, start-up included) and
   the API's `/exposure?date=D` over loopback: first call and repeated.
4. materializing SITES sites during `import control`, against the import's own time.
5. batch: BATCH_SITES facilities x BATCH_DAYS snapshots on a 2-worker Dask LocalCluster, wall
   time and peak memory (all processes), against the naive per-site-day cost measured here on
   a sample and scaled up.
6. with a PostgreSQL+PostGIS server (started here when the binaries are installed): the same
   sites x days with ``ST_Distance(geography)`` in SQL (spherical, and on the spheroid), and
   how far it is from the exact distance.

Run: python benchmarks/bench_history.py [--days 769] [--vertices 3000] [--sites 12]
     [--batch-sites 10000] [--batch-days 365] [--no-batch] [--no-postgis] [--only-batch]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyproj
import shapely
from shapely.geometry import Point

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _serve import CLI, ENV, serving

from basewatch.demo.history_gen import History, generate_history
from basewatch.model import Facility, FacilityType
from basewatch.queries.exposure import exposure_series
from basewatch.sources.importing import import_file
from basewatch.store import FACILITIES, FACTIONS, RELATIONS, Workspace, exposure_cache
from basewatch.store.exposure_cache import GROUND_DISTANCES, materialize

ROWS: list[tuple[str, str, str, str]] = []


def report(what: str, ours: float, naive: float, note: str = "") -> None:
    ROWS.append((what, f"{ours:.3f} s", f"{naive:.3f} s", f"{naive / ours:.1f}x" + note))
    print(f"{what}: basewatch {ours:.3f} s, naive {naive:.3f} s, ratio {naive / ours:.1f}x{note}",
          flush=True)


def naive_site(site: Facility, geoms: list[Any]) -> list[float]:
    """The analyst's loop: site-centred AEQD with pyproj, shapely distance, per day (km)."""
    tr = pyproj.Transformer.from_crs(
        "EPSG:4326", f"+proj=aeqd +lat_0={site.lat} +lon_0={site.lon} +datum=WGS84 +units=m",
        always_xy=True)
    origin = Point(0, 0)
    out = []
    for g in geoms:
        proj = shapely.transform(g, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))
        out.append(0.0 if proj.contains(origin) else proj.distance(origin) / 1000)
    return out


def workspace(path: Path, h: History, facilities: list[Facility] | None = None) -> Workspace:
    ws = Workspace(path, create=True)
    with ws.store.transaction():
        ws.store.put(FACTIONS, h.factions)
        ws.store.put(RELATIONS, h.relations)
        ws.store.put(FACILITIES, facilities or h.facilities)
    return ws


#: The CLI as installed: bytecode cached. With PYTHONDONTWRITEBYTECODE set (some shells and
#: CI set it) every command compiled its modules from source: +0.06 s of CPU a command here,
#: +40 % of an `exposure --date` (docs/exposure.md).
CLI_ENV = {k: v for k, v in ENV.items() if k != "PYTHONDONTWRITEBYTECODE"}


def cli(*args: str) -> tuple[float, str]:
    t = time.perf_counter()
    res = subprocess.run([*CLI, *args], env=CLI_ENV, capture_output=True, text=True, check=True)
    return time.perf_counter() - t, res.stdout


def cli_median(*args: str, runs: int = 3) -> tuple[float, str]:
    """Median wall time of ``runs`` CLI runs (a single run on a shared machine varies ~1.5x)."""
    res = [cli(*args) for _ in range(runs)]
    return sorted(t for t, _ in res)[runs // 2], res[0][1]


def clear_cache(ws: Workspace) -> None:
    ws.store.delete(GROUND_DISTANCES, {})
    exposure_cache.GROUNDS.clear()


class PeakMemory:
    """Peak of the summed resident memory of this process and its children (sampled)."""

    def __init__(self) -> None:
        import psutil

        self.proc, self.peak, self._stop = psutil.Process(), 0, threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            total = 0
            for p in [self.proc, *self.proc.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(0.2)

    def __enter__(self) -> PeakMemory:  # noqa: PYI034
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()


def bench_main(a: argparse.Namespace, tmp: Path) -> None:
    t = time.perf_counter()
    h = generate_history(days=a.days, vertices=a.vertices, sites=a.sites, seed=a.seed)
    days = h.dates()
    opp = [h.geometry("opp", d) for d in days]
    sdf = [h.geometry("sdf", d) for d in days]
    distinct = len({id(g) for g in opp})
    verts = int(np.mean([shapely.get_num_coordinates(g) for g in opp]))
    gj = tmp / "control.geojson"
    gj.write_text(json.dumps(h.control_geojson()))
    print(f"data: {len(days)} daily snapshots ({distinct} distinct), ~{verts} vertices/day, "
          f"{len(h.facilities)} sites, {gj.stat().st_size / 1e6:.0f} MB GeoJSON "
          f"(generated in {time.perf_counter() - t:.1f} s)", flush=True)

    # Naive loop: every site, every day, both factions' ground (hostile: opp only; we store
    # both, so the naive reference measures the hostile one only: in its favour).
    t = time.perf_counter()
    naive = {f.id: naive_site(f, opp) for f in h.facilities}
    t_naive_all = time.perf_counter() - t
    t_naive_site = t_naive_all / len(h.facilities)
    t_naive_day = t_naive_site / len(days)
    print(f"naive loop: {t_naive_all:.1f} s for {len(h.facilities)} sites x {len(days)} days "
          f"({t_naive_site:.2f} s per site, {1000 * t_naive_day:.2f} ms per site-day)", flush=True)

    # 4. import, then materialization.
    ws = workspace(tmp / "ws", h)
    t = time.perf_counter()
    import_file(ws, "control", gj, distances=False)
    t_import = time.perf_counter() - t
    t = time.perf_counter()
    n = materialize(ws.store, ws.facilities())
    t_mat = time.perf_counter() - t
    print(f"import control {t_import:.1f} s; materializing {n} rows ({len(h.facilities)} sites "
          f"x distinct grounds) {t_mat:.1f} s = {100 * t_mat / t_import:.0f} % of the import",
          flush=True)
    ROWS.append((f"materialize {len(h.facilities)} sites during import", f"{t_mat:.1f} s",
                 f"import {t_import:.1f} s", f"+{100 * t_mat / t_import:.0f} % (goal <= 100 %)"))
    # Accuracy of the cache against the naive loop (whose planar AEQD error is small).
    sd = exposure_cache.snapshot_grounds(ws.store)
    rows = exposure_cache.ensure_distances(ws.store, ws.facilities(), sd.values())
    diff = [abs(rows[(f.id, sd[d].grounds["opp"])].distance_m / 1000 - naive[f.id][i])
            for f in h.facilities for i, d in enumerate(days)]
    print(f"|cache - naive|: max {1000 * max(diff):.1f} m, median {1000 * float(np.median(diff)):.2f} m",
          flush=True)

    # 1. timeline for one site, CLI included, cache filled.
    site = h.facilities[3].id
    import compileall

    compileall.compile_dir(str(Path(__file__).resolve().parents[1] / "src"), quiet=1)
    cli("--help")  # the first run of a fresh checkout compiles its bytecode: not start-up
    t_cli0, _ = cli("--help")
    t_tl, out = cli_median("exposure", "timeline", "--site", site, "-w", str(tmp / "ws"), "--json")
    assert len(json.loads(out)["series"]) == len(days)
    report(f"`exposure timeline` one site x {len(days)} days, cache filled (CLI, median of 3, "
           f"start-up {t_cli0:.2f} s incl.)", t_tl, t_naive_site, " (goal >= 10x)")
    ws.store.delete(GROUND_DISTANCES, {"site": site})
    t_tl_cold, _ = cli("exposure", "timeline", "--site", site, "-w", str(tmp / "ws"), "--json")
    report("`exposure timeline` one new site (its rows computed, CLI incl.)", t_tl_cold,
           t_naive_site, " (goal >= 1x)")

    # 2. every site, every day, empty cache, in-process.
    clear_cache(ws)
    t = time.perf_counter()
    exposure_series(ws, ws.facilities(), days)
    t_all = time.perf_counter() - t
    report(f"{len(h.facilities)} sites x {len(days)} days from an empty cache (in-process)",
           t_all, t_naive_all, " (goal >= 1x)")
    t = time.perf_counter()
    exposure_series(ws, ws.facilities(), days)
    report(f"{len(h.facilities)} sites x {len(days)} days again (cache filled, in-process)",
           time.perf_counter() - t, t_naive_all)

    # 3. one date.
    day = days[len(days) // 2 + 7]
    clear_cache(ws)
    t = time.perf_counter()
    exposure_series(ws, ws.facilities(), [day])
    t_day = time.perf_counter() - t
    report(f"one date, {len(h.facilities)} sites, empty cache (in-process)", t_day,
           3 * t_naive_day * len(h.facilities), " vs 3 naive single-day per site (goal >= 1x)")
    materialize(ws.store, ws.facilities())
    # Reach histories kept in the store (queries/reach_kept.py): what the CLI import does
    # after the materialization, timed here in-process against the import.
    from basewatch.queries import reach_kept
    from basewatch.store.reach_cache import REACH_HISTORY

    reach_kept._KEPT.clear()
    with ws.store.transaction():
        ws.store.delete(REACH_HISTORY, {})
    t = time.perf_counter()
    reach_kept.keep_all(ws)
    t_keep = time.perf_counter() - t
    ROWS.append((f"keep {len(h.facilities)} sites' reach histories after the import",
                 f"{t_keep:.2f} s", f"import {t_import:.1f} s",
                 f"+{100 * t_keep / t_import:.1f} %"))
    print(f"keeping the reach histories: {t_keep:.2f} s", flush=True)
    with ws.store.transaction():
        ws.store.delete(REACH_HISTORY, {})  # the CLI's first call below keeps them again
    ws.close()
    one = 3 * t_naive_day * len(h.facilities)
    t_date0, _ = cli("exposure", "--date", day.isoformat(), "-w", str(tmp / "ws"), "--json")
    report(f"`exposure --date D` nothing kept (CLI incl. start-up; evaluates all {len(days)} "
           "dates and keeps them)", t_date0, one, " vs 3 naive single-day per site")
    t_date, _ = cli_median("exposure", "--date", day.isoformat(), "-w", str(tmp / "ws"), "--json")
    report("`exposure --date D` histories kept in the store (CLI incl. start-up, median of 3)",
           t_date, one, " vs 3 naive single-day per site")
    t_date2, _ = cli_median("exposure", "--date", days[-3].isoformat(), "-w", str(tmp / "ws"),
                            "--json")
    report("`exposure --date D'` another date, histories kept (CLI, median of 3)",
           t_date2, one, " vs 3 naive single-day per site")
    import httpx

    def timed(c: httpx.Client, url: str, params: dict[str, str]) -> tuple[float, int]:
        t = time.perf_counter()
        r = c.get(url, params=params, timeout=600)
        r.raise_for_status()
        return time.perf_counter() - t, len(r.content)

    with serving(tmp / "ws") as (base, _), httpx.Client() as c:
        timed(c, f"{base}/dates", {})  # connection up
        for label, d in (("first call", day), ("another date, first call", days[-3]),
                         ("a third date, first call", days[len(days) // 4])):
            el, _ = timed(c, f"{base}/exposure", {"date": d.isoformat()})
            report(f"API /exposure?date= {label} of the server, histories kept in the store (loopback HTTP)", el, one,
                   " vs 3 naive single-day per site")
        reps = sorted(timed(c, f"{base}/exposure", {"date": day.isoformat()})[0] for _ in range(9))
        report("API /exposure?date= repeated (median of 9)", reps[4], one,
               f" (goal < 20 ms: {reps[4] * 1000:.0f} ms)")
        for label in ("first call", "repeated"):
            el, size = timed(c, f"{base}/control/display", {"date": day.isoformat()})
            full_el, full_size = timed(c, f"{base}/control", {"date": day.isoformat()})
            ROWS.append((f"API /control/display?date= (slider layer, 100 m) {label}",
                         f"{el * 1000:.0f} ms, {size / 1e3:.0f} kB",
                         f"/control {full_el * 1000:.0f} ms, {full_size / 1e3:.0f} kB", "-"))
        del sdf


def bench_batch(a: argparse.Namespace, tmp: Path) -> None:
    from basewatch.batch import cluster_client
    from basewatch.sources.batch_distances import batch_distances

    h = generate_history(days=a.batch_days, vertices=a.vertices, sites=1, seed=a.seed)
    rng = np.random.default_rng(a.seed)
    lon = rng.uniform(35.0, 41.5, a.batch_sites)
    lat = rng.uniform(32.5, 38.5, a.batch_sites)
    facs = [Facility(f"f{i:05d}", f"F{i}", "gov", FacilityType.POINT, round(float(x), 6),
                     round(float(y), 6), h.facilities[0].provenance)
            for i, (x, y) in enumerate(zip(lon, lat, strict=True))]
    gj = tmp / "batch.geojson"
    gj.write_text(json.dumps(h.control_geojson()))
    ws = workspace(tmp / "batch", h, facs)
    import_file(ws, "control", gj, distances=False)
    sample = facs[:: max(len(facs) // 20, 1)][:20]
    opp = [h.geometry("opp", d) for d in h.dates()]
    t = time.perf_counter()
    for f in sample:
        naive_site(f, opp)
    per = (time.perf_counter() - t) / (len(sample) * len(opp))
    naive_total = per * len(facs) * len(opp)
    done: list[int] = []
    with PeakMemory() as mem:
        t = time.perf_counter()
        with cluster_client(workers=2) as client:
            res = batch_distances(ws, client, facs, on_done=lambda k, ok, n: done.append(1))
        wall = time.perf_counter() - t
    print(f"batch: {len(facs)} facilities x {len(opp)} snapshots: {wall:.0f} s wall "
          f"({res.seconds}), {res.rows} rows, {res.grounds} grounds, peak {mem.peak / 2**30:.2f} "
          f"GiB (all processes); naive {per * 1000:.2f} ms per site-day -> {naive_total:.0f} s",
          flush=True)
    ROWS.append((f"batch {len(facs)} facilities x {len(opp)} snapshots (Dask, 2 workers)",
                 f"{wall:.0f} s, peak {mem.peak / 2**30:.2f} GiB", (f"{naive_total:.0f} s (scaled "
                                                                     "from a 20-site sample)"), f"{naive_total / wall:.1f}x (goal: 10 min, 4 GiB)"))
    ws.close()


def bench_postgis(a: argparse.Namespace, tmp: Path) -> None:
    from basewatch.store.pgserver import PgServer, has_postgis, pg_bindir

    bindir = pg_bindir()
    if bindir is None or not has_postgis(bindir):
        print("PostGIS: not installed here; skipped")
        return
    h = generate_history(days=a.days, vertices=a.vertices, sites=a.sites, seed=a.seed)
    root = Path(tempfile.mkdtemp(prefix="basewatch-pg-"))
    server = PgServer(bindir, root)
    server.start()
    try:
        url = server.new_database()
        ws = Workspace(tmp / "pgws", create=True, store_url=url)
        with ws.store.transaction():
            ws.store.put(FACTIONS, h.factions)
            ws.store.put(RELATIONS, h.relations)
            ws.store.put(FACILITIES, h.facilities)
        gj = tmp / "control.geojson"
        t = time.perf_counter()
        import_file(ws, "control", gj, distances=False)
        t_import = time.perf_counter() - t
        t = time.perf_counter()
        materialize(ws.store, ws.facilities())
        t_mat = time.perf_counter() - t
        lons = [f.lon for f in h.facilities]
        lats = [f.lat for f in h.facilities]
        out = {}
        for label, sph in (("sphere", "false"), ("spheroid", "true")):
            sql = (f"SELECT s.i, c.date, ST_Distance(geography(c.geom), geography(ST_SetSRID("
                   f"ST_MakePoint(s.lon, s.lat), 4326)), {sph}) FROM control_areas c, unnest("
                   "CAST(:lons AS float8[]), CAST(:lats AS float8[])) WITH ORDINALITY AS s(lon, lat, i)"
                   " WHERE c.faction = 'opp' ORDER BY 1, 2")
            t = time.perf_counter()
            rows = ws.store.execute(sql, {"lons": lons, "lats": lats})  # type: ignore[attr-defined]
            out[label] = (time.perf_counter() - t, rows)
        sd = exposure_cache.snapshot_grounds(ws.store)
        t = time.perf_counter()
        cached = exposure_cache.ensure_distances(ws.store, ws.facilities(), sd.values())
        t_read = time.perf_counter() - t
        for label, (secs, rows) in out.items():
            err = [abs(float(d) - cached[(h.facilities[int(i) - 1].id, sd[day].grounds["opp"])]
                       .distance_m) for i, day, d in rows]
            what = f"PostGIS ST_Distance(geography, {label}) {len(lons)} sites x {len(sd)} days"
            ROWS.append((what, f"{secs:.2f} s",
                         f"cache read {t_read:.2f} s",
                         f"error vs exact: median {np.median(err):.1f} m, max {max(err):.0f} m"))
            print(ROWS[-1], flush=True)
        ROWS.append(("PostGIS store: import control / materialize", f"{t_import:.1f} s",
                     f"{t_mat:.1f} s", f"+{100 * t_mat / t_import:.0f} %"))
        ws.close()
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=769)
    ap.add_argument("--vertices", type=int, default=3000)
    ap.add_argument("--sites", type=int, default=12)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--batch-sites", type=int, default=10_000)
    ap.add_argument("--batch-days", type=int, default=365)
    ap.add_argument("--no-batch", action="store_true")
    ap.add_argument("--no-postgis", action="store_true")
    ap.add_argument("--only-batch", action="store_true")
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-history-"))
    try:
        if not a.only_batch:
            bench_main(a, tmp)
        if not a.no_postgis and not a.only_batch:
            bench_postgis(a, tmp)
        if not a.no_batch:
            bench_batch(a, tmp)
    finally:
        print("\n| figure | basewatch | naive shapely+pyproj loop | ratio |\n|---|---|---|---|")
        for r in ROWS:
            print("| " + " | ".join(r) + " |")
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
