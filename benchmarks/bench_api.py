"""API latency under bounded concurrency, against the CLI a user would otherwise script.

Builds the demo workspace, starts `basewatch serve` (uvicorn) on 127.0.0.1, and sends
REQUESTS GETs from CLIENTS concurrent httpx clients over loopback; prints p50/p95 per
endpoint, then the time of one `basewatch control at --json` run for the same answer and the
ratio. Run: python benchmarks/bench_api.py [--clients 8] [--requests 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
CLI = [sys.executable, "-c", "from basewatch.cli.main import main; main()"]
ENDPOINTS = ["/control?date=2024-12-05", "/front?date=2024-12-05", "/facilities",
             "/inventory?date=2024-12-05", "/dates"]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=200)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        subprocess.run([*CLI, "demo", "-w", str(ws)], env=ENV, check=True, capture_output=True)
        port = _port()
        base = f"http://127.0.0.1:{port}"
        srv = subprocess.Popen([*CLI, "serve", "-w", str(ws), "--port", str(port)], env=ENV,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    httpx.get(base + "/dates", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            print(f"{args.clients} concurrent clients, {args.requests} requests per endpoint")
            p50_control = 0.0
            for path in ENDPOINTS:
                xs = asyncio.run(_load(base, path, args.clients, args.requests))
                p50, p95 = _pct(xs, 50), _pct(xs, 95)
                if path.startswith("/control"):
                    p50_control = p50
                rps = len(xs) / max(sum(xs) / args.clients, 1e-9)
                print(f"  {path:32s} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  ~{rps:6.0f} req/s")
        finally:
            srv.terminate()
            srv.wait(10)
        runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            subprocess.run([*CLI, "control", "at", "--date", "2024-12-05", "--json", "-w",
                            str(ws)], env=ENV, check=True, capture_output=True)
            runs.append(time.perf_counter() - t0)
        cli_ms = statistics.median(runs) * 1000
        print(f"CLI `basewatch control at --json`: {cli_ms:.0f} ms per run (median of 3)")
        print(f"ratio CLI / API p50 for control on a date: {cli_ms / p50_control:.1f}x")


if __name__ == "__main__":
    main()
