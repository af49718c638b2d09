"""Benchmark of `basewatch batch`: the single process vs Dask with 1 and 2 worker processes.

- flights: N seeded synthetic positions (bench_flights' generator) in a workspace; the single
  process is ``refresh_events`` (what ``flights import`` runs), the batch is ``batch_flights``
  (partition by aircraft, one task per partition); the events must be identical;
- imagery: S site-dates, each a synthetic Sentinel-2 scene over the demo's Tartus basin on a
  loopback STAC API; the single process is ``imagery process`` once per site-date, the batch is
  ``batch_imagery``; the stored counts must be identical.

Then the data are doubled (2N positions, 2S site-dates). Time is wall clock (cluster start-up
excluded, reported apart); memory is the peak RSS of the process doing the work (for Dask, the
largest worker; the driver's own peak is printed too).

Run: python benchmarks/bench_batch.py [--positions 2000000] [--site-dates 100] [--no-double]
     python benchmarks/bench_batch.py --positions 10000000   # the issue's 10 million
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from basewatch.store import Workspace
from basewatch.store.flights import AIRFIELDS, FLIGHT_EVENTS, write_positions


def _rss_mb() -> float:
    """Peak resident memory of this process (VmHWM: reset by exec, so a spawned worker's own
    peak; ru_maxrss would carry the parent's peak at fork)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cluster(n: int) -> Any:
    import dask
    from distributed import Client, LocalCluster

    with dask.config.set({"distributed.scheduler.worker-saturation": 1.0}):
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                               dashboard_address=":0", silence_logs=logging.ERROR)
    return cluster, Client(cluster)


def _worker_peak(client: Any) -> float:
    return max(client.run(_rss_mb).values())


# --- flights ---------------------------------------------------------------------------------

def flights_ws(folder: Path, n: int, seed: int) -> int:
    from bench_flights import synthetic

    table, fields, _ = synthetic(n, 20, seed)
    with Workspace(folder, create=True) as ws:
        ws.store.put(AIRFIELDS, fields)
    write_positions(folder, "bench", table)
    return table.num_rows


def _single_flights(folder: str) -> tuple[list[dict[str, Any]], float]:
    from basewatch.sources.flights_ingest import refresh_events

    with Workspace(folder) as ws:
        return [e.to_dict() for e in refresh_events(ws)], _rss_mb()


def bench_flights(n: int, seed: int, parts: int) -> dict[str, float]:
    from basewatch.sources.batch_jobs import batch_flights

    folder = Path(tempfile.mkdtemp(prefix="bw-bench-batch-"))
    rows = flights_ws(folder, n, seed)
    out: dict[str, float] = {"rows": rows}
    # the single process, in a fresh worker process so that its peak RSS is its own
    cluster, client = _cluster(1)
    t = time.perf_counter()
    single, out["single_mb"] = client.submit(_single_flights, str(folder)).result()
    out["single_s"] = time.perf_counter() - t
    client.close()
    cluster.close()
    for w in (1, 2):
        t = time.perf_counter()
        cluster, client = _cluster(w)
        out[f"start{w}_s"] = time.perf_counter() - t
        with Workspace(folder) as ws:
            ws.store.delete(FLIGHT_EVENTS, {})
            t = time.perf_counter()
            res = batch_flights(ws, client, partitions=parts, retries=0)
            out[f"dask{w}_s"] = time.perf_counter() - t
            out.update({f"dask{w}_{k}_s": v for k, v in res.seconds.items()})
            got = [e.to_dict() for e in ws.store.select(FLIGHT_EVENTS)]
        out[f"dask{w}_mb"] = _worker_peak(client)
        client.close()
        cluster.close()
        assert res.ok, res.outcome.failures
        key = lambda d: (d["time"], d["hex"], d["kind"])
        assert sorted(got, key=key) == sorted(single, key=key), "batch differs from single"
    out["events"] = len(single)
    shutil.rmtree(folder, ignore_errors=True)
    return out


# --- imagery ---------------------------------------------------------------------------------

def imagery_setup(root: Path, n: int) -> tuple[Path, Any, list[dt.date]]:
    """A demo workspace and a loopback STAC API with one Sentinel-2 scene a day over Tartus."""
    from basewatch.demo.build import build_demo
    from basewatch.demo.imagery_scenes import SceneSpec, generate_scene
    from basewatch.demo.stac_server import LoopbackStac
    from basewatch.store.imagery import site_areas

    ws_dir = root / "ws"
    build_demo(ws_dir)
    with Workspace(ws_dir) as ws:
        basin = next(a for a in site_areas(ws.store, "tartus") if a.kind == "water")
    scenes = root / "scenes"
    scenes.mkdir()
    srv = LoopbackStac(scenes)
    day0 = dt.date(2023, 1, 1)
    days = [day0 + dt.timedelta(days=i) for i in range(n)]
    items = []
    for i, d in enumerate(days):
        t = dt.datetime(d.year, d.month, d.day, 8, 25, tzinfo=dt.UTC)
        fleet = (("frigate", 130.0), ("small", 30.0)) if i % 3 else ()
        items.append(generate_scene(SceneSpec("sentinel-2-l2a", t, fleet=fleet), basin.geometry,
                                    scenes, srv.url, seed=1000 + i)[0])
    srv.items = items
    return ws_dir, srv, days


