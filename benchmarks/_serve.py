"""What the benchmarks that drive a live server share: run the CLI from this checkout, and
`basewatch serve` on a free loopback port, waited for until it answers, stopped after."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
CLI = [sys.executable, "-c", "from basewatch.cli.main import main; main()"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(ws: Path, wait_s: float = 20.0) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """(base URL, server process) of `basewatch serve -w ws` (uvicorn in that one process)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    srv = subprocess.Popen([*CLI, "serve", "-w", str(ws), "--port", str(port)], env=ENV,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                httpx.get(base + "/dates", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or srv.poll() is not None:
                    raise RuntimeError(f"basewatch serve did not answer on {base}") from None
                time.sleep(0.1)
        yield base, srv
    finally:
        srv.terminate()
        srv.wait(10)
