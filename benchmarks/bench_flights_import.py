"""Benchmark: importing N positions into a workspace, and importing the same file again.

    python benchmarks/bench_flights_import.py [--n 1000000] [--format parquet|csv] [--cli]

The seeded synthetic positions of ``bench_flights.py`` (every take-off known) are written
as a `traffic`-layout Parquet file (timestamp column with a zone) or an OpenSky CSV, then
``basewatch.sources.flights_ingest.import_positions`` runs in a fresh process per step
(read, clean, store as Parquet, detect events, count coverage) with its peak memory
(VmHWM) and whether it loaded pandas (the import path uses none). Whether two imports stored
the same results: ``compare_flights_import.py``. Against what a user would otherwise do to get the same positions stored: pandas
reading the file, dropping rows without a position, sorting by aircraft and time, splitting
each aircraft's rows into tracks at 15-minute gaps with a groupby, and writing Parquet (no
cleaning, no detection), in the same run. ``--cli`` also times the same import as the
command a user runs (``basewatch flights import FILE --json``, in a fresh process: the
command's own start-up and process settings included).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[0] / "src"))
sys.path.insert(0, str(HERE))


def _write(n: int, fmt: str, folder: Path) -> tuple[Path, int]:
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq
    from bench_flights import synthetic

    table, fields, _ = synthetic(n, 20, 7)
    t = table.column("time")
    if fmt == "parquet":
        out = pa.table({"timestamp": t.cast(pa.timestamp("ns", tz="UTC")),
                        "icao24": table.column("hex"), "latitude": table.column("lat"),
                        "longitude": table.column("lon"), "altitude": table.column("alt_ft"),
                        "groundspeed": table.column("gs_kt"), "track": table.column("track_deg"),
                        "onground": table.column("on_ground"),
                        "callsign": table.column("callsign")})
        path = folder / "positions.parquet"
        pq.write_table(out, path)
    else:
        secs = pa.array(np.asarray(t.cast(pa.int64())) // 1_000_000)
        out = pa.table({"time": secs, "icao24": table.column("hex"), "lat": table.column("lat"),
                        "lon": table.column("lon"),
                        "velocity": pa.compute.multiply(table.column("gs_kt"), 1852 / 3600),
                        "heading": table.column("track_deg"),
                        "baroaltitude": pa.compute.multiply(table.column("alt_ft"), 0.3048),
                        "onground": table.column("on_ground"),
                        "callsign": table.column("callsign")})
        path = folder / "states.csv"
        pcsv.write_csv(out, path)
    # the airfields, as OurAirports files the workspace imports
    (folder / "airports.csv").write_text(
        "ident,type,name,latitude_deg,longitude_deg,elevation_ft\n" + "".join(
            f"{a.ident},medium_airport,{a.name},{a.lat},{a.lon},0\n" for a in fields))
    (folder / "runways.csv").write_text(
        "airport_ident,closed,le_ident,le_latitude_deg,le_longitude_deg,le_heading_degT,"
        "he_ident,he_latitude_deg,he_longitude_deg,he_heading_degT\n" + "".join(
            f"{a.ident},0,{r.le_ident},{r.le_lat},{r.le_lon},{r.le_heading_deg},{r.he_ident},"
            f"{r.he_lat},{r.he_lon},{r.he_heading_deg}\n" for a in fields for r in a.runways))
    return path, n


def _child(step: str, ws: str, path: str) -> None:
    """One step in this (fresh) process; prints wall seconds, CPU seconds and peak MiB."""
    ru0 = resource.getrusage(resource.RUSAGE_SELF)
    cpu0 = ru0.ru_utime + ru0.ru_stime
    t0 = time.perf_counter()
    if step == "pandas":
        import pandas as pd

        df = (pd.read_parquet(path) if path.endswith(".parquet") else pd.read_csv(path))
        lat, lon = ("latitude", "longitude") if "latitude" in df else ("lat", "lon")
        ident = "icao24"
        tcol = "timestamp" if "timestamp" in df else "time"
        df = df.dropna(subset=[lat, lon]).sort_values([ident, tcol], kind="stable")
        # tracks per aircraft, split after 15 min without a position (as basewatch segments)
        gap = df.groupby(ident, observed=True)[tcol].diff()
        limit = pd.Timedelta(minutes=15) if tcol == "timestamp" else 900
        df["segment"] = ((gap > limit) | gap.isna()).cumsum()
        print(f"segments {df['segment'].iloc[-1]}", file=sys.stderr)
        df.to_parquet(Path(ws) / "pandas.parquet", compression="zstd")
    elif step == "cli":  # the command, in this process, its output (JSON) kept aside
        import contextlib
        import io
        import json

        from basewatch.cli.main import main as cli

        sys.argv = ["basewatch", "flights", "import", path, "-w", ws, "--json"]
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
            cli()
        print(f"events {json.loads(out.getvalue())['events']} (the command)", file=sys.stderr)
    else:
        from basewatch.sources.flights_ingest import import_airports, import_positions
        from basewatch.store import Workspace

        with Workspace(ws, create=True) as w:
            if step == "setup":
                import_airports(w, Path(path).parent / "airports.csv")
                import_airports(w, Path(path).parent / "runways.csv")
            else:
                rep = import_positions(w, path)
                parts = getattr(rep, "parts", 1)  # (older versions: no parts)
                print(f"events {rep.events} written {rep.written} parts {parts} "
                      f"pandas loaded {'pandas' in sys.modules}", file=sys.stderr)
    dt_s = time.perf_counter() - t0
    ru = resource.getrusage(resource.RUSAGE_SELF)  # all threads of this process
    cpu_s = ru.ru_utime + ru.ru_stime - cpu0
    peak = 0.0
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    print(f"{dt_s:.3f} {cpu_s:.3f} {peak:.0f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    ap.add_argument("--cli", action="store_true",
                    help="also import with the basewatch command into a second workspace")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path, n = _write(args.n, args.format, folder)
        ws = folder / "ws"
        env = dict(os.environ, PYTHONPATH=str(HERE.parents[0] / "src"))

        def run(step: str) -> tuple[float, float, float]:
            out = subprocess.run([sys.executable, __file__, "--child", step, str(ws), str(path)],
                                 capture_output=True, text=True, env=env, check=True)
            s, cpu, mib = out.stdout.split()
            if out.stderr.strip():
                print(f"  ({step}: {out.stderr.strip()})")
            return float(s), float(cpu), float(mib)

        def run_in(step: str, where: Path) -> tuple[float, float, float]:
            nonlocal ws
            ws, was = where, ws
            try:
                return run(step)
            finally:
                ws = was

        run("setup")
        imp, imp_cpu, imp_mib = run("import")
        again, again_cpu, again_mib = run("import")
        if args.cli:
            run_in("setup", folder / "ws_cli")
            cli, cli_cpu, cli_mib = run_in("cli", folder / "ws_cli")
        pd_s, pd_cpu, pd_mib = run("pandas")
        print(f"{n:,} positions ({args.format}, {path.stat().st_size / 1e6:.0f} MB), one process "
              f"per step (os.cpu_count() = {os.cpu_count()}, shared machine). Wall time waits "
              "for the CPU on a loaded machine; CPU time (all threads) is the per-core cost")
        print(f"  basewatch import (read, clean, store, detect, coverage): {imp:.2f} s wall = "
              f"{n / imp / 1e6:.2f} M positions/s; {imp_cpu:.2f} s CPU = "
              f"{n / imp_cpu / 1e6:.2f} M positions/CPU-s; peak {imp_mib:.0f} MiB")
        print(f"  same file again: {again:.2f} s wall, {again_cpu:.2f} s CPU (peak "
              f"{again_mib:.0f} MiB)")
        if args.cli:
            print(f"  the command (basewatch flights import FILE --json, start-up included): "
                  f"{cli:.2f} s wall, {cli_cpu:.2f} s CPU = {n / cli_cpu / 1e6:.2f} M "
                  f"positions/CPU-s; peak {cli_mib:.0f} MiB")
        print(f"  pandas read + dropna + sort + groupby segments + to_parquet (no cleaning, "
              f"no detection): {pd_s:.2f} s wall, {pd_cpu:.2f} s CPU = "
              f"{n / pd_cpu / 1e6:.2f} M/CPU-s, peak {pd_mib:.0f} MiB")
        print(f"  basewatch against pandas: speed {pd_s / imp:.2f}x wall, {pd_cpu / imp_cpu:.2f}x "
              f"CPU; memory {imp_mib / pd_mib:.2f}x")
        print(f"  load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