def _counts(folder: Path) -> list[dict[str, Any]]:
    from basewatch.store.imagery import IMAGERY_COUNTS

    with Workspace(folder) as ws:
        return [c.to_dict() for c in ws.store.select(IMAGERY_COUNTS)
                if c.method.value == "detector"]


def _single_imagery(folder: str, days: list[dt.date], url: str) -> float:
    from basewatch.sources.batch_jobs import imagery_site_date
    from basewatch.store.imagery import IMAGERY_COUNTS, IMAGERY_SCENES, site_areas

    # what `imagery process` does for each date, one after the other in one process
    with Workspace(folder) as ws:
        areas = site_areas(ws.store, "tartus")
        foot = areas[0].geometry
        for a in areas[1:]:
            foot = foot.union(a.geometry)
        for d in days:
            r = imagery_site_date("tartus", d, areas, foot, url)
            with ws.store.transaction():
                ws.store.put(IMAGERY_SCENES, r.scenes)
                ws.store.put(IMAGERY_COUNTS, r.counts)
    return _rss_mb()


def bench_imagery(n: int) -> dict[str, float]:
    from basewatch.sources.batch_jobs import batch_imagery

    root = Path(tempfile.mkdtemp(prefix="bw-bench-img-"))
    ws_dir, srv, days = imagery_setup(root, n)
    out: dict[str, float] = {}
    with srv:
        single = root / "single"
        shutil.copytree(ws_dir, single)
        cluster, client = _cluster(1)
        t = time.perf_counter()
        out["single_mb"] = client.submit(_single_imagery, str(single), days, srv.url).result()
        out["single_s"] = time.perf_counter() - t
        client.close()
        cluster.close()
        want = _counts(single)
        for w in (1, 2):
            dst = root / f"dask{w}"
            shutil.copytree(ws_dir, dst)
            cluster, client = _cluster(w)
            with Workspace(dst) as ws:
                t = time.perf_counter()
                res = batch_imagery(ws, client, ["tartus"], days, srv.url, retries=0)
                out[f"dask{w}_s"] = time.perf_counter() - t
            out.update({f"dask{w}_{k}_s": v for k, v in res.seconds.items()})
            out[f"dask{w}_mb"] = _worker_peak(client)
            client.close()
            cluster.close()
            assert res.ok, res.outcome.failures
            assert _counts(dst) == want, "batch differs from single"
    out["counts"] = len(want)
    shutil.rmtree(root, ignore_errors=True)
    return out


def _report(what: str, results: list[tuple[int, dict[str, float]]]) -> None:
    print(f"\n{what}: {'size':>10} {'single s':>9} {'1 worker s':>11} {'2 workers s':>12} "
          f"{'2w/1w':>6} {'single MB':>10} {'1w MB':>7} {'2w MB':>7}")
    for size, r in results:
        print(f"{'':<{len(what) + 1}} {size:>10,} {r['single_s']:>9.2f} {r['dask1_s']:>11.2f} "
              f"{r['dask2_s']:>12.2f} {r['dask2_s'] / r['dask1_s']:>5.2f}x {r['single_mb']:>10.0f} "
              f"{r['dask1_mb']:>7.0f} {r['dask2_mb']:>7.0f}")
    for size, r in results:
        parts = ", ".join(f"{k} {r[f'dask{w}_{k}_s']:.2f} s" for w in (1, 2)
                          for k in ("partition", "tasks", "write") if f"dask{w}_{k}_s" in r)
        print(f"  {size:,}: where the batch time goes (1 worker, then 2): {parts}")
    if len(results) == 2:
        (_, a), (_, b) = results
        print(f"  doubling: time x{b['dask2_s'] / a['dask2_s']:.2f} (2 workers), "
              f"x{b['single_s'] / a['single_s']:.2f} (single); peak worker memory "
              f"x{b['dask2_mb'] / a['dask2_mb']:.2f} (2 workers), x{b['single_mb'] / a['single_mb']:.2f} (single)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--positions", type=int, default=2_000_000)
    ap.add_argument("--partitions", type=int, default=8)
    ap.add_argument("--site-dates", type=int, default=100)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-double", action="store_true")
    ap.add_argument("--only", choices=("flights", "imagery"))
    a = ap.parse_args()
    mult = [1] if a.no_double else [1, 2]
    if a.only != "imagery":
        res = [(a.positions * m, bench_flights(a.positions * m, a.seed, a.partitions)) for m in mult]
        _report("flights (positions)", res)
        print(f"  {res[0][1]['events']:.0f} events, identical in all runs; local cluster start "
              f"{res[0][1]['start1_s']:.1f} s (1 worker), {res[0][1]['start2_s']:.1f} s (2)")
    if a.only != "flights":
        res = [(a.site_dates * m, bench_imagery(a.site_dates * m)) for m in mult]
        _report("imagery (site-dates)", res)
        print(f"  {res[0][1]['counts']:.0f} detector counts, identical in all runs")
    print(f"driver peak RSS {_rss_mb():.0f} MB; cores: {__import__('os').cpu_count()}")


if __name__ == "__main__":
    main()
