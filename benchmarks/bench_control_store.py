"""Benchmark: the control layer stored once per distinct geometry, before vs after (issue 20).

Builds bench_history.py's data (demo/history_gen.py: the seeded series of DAYS daily
snapshots, ~VERTICES boundary vertices a day, many days repeating the day before) and imports
it with two basewatch versions in the same run, each in a fresh process on the same GeoJSON:

* **before**: the sources of an earlier commit (``--before REV``, default the last commit
  with one geometry per control row), unpacked from this repository with ``git archive``;
* **after**: this checkout.

Reported for each: the store's size after ``import control`` (GeoPackage; no distances
materialized, so only the control layer differs), the import's wall time and the process's
peak resident memory, and reading dates back (each version run ``--repeat`` times, alternated, the least kept): ``control_on`` for DATES dates spread over the
series (the areas, geometry decoded) and the ground keys of every snapshot
(``snapshot_grounds`` with nothing remembered: hashing the stored bytes before, reading the
stored keys after).

Run: python benchmarks/bench_control_store.py [--days 769] [--vertices 3000] [--before REV]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The last commit whose store kept one geometry per control row.
BEFORE = "171c26c"

CHILD = r"""
import datetime as dt, json, sys, time
from pathlib import Path
from basewatch.model import Faction, Relation
from basewatch.sources.importing import parse_for, write_parsed
import hashlib
from basewatch.store import CONTROL, FACTIONS, RELATIONS, Workspace
from basewatch.store import exposure_cache

folder, gj, base, ndates = Path(sys.argv[1]), Path(sys.argv[2]), json.loads(Path(sys.argv[3]).read_text()), int(sys.argv[4])
ws = Workspace(folder, create=True)
with ws.store.transaction():
    ws.store.put(FACTIONS, [Faction.from_dict(d) for d in base["factions"]])
    ws.store.put(RELATIONS, [Relation.from_dict(d) for d in base["relations"]])
def hwm():  # this process's peak resident memory, KiB (ru_maxrss would count the parent's
    # size at fork, which exec keeps)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
rss0 = hwm()
t = time.perf_counter()
parsed = parse_for(ws, "control", gj, None, None, False)  # import_file(..., distances=False)
t_parse = time.perf_counter() - t
write_parsed(ws, parsed)
t_import = time.perf_counter() - t
del parsed
peak = hwm()
ws.close()
size = (folder / "basewatch.gpkg").stat().st_size
ws = Workspace(folder)
days = ws.control_dates()
pick = [days[i * (len(days) - 1) // max(1, ndates - 1)] for i in range(ndates)]
best = float("inf")
for _ in range(3):
    t = time.perf_counter()
    areas = [a for d in pick for a in ws.control_on(d)]
    best = min(best, time.perf_counter() - t)
geoms = {(a.faction, a.date.isoformat()): a.geometry.wkb_hex for a in areas}
t = time.perf_counter()
keys = exposure_cache._snapshot_grounds(ws.store, dt.date(1, 1, 1), dt.date(9999, 12, 31))
t_keys = time.perf_counter() - t
tables = {r[0] for r in ws.store.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
shared = ws.store.execute("SELECT count(*) FROM control_geometries")[0][0] \
    if "control_geometries" in tables else None
digest = hashlib.sha256(json.dumps(sorted(geoms.items())).encode()).hexdigest()
print(json.dumps({"import_s": t_import, "write_s": t_import - t_parse, "peak_mib": peak / 1024, "rss_before_mib": rss0 / 1024,
                  "size_mb": size / 1e6, "rows": ws.store.count(CONTROL), "geometries": shared,
                  "read_s": best, "dates": len(pick), "keys_s": t_keys, "snapshots": len(keys),
                  "digest": digest}))
"""


def run(src: Path, folder: Path, gj: Path, base: Path, ndates: int) -> dict[str, float]:
    env = {"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", CHILD, str(folder), str(gj), str(base), str(ndates)],
                         env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=769)
    ap.add_argument("--vertices", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--dates", type=int, default=50)
    ap.add_argument("--before", default=BEFORE)
    ap.add_argument("--repeat", type=int, default=2,
                    help="runs of each version, alternated; the least time of each is kept")
    a = ap.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from basewatch.demo.history_gen import generate_history

    with tempfile.TemporaryDirectory(prefix="bw-ctrlstore-") as d:
        tmp = Path(d)
        h = generate_history(days=a.days, vertices=a.vertices, sites=1, seed=a.seed)
        gj = tmp / "control.geojson"
        gj.write_text(json.dumps(h.control_geojson()))
        base = tmp / "base.json"
        base.write_text(json.dumps({"factions": [f.to_dict() for f in h.factions],
                                    "relations": [r.to_dict() for r in h.relations]}))
        old = tmp / "before"
        old.mkdir()
        tar = subprocess.run(["git", "-C", str(ROOT), "archive", a.before, "src"],
                             capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(old)], input=tar, check=True)
        print(f"data: {len(h.dates())} daily snapshots, {gj.stat().st_size / 1e6:.0f} MB GeoJSON",
              flush=True)
        res: dict[str, dict[str, float]] = {}
        for i in range(a.repeat):
            order = [("before", old / "src"), ("after", ROOT / "src")]
            for name, src in (order if i % 2 == 0 else order[::-1]):  # neither always first
                got = run(src, tmp / f"ws-{name}-{i}", gj, base, a.dates)
                print(name, json.dumps(got), flush=True)
                shutil.rmtree(tmp / f"ws-{name}-{i}")
                if name in res:
                    for k in ("import_s", "write_s", "read_s", "keys_s", "peak_mib"):
                        got[k] = min(got[k], res[name][k])
                res[name] = got
        b, f = res["before"], res["after"]
        assert b["digest"] == f["digest"], "the dates read back differ"
        print("\n| | before | after | after / before |\n|---|---|---|---|")
        for label, k, unit in (("store size (MB)", "size_mb", ""), ("import control (s)", "import_s", ""),
                               ("of which the write (s)", "write_s", ""),
                               ("import peak RSS (MiB)", "peak_mib", ""),
                               (f"control_on, {a.dates} dates (s, best of 3)", "read_s", ""),
                               ("ground keys of every snapshot (s)", "keys_s", "")):
            print(f"| {label} | {b[k]:.3f} | {f[k]:.3f} | {f[k] / b[k]:.2f} |")
        print(f"| control rows / stored geometries | {b['rows']} / {b['rows']} | "
              f"{f['rows']} / {f['geometries']} | |")
        print("The areas read on those dates are the same bytes in both (digest compared).")


if __name__ == "__main__":
    main()
