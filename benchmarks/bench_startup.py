"""Benchmark of CLI start-up: how long `basewatch --help` and each command's `--help` take.

A command's `--help` parses its options and stops: it is the cost of *starting* that command,
before any work. Timed in the same run, each as the best of --repeat fresh processes:

- `python -c pass` (the floor of any Python program) and `python -c "import typer"` (the floor
  of any Typer CLI);
- eager: importing every command module, as `basewatch` did before its commands loaded lazily;
- `basewatch --help`, `basewatch version`, and `basewatch CMD --help` for every command.

Run: python benchmarks/bench_startup.py [--repeat 5] [--commands import,control,...]
Prints a table (seconds, and the ratio to `python -c pass` and to the eager start-up).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_once(args: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "100"}
    t = time.perf_counter()
    r = subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - t
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {r.stderr.decode()[-500:]}")
    return elapsed


def best_of(cases: list[tuple[str, list[str]]], repeat: int) -> list[tuple[str, float]]:
    """Best time of each case; the cases take turns, so a busy moment hits them all alike."""
    best = {label: float("inf") for label, _ in cases}
    for _ in range(repeat):
        for label, args in cases:
            best[label] = min(best[label], run_once(args))
    return list(best.items())


def main() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from basewatch.cli.main import COMMANDS

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--commands", default=",".join(COMMANDS))
    a = ap.parse_args()
    py = sys.executable
    modules = sorted({target.split(":")[0] for target, _ in COMMANDS.values()}
                     - {"basewatch.cli.main"})
    cases: list[tuple[str, list[str]]] = [
        ("python -c pass", [py, "-c", "pass"]),
        ("python -c 'import typer'", [py, "-c", "import typer"]),
        ("eager: import every command module",
         [py, "-c", "; ".join(f"import {m}" for m in modules)]),
        ("basewatch --help", [py, "-m", "basewatch", "--help"]),
        ("basewatch version", [py, "-m", "basewatch", "version"]),
    ]
    cases += [(f"basewatch {name} --help", [py, "-m", "basewatch", name, "--help"])
              for name in a.commands.split(",")]
    rows = best_of(cases, a.repeat)
    floor, eager = rows[0][1], rows[2][1]
    print(f"{'start-up (best of ' + str(a.repeat) + ')':<44} {'s':>7} {'x pass':>8} "
          f"{'x eager':>8}")
    for label, t in rows:
        print(f"{label:<44} {t:7.3f} {t / floor:8.1f} {t / eager:8.2f}")


if __name__ == "__main__":
    main()
