"""Benchmark: segmentation + take-off/landing detection on N synthetic positions.

    python benchmarks/bench_flights.py            # 1 million positions
    python benchmarks/bench_flights.py --n 10000000 --no-baseline

Compares basewatch (numpy/pyarrow, vectorised) with a plain pandas groupby implementation of
the same rules (what a user without basewatch would write), reports the agreement of the
events found, peak memory (ru_maxrss), and the Parquet vs CSV vs GeoPackage-row storage cost
behind the choice of Parquet for positions. Seeded: the same N gives the same data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from basewatch.analysis.flights import POSITION_SCHEMA, clean_positions, detect_events
from basewatch.analysis.geodesy import GEOD
from basewatch.model import Provenance, Source
from basewatch.model.flights import Airfield, Runway

PROV = Provenance(Source("benchmark"))
T0 = dt.datetime(2024, 12, 1, tzinfo=dt.UTC).timestamp()


def airfields(k: int, rng: np.random.Generator) -> list[Airfield]:
    out = []
    for i in range(k):
        lat, lon = rng.uniform(30, 55), rng.uniform(20, 50)
        hdg = float(rng.uniform(0, 180))
        a = GEOD.fwd(lon, lat, hdg + 180, 1400)
        b = GEOD.fwd(lon, lat, hdg, 1400)
        rw = Runway(f"{i}L", a[1], a[0], hdg, f"{i}H", b[1], b[0], hdg + 180, 9186)
        out.append(Airfield(f"AF{i:02d}", f"field {i}", lat, lon, PROV, runways=(rw,)))
    return out


def _template(n_air: int) -> tuple[np.ndarray, ...]:
    """Take-off in runway coordinates: 8 ground points 5 s apart, then climb-out 10 s apart."""
    t = np.r_[np.arange(8) * 5.0, 40 + np.arange(n_air) * 10.0]
    gs = np.r_[np.arange(8) * 17.5, np.minimum(140 + np.arange(n_air) * 8.0, 420)]
    along = np.r_[0, np.cumsum(gs[:-1] * 1852 / 3600 * np.diff(t))]
    alt = np.r_[np.full(8, np.nan), 100 + np.arange(n_air) * 250.0]
    ground = np.r_[np.ones(8, bool), np.zeros(n_air, bool)]
    return t, along, gs, alt, ground


def synthetic(n: int, k: int, seed: int) -> tuple[pa.Table, list[Airfield], int]:
    """~n positions: flights that take off from one field and half of them land at another."""
    rng = np.random.default_rng(seed)
    fields = airfields(k, rng)
    tt, along, gs, alt, ground = _template(120)
    per = 1.5 * len(tt)  # half the flights also land
    m = max(1, int(n // per))
    cols: dict[str, list[np.ndarray]] = {c: [] for c in
                                         ("t", "hex", "lat", "lon", "alt", "gs", "trk", "og")}
    truth = 0
    for f in range(m):
        a, b = fields[rng.integers(k)], fields[rng.integers(k)]
        ra, rb = a.runways[0], b.runways[0]
        start = T0 + f * 600.0 + rng.uniform(0, 300)
        hexv = np.full(len(tt), f"{f % 2000:06x}")
        # departure: from the low end along the runway heading
        lon, lat, _ = GEOD.fwd(np.full(len(tt), ra.le_lon), np.full(len(tt), ra.le_lat),
                               np.full(len(tt), ra.le_heading_deg), along)
        lands = f % 2 == 0
        parts = [(start + tt, lat, lon, alt, gs, np.full(len(tt), ra.le_heading_deg), ground)]
        truth += 1
        if lands:  # arrival at b: the template reversed, ending at b's low-end threshold
            hdg = rb.le_heading_deg
            lon2, lat2, _ = GEOD.fwd(np.full(len(tt), rb.le_lon), np.full(len(tt), rb.le_lat),
                                     np.full(len(tt), hdg + 180), along[::-1] + 2000)
            lon2, lat2, _ = GEOD.fwd(lon2, lat2, np.full(len(tt), hdg), np.full(len(tt), 2000.0))
            parts.append((start + 2 * 3600 + tt, np.asarray(lat2), np.asarray(lon2), alt[::-1],
                          gs[::-1], np.full(len(tt), hdg), ground[::-1]))
            truth += 1
        for p in parts:
            for c, v in zip(("t", "lat", "lon", "alt", "gs", "trk", "og"), p):
                cols[c].append(np.asarray(v))
            cols["hex"].append(hexv)
    og = np.concatenate(cols["og"])
    table = pa.table({
        "time": pa.array((np.concatenate(cols["t"]) * 1e6).astype(np.int64)).cast(
            pa.timestamp("us", tz="UTC")),
        "hex": pa.array(np.concatenate(cols["hex"]).astype(str)),
        "lat": np.concatenate(cols["lat"]), "lon": np.concatenate(cols["lon"]),
        "alt_ft": np.concatenate(cols["alt"]), "gs_kt": np.concatenate(cols["gs"]),
        "track_deg": np.concatenate(cols["trk"]) % 360, "on_ground": pa.array(og),
        "callsign": pa.nulls(len(og), pa.string()), "synthetic": pa.array(np.ones(len(og), bool)),
    }, schema=POSITION_SCHEMA)
    return table, fields, truth


def pandas_baseline(table: pa.Table, fields: list[Airfield]) -> set[tuple[str, int, str, str]]:
    """The same rules written the ordinary way: a groupby per aircraft and flight."""
    df = table.to_pandas()
    df = df.drop_duplicates(["hex", "time"]).sort_values(["hex", "time"])
    df["t"] = df["time"].astype("int64") / 1e6
    df["seg"] = ((df["hex"] != df["hex"].shift()) | (df["t"].diff() > 900)).cumsum()
    out = set()
    for _, g in df.groupby("seg"):
        ground = g["on_ground"].to_numpy(dtype=bool)
        for i in np.flatnonzero(ground[1:] != ground[:-1]) + 1:
            kind = "takeoff" if ground[i - 1] else "landing"
            ref = g.iloc[i - 1] if kind == "takeoff" else g.iloc[i]
            for a in fields:
                rw = a.runways[0]
                az, _, d = GEOD.inv(rw.le_lon, rw.le_lat, ref["lon"], ref["lat"])
                az0, _, length = GEOD.inv(rw.le_lon, rw.le_lat, rw.he_lon, rw.he_lat)
                along = d * np.cos(np.radians(az - az0))
                cross = d * np.sin(np.radians(az - az0))
                if abs(cross) <= 250 and -3000 <= along <= length + 3000:
                    out.add((g["hex"].iloc[0], round((g["t"].iloc[i - 1] + g["t"].iloc[i]) / 2),
                             kind, a.ident))
                    break
    return out


def storage(table: pa.Table) -> list[tuple[str, float, float, float]]:
    """(format, write s, read s, MB) for the positions table."""
    rows = []
    with tempfile.TemporaryDirectory() as d:
        p = Path(d)
        t0 = time.perf_counter()
        pq.write_table(table, p / "x.parquet", compression="zstd")
        t1 = time.perf_counter()
        pq.read_table(p / "x.parquet")
        t2 = time.perf_counter()
        rows.append(("Parquet (pyarrow, zstd)", t1 - t0, t2 - t1, (p / "x.parquet").stat().st_size / 1e6))
        t0 = time.perf_counter()
        pcsv.write_csv(table, p / "x.csv")
        t1 = time.perf_counter()
        pcsv.read_csv(p / "x.csv")
        t2 = time.perf_counter()
        rows.append(("CSV (pyarrow)", t1 - t0, t2 - t1, (p / "x.csv").stat().st_size / 1e6))
        df = table.to_pandas()
        df["time"] = df["time"].astype("int64")
        t0 = time.perf_counter()
        con = sqlite3.connect(p / "x.sqlite")
        con.execute("CREATE TABLE pos (time INTEGER, hex TEXT, lat REAL, lon REAL, alt_ft REAL, "
                    "gs_kt REAL, track_deg REAL, on_ground INTEGER, callsign TEXT, synthetic INTEGER)")
        con.executemany("INSERT INTO pos VALUES (?,?,?,?,?,?,?,?,?,?)",
                        df.itertuples(index=False, name=None))
        con.commit()
        t1 = time.perf_counter()
        pd.read_sql("SELECT * FROM pos", con)
        t2 = time.perf_counter()
        con.close()
        rows.append(("SQLite rows (as in the GeoPackage)", t1 - t0, t2 - t1,
                     (p / "x.sqlite").stat().st_size / 1e6))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="positions (default 1M)")
    ap.add_argument("--airfields", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-baseline", action="store_true", help="skip the pandas comparison")
    ap.add_argument("--no-storage", action="store_true", help="skip the storage comparison")
    ap.add_argument("--memory", action="store_true",
                    help="also measure the peak memory of read+clean+detect alone, in a fresh "
                         "process reading the positions from Parquet (as the CLI does)")
    ap.add_argument("--run-file", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.run_file:
        _run_file(Path(args.run_file), args.airfields, args.seed)
        return
    t0 = time.perf_counter()
    table, fields, truth = synthetic(args.n, args.airfields, args.seed)
    print(f"generated {table.num_rows:,} positions, {truth:,} true events, "
          f"{len(fields)} airfields in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    clean, rep = clean_positions(table)
    t1 = time.perf_counter()
    events = detect_events(clean, fields)
    t2 = time.perf_counter()
    bw = time.perf_counter()
    print(f"basewatch: clean {t1 - t0:.2f} s + segment/detect {t2 - t1:.2f} s = {t2 - t0:.2f} s "
          f"({table.num_rows / (t2 - t0) / 1e6:.2f} M positions/s); {len(events):,} events "
          f"({len(events) / truth:.1%} of the true ones); dropped {rep.rows_in - rep.kept}")
    del bw
    print(f"peak RSS so far: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    if not args.no_baseline:
        t3 = time.perf_counter()
        base = pandas_baseline(table, fields)
        t4 = time.perf_counter()
        ours = {(e.hex, round(e.time.timestamp()), e.kind, e.airfield) for e in events}
        # the same event: same aircraft, kind and airfield, times within 2 s (rounding)
        near = {(h, k, a, t // 10) for h, t, k, a in base} | {(h, k, a, (t + 5) // 10) for h, t, k, a in base}
        matched = sum(1 for h, t, k, a in ours if (h, k, a, t // 10) in near or (h, k, a, (t + 5) // 10) in near)
        agree = matched / max(1, len(ours), len(base))
        print(f"pandas groupby (no cleaning, no destination inference): {t4 - t3:.2f} s, "
              f"{len(base):,} events; basewatch is {(t4 - t3) / (t2 - t1):.1f}x faster on "
              f"segmentation+detection, {(t4 - t3) / (t2 - t0):.1f}x with its cleaning "
              f"included; agreement {agree:.1%}")
    if not args.no_storage:
        for name, w, r, mb in storage(table):
            print(f"storage {name:36s} write {w:6.2f} s  read {r:6.2f} s  {mb:8.1f} MB")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB "
          "(generator included)")
    if args.memory:
        import subprocess

        with tempfile.TemporaryDirectory() as d:
            f = Path(d) / "positions.parquet"
            pq.write_table(table, f, compression="zstd")
            del table, clean
            sys.stdout.flush()
            subprocess.run([sys.executable, __file__, "--run-file", str(f), "--airfields",
                            str(args.airfields), "--seed", str(args.seed)], check=True)


def _peak_mib() -> float:
    """This process's own peak RSS: VmHWM (ru_maxrss would carry the parent's over fork+exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run_file(path: Path, k: int, seed: int) -> None:
    """Read + clean + detect only; print this process's peak memory."""
    fields = airfields(k, np.random.default_rng(seed))
    t0 = time.perf_counter()
    table = pq.read_table(path)
    n = table.num_rows
    clean, _ = clean_positions(table)
    del table
    events = detect_events(clean, fields)
    dt_s = time.perf_counter() - t0
    print(f"fresh process: read {n:,} positions from Parquet + clean + detect {len(events):,} "
          f"events in {dt_s:.2f} s; peak RSS {_peak_mib():.0f} MiB")


if __name__ == "__main__":
    main()
