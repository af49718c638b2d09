"""Benchmark: "never slower than the naive loop for any number of sites or days" (issue 20).

`bench_history.py` measures the headline figures (one site over the whole series, 12 sites,
one date). This one sweeps the two sizes: for every (sites, days) pair it asks basewatch for
the exposure of that many sites on that many dates **from an empty cache** (nothing
materialized, no prepared ground kept in the process: the worst case, a question never asked
before) and runs the naive loop on the same sites and dates in the same run: what an analyst
would script with shapely and pyproj (project each day's already parsed MultiPolygon to an
azimuthal equidistant projection centred on the site, ask shapely for the distance). Parsing
the GeoJSON is left out of the naive figure, and basewatch reads its grounds from the store:
both in the naive loop's favour. Dates are spread evenly over the series.

The ratio is naive / basewatch (> 1: basewatch faster); each figure is the least of REPEAT
runs on this shared machine. In-process: CLI start-up is not part of this sweep (it is in
`bench_history.py`'s timeline figure).

Run: python benchmarks/bench_history_sweep.py [--days 769] [--vertices 3000]
     [--sites 1,3,12,48] [--dates 1,7,30,769] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_history import clear_cache, naive_site, workspace

from basewatch.demo.history_gen import generate_history
from basewatch.queries.exposure import exposure_series
from basewatch.sources.importing import import_file


def spread(seq: list, k: int) -> list:
    """k items spread evenly over seq (all of it when k >= len(seq))."""
    if k >= len(seq):
        return list(seq)
    return [seq[i] for i in np.linspace(0, len(seq) - 1, k).round().astype(int)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=769)
    ap.add_argument("--vertices", type=int, default=3000)
    ap.add_argument("--sites", default="1,3,12,48")
    ap.add_argument("--dates", default="1,7,30,769")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    site_counts = [int(x) for x in a.sites.split(",")]
    date_counts = [int(x) for x in a.dates.split(",")]

    h = generate_history(days=a.days, vertices=a.vertices, sites=max(site_counts), seed=a.seed)
    days = h.dates()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        gj = tmp / "control.geojson"
        gj.write_text(json.dumps(h.control_geojson()))
        ws = workspace(tmp / "ws", h)
        import_file(ws, "control", gj, distances=False)
        print(f"data: {len(days)} daily snapshots, {len(h.facilities)} sites, "
              f"{gj.stat().st_size / 1e6:.0f} MB GeoJSON; least of {a.repeat} runs each",
              flush=True)
        by_day = {day: h.geometry("opp", day) for day in days}
        rows = []
        for ns in site_counts:
            sites = h.facilities[:ns]
            for nd in date_counts:
                dates = spread(days, nd)
                geoms = [by_day[day] for day in dates]
                ours, naive = [], []
                for _ in range(a.repeat):
                    clear_cache(ws)
                    t = time.perf_counter()
                    exposure_series(ws, sites, dates)
                    ours.append(time.perf_counter() - t)
                    t = time.perf_counter()
                    for f in sites:
                        naive_site(f, geoms)
                    naive.append(time.perf_counter() - t)
                o, n = min(ours), min(naive)
                rows.append((ns, len(dates), o, n))
                print(f"{ns:>4} sites x {len(dates):>4} dates: basewatch {o:.3f} s, naive "
                      f"{n:.3f} s, {n / o:.1f}x", flush=True)
        ws.close()
    print("\n| sites | dates | basewatch, empty cache | naive loop | naive / basewatch |")
    print("|---|---|---|---|---|")
    for ns, nd, o, n in rows:
        print(f"| {ns} | {nd} | {o:.3f} s | {n:.3f} s | {n / o:.1f}x |")
    worst = min(rows, key=lambda r: r[3] / r[2])
    print(f"\nworst: {worst[0]} sites x {worst[1]} dates, {worst[3] / worst[2]:.2f}x "
          f"({'never slower' if worst[3] >= worst[2] else 'SLOWER than the naive loop'})")


if __name__ == "__main__":
    main()
