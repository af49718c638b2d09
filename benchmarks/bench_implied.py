"""Benchmark: one-sided control's implied ground (analysis/implied.py) on the Crimea example,
densified to the vertex counts of real data (a country outline and a daily occupied area).

Same data, same run, per snapshot:

- basewatch: the held vertices within ~1 m of the outline snapped into it (an STRtree query,
  linear), the subtraction, then only narrow strips along the held ground dropped;
- GEOS's own snap (``shapely.snap(outline, held, tol)``, what a user reaches for to make the
  two share edges) then the subtraction: the same edges, in time quadratic in the vertices;
- the bare subtraction (``outline - held``), which leaves the front short (the held edge no
  longer shared exactly) and hairline strips along the coast: for scale only.

Run: python benchmarks/bench_implied.py [--step 0.002]   (degrees between vertices)
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import shapely
from shapely.geometry import shape

from basewatch.analysis.control import BOUNDARY_TOLERANCE_DEG
from basewatch.analysis.implied import implied_ground

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples" / "crimea"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--step", type=float, default=0.002)
    a = ap.parse_args()
    (o,) = json.loads((EXAMPLES / "outlines.geojson").read_text("utf-8"))["features"]
    outline = shapely.segmentize(shape(o["geometry"]), a.step * 1.5)
    held = [shapely.segmentize(shape(f["geometry"]), a.step) for f in
            json.loads((EXAMPLES / "control.geojson").read_text("utf-8"))["features"]]
    print(f"outline {shapely.get_num_coordinates(outline)} vertices, held areas "
          f"{[int(shapely.get_num_coordinates(h)) for h in held]} vertices")
    times = {"basewatch": 0.0, "shapely.snap + difference": 0.0, "bare difference": 0.0}
    for h in held:
        t = time.perf_counter()
        implied_ground(outline, h, 3000.0)
        times["basewatch"] += time.perf_counter() - t
        t = time.perf_counter()
        shapely.difference(shapely.snap(outline, h, BOUNDARY_TOLERANCE_DEG), h)
        times["shapely.snap + difference"] += time.perf_counter() - t
        t = time.perf_counter()
        shapely.difference(outline, h)
        times["bare difference"] += time.perf_counter() - t
    base = times["basewatch"]
    for k, v in times.items():
        print(f"{k:28s} {v / len(held):7.3f} s per snapshot   ratio to basewatch {v / base:5.2f}")


if __name__ == "__main__":
    main()
