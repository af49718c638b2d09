"""API latency under bounded concurrency, against the CLI a user would otherwise script.

Builds a workspace, starts `basewatch serve` (uvicorn) on 127.0.0.1, and sends REQUESTS GETs
per endpoint from CLIENTS concurrent httpx clients over loopback; prints p50/p95 per endpoint,
then the time of one `basewatch control at --json` run for the same answer and the ratio.

- default: the demo workspace, every read endpoint of the API (the site page's included);
- ``--scale``: bench_foundation's seeded synthetic workspace (10,000 facilities x 365 daily
  control snapshots by default) and the endpoints whose cost grows with it.

Run: python benchmarks/bench_api.py [--clients 20] [--requests 200] [--scale]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _serve import CLI, ENV, serving
from bench_foundation import START, build

DEMO = ["/control?date=2024-12-05", "/front?date=2024-12-05", "/facilities",
        "/inventory?date=2024-12-05", "/dates", "/control/changes?from=2024-11-27&to=2024-12-08",
        "/exposure?date=2024-12-04&site=khmeimim", "/rings?date=2024-12-05",
        "/reach?date=2024-12-05&against=russia", "/corridor?from=Tartus&to=Damascus&date=2024-12-04",
        "/corridor/route?from=Tartus&to=Damascus&date=2024-12-08",
        "/imagery/counts?site=tartus", "/flights/events?site=OSLK&date=2024-12-04",
        "/flights/daily?site=khmeimim", "/assessment?site=tartus&date=2024-12-05",
        "/claims?limit=50", "/alerts", "/sites/tartus/summary?to=2024-12-05"]


def scale_endpoints(days: int) -> list[str]:
    mid = (START + dt.timedelta(days=days // 2)).isoformat()
    end = (START + dt.timedelta(days=days - 1)).isoformat()
    return [f"/control?date={mid}", f"/control?date={end}", "/facilities?limit=100",
            f"/facilities?limit=100&offset=9000&date={mid}", f"/inventory?date={mid}",
            "/facilities/f1234", "/dates", f"/control/changes?from={START.isoformat()}&to={mid}"]


async def _load(base: str, path: str, clients: int, total: int) -> list[float]:
    times: list[float] = []
    sem = asyncio.Semaphore(clients)
    async with httpx.AsyncClient(base_url=base, timeout=60) as c:
        async def one() -> None:
            async with sem:
                t0 = time.perf_counter()
                r = await c.get(path)
                r.raise_for_status()
                times.append(time.perf_counter() - t0)
        await asyncio.gather(*(one() for _ in range(total)))
    return times


def _pct(xs: list[float], q: float) -> float:
    return statistics.quantiles(xs, n=100)[int(q) - 1] * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--scale", action="store_true", help="synthetic workspace instead of the demo")
    ap.add_argument("--facilities", type=int, default=10_000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--vertices", type=int, default=200)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        t0 = time.perf_counter()
        if args.scale:
            build(ws, args.facilities, args.days, args.vertices, 4, seed=7)
            endpoints, control_date = scale_endpoints(args.days), scale_endpoints(args.days)[0]
            what = f"{args.facilities} facilities x {args.days} days ({args.vertices}-vertex polygons)"
        else:
            subprocess.run([*CLI, "demo", "-w", str(ws)], env=ENV, check=True, capture_output=True)
            endpoints, control_date, what = DEMO, DEMO[0], "the demo workspace"
        print(f"{what}: built in {time.perf_counter() - t0:.0f} s")
        with serving(ws) as (base, _srv):
            print(f"{args.clients} concurrent clients, {args.requests} requests per endpoint")
            p50_control = 0.0
            for path in endpoints:
                xs = asyncio.run(_load(base, path, args.clients, args.requests))
                p50, p95 = _pct(xs, 50), _pct(xs, 95)
                if path == control_date:
                    p50_control = p50
                rps = len(xs) / max(sum(xs) / args.clients, 1e-9)
                print(f"  {path:58s} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  ~{rps:6.0f} req/s")
        day = control_date.split("=")[1]
        runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            subprocess.run([*CLI, "control", "at", "--date", day, "--json", "-w",
                            str(ws)], env=ENV, check=True, capture_output=True)
            runs.append(time.perf_counter() - t0)
        cli_ms = statistics.median(runs) * 1000
        print(f"CLI `basewatch control at --json`: {cli_ms:.0f} ms per run (median of 3)")
        print(f"ratio CLI / API p50 for control on a date: {cli_ms / p50_control:.1f}x")


if __name__ == "__main__":
    main()
