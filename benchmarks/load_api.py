"""Load and soak test of the API: mixed reads and authenticated writes on loopback.

Builds the demo workspace, issues an analyst token with `basewatch tokens create`, starts
`basewatch serve` on 127.0.0.1 and drives it with CLIENTS concurrent httpx clients for
--duration seconds (or --soak: 10 minutes), at most --max-requests requests. Reads are the
dashboard's and analysts' GETs over dates of the demo; writes are tripwire adds and removes,
source grades and facility-file uploads (all with the bearer token). Prints errors and
p50/p95 per endpoint and the server's resident memory (RSS, from /proc) over time.

Run: python benchmarks/load_api.py [--duration 60] [--clients 8] [--soak]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _serve import CLI, ENV, serving

DATES = [f"2024-{m}-{d:02d}" for m, d in [("11", 27), ("11", 28), ("11", 29), ("11", 30)]
         + [("12", k) for k in range(1, 9)]]
HEADER = ("id,name,aliases,operator,type,lon,lat,region,country,valid_from,source,source_url,"
          "source_date,location_precision,date_precision\n")
SITES = 40  # uploads cycle over this many made-up rows: the store stays bounded in a soak


@dataclass
class Stats:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    rss: list[tuple[float, float]] = field(default_factory=list)  # (seconds, MiB)


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _ops(token: str) -> list[tuple[str, float, Callable[..., object], tuple[int, ...]]]:
    """(endpoint label, weight, request maker, accepted statuses)."""
    h = {"Authorization": f"Bearer {token}"}

    def upload(c: httpx.AsyncClient, r: random.Random) -> object:
        k = r.randrange(SITES)
        row = (f"load_{k},Load test site {k},,russia,checkpoint,{36 + k / 100:.2f},35.00,Homs,"
               f"Syria,2024-01-01,load test (synthetic),,2024-12-05,approximate,month\n")
        return c.post(f"/imports/facilities?filename=load_{k}.csv", content=HEADER + row,
                      headers=h)

    async def tripwire_cycle(c: httpx.AsyncClient, r: random.Random) -> httpx.Response:
        cond = f"distance < {r.randrange(10, 10_000)}"
        made = await c.post("/tripwires", json={"site": "tartus", "condition": cond}, headers=h)
        if made.status_code not in (200, 201):
            return made
        return await c.delete(f"/tripwires/{made.json()['id']}", headers=h)

    return [
        ("GET /dates", 10, lambda c, r: c.get("/dates"), (200,)),
        ("GET /facilities", 10, lambda c, r: c.get("/facilities"), (200,)),
        ("GET /facilities/{site}", 6, lambda c, r: c.get("/facilities/khmeimim"), (200,)),
        ("GET /control", 12, lambda c, r: c.get("/control", params={"date": r.choice(DATES)}),
         (200,)),
        ("GET /front", 4, lambda c, r: c.get("/front", params={"date": r.choice(DATES)}), (200,)),
        ("GET /inventory", 6, lambda c, r: c.get("/inventory", params={"date": r.choice(DATES)}),
         (200,)),
        ("GET /exposure", 4, lambda c, r: c.get("/exposure", params={
            "date": r.choice(DATES), "site": "khmeimim"}), (200,)),
        ("GET /alerts", 4, lambda c, r: c.get("/alerts"), (200,)),
        ("GET /tripwires", 4, lambda c, r: c.get("/tripwires"), (200,)),
        ("POST+DELETE /tripwires", 3, tripwire_cycle, (200,)),
        ("PUT /sources/{id}/grade", 3, lambda c, r: c.put(
            "/sources/hi-sutton/grade", json={"reliability": r.choice("ABC"),
                                              "credibility": r.randint(1, 3)}, headers=h),
         (200,)),
        ("POST /imports/facilities", 3, upload, (200,)),
    ]


async def _drive(base: str, token: str, pid: int, clients: int, duration_s: float,
                 max_requests: int, stats: Stats, sample_s: float) -> int:
    ops = _ops(token)
    weights = [w for _, w, _, _ in ops]
    deadline = time.perf_counter() + duration_s
    t_start = time.perf_counter()
    sent = 0

    async def client(seed: int) -> None:
        nonlocal sent
        rng = random.Random(seed)
        async with httpx.AsyncClient(base_url=base, timeout=60) as c:
            while time.perf_counter() < deadline and sent < max_requests:
                sent += 1
                label, _, make, ok = rng.choices(ops, weights)[0]
                t0 = time.perf_counter()
                try:
                    resp = await make(c, rng)  # type: ignore[misc]
                except httpx.HTTPError as exc:
                    stats.errors[label].append(type(exc).__name__)
                    continue
                stats.times[label].append(time.perf_counter() - t0)
                if resp.status_code not in ok:
                    stats.errors[label].append(f"{resp.status_code} {resp.text[:120]}")

    async def sampler() -> None:
        while time.perf_counter() < deadline and sent < max_requests:
            stats.rss.append((time.perf_counter() - t_start, _rss_mib(pid)))
            await asyncio.sleep(sample_s)
        stats.rss.append((time.perf_counter() - t_start, _rss_mib(pid)))

    await asyncio.gather(sampler(), *(client(k) for k in range(clients)))
    return sent


def _pct(xs: list[float], q: int) -> float:
    if len(xs) < 2:
        return xs[0] * 1000 if xs else float("nan")
    return statistics.quantiles(xs, n=100)[q - 1] * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--duration", type=float, default=60, help="seconds of load (default 60)")
    ap.add_argument("--soak", action="store_true", help="10 minutes (overrides --duration)")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--max-requests", type=int, default=200_000)
    args = ap.parse_args()
    duration = 600.0 if args.soak else args.duration
    stats = Stats()
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        subprocess.run([*CLI, "demo", "-w", str(ws)], env=ENV, check=True, capture_output=True)
        made = subprocess.run([*CLI, "tokens", "create", "--name", "load", "--role", "analyst",
                               "--json", "-w", str(ws)], env=ENV, check=True, capture_output=True,
                              text=True)
        token = json.loads(made.stdout)["token"]
        with serving(ws, wait_s=30) as (base, srv):
            # `serve` runs uvicorn in its own process (no workers): srv.pid is the server.
            rss0 = _rss_mib(srv.pid)
            print(f"{args.clients} clients for {duration:.0f} s (max {args.max_requests} "
                  f"requests); server RSS at start {rss0:.0f} MiB")
            t0 = time.perf_counter()
            sent = asyncio.run(_drive(base, token, srv.pid, args.clients, duration,
                                      args.max_requests, stats, 5.0 if duration <= 120 else 30.0))
            wall = time.perf_counter() - t0
    _report(stats, sent, wall)


def _report(stats: Stats, sent: int, wall: float) -> None:
    n_err = sum(len(v) for v in stats.errors.values())
    print(f"\n{sent} requests in {wall:.0f} s ({sent / wall:.0f}/s), errors: {n_err}\n")
    print("| endpoint | requests | errors | p50 | p95 |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label in sorted(stats.times, key=lambda k: -len(stats.times[k])):
        xs = stats.times[label]
        print(f"| `{label}` | {len(xs)} | {len(stats.errors.get(label, []))} | "
              f"{_pct(xs, 50):.1f} ms | {_pct(xs, 95):.1f} ms |")
    for label, errs in stats.errors.items():
        print(f"errors on {label}: {errs[:3]}")
    if stats.rss:
        rs = [m for _, m in stats.rss]
        half = [m for t, m in stats.rss if t >= stats.rss[-1][0] / 2]
        print("\nserver RSS MiB over time: " + ", ".join(f"{t:.0f}s {m:.0f}" for t, m in
                                                     stats.rss[:: max(1, len(stats.rss) // 12)]))
        print(f"RSS min {min(rs):.0f}, max {max(rs):.0f}, end {rs[-1]:.0f} MiB; second half "
              f"{min(half):.0f}..{max(half):.0f} MiB")


if __name__ == "__main__":
    main()
