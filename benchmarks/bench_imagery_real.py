"""Imagery detectors on real labelled scenes: recall, precision and F1 per scene and overall.

    PYTHONPATH=src python benchmarks/bench_imagery_real.py [--write-docs] [--json]

Data: ``$BASEWATCH_SHARED_DATA`` or ``<project root>/../shared/data`` (see its README):
``sen2ships-dev/`` (Sentinel-2 L2A harbour exports, COCO vessel boxes) and
``airbus-aircraft-dev/`` (Pléiades 0.5 m JPEGs, aircraft polygons). Each set is split into a
development part (the detectors' parameters were chosen looking at it) and a held-out part
(never tuned on); both are reported, separately and honestly.

Vessels: a detection matches a labelled vessel when their centres are within 30 m on the
ellipsoid (pyproj.Geod), one to one, nearest first. Aircraft: the count in each image against
the labelled count (``Airplane`` and ``Truncated_airplane``); per image the matched part is
min(count, labels), so recall = matched/labels and precision = matched/count; a detection is also
checked to lie on a labelled aircraft (centre inside its box grown by 5 m).

With ``--write-docs`` the tables replace the block between the ``bench_imagery_real`` markers
of docs/imagery.md, with the parameters that gave them.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "imagery.md"

#: Split of the shared data: development scenes (looked at while choosing the parameters) and
#: held-out scenes (only ever run through this benchmark).
VESSEL_DEV = ("athens", "hedland", "klang")
VESSEL_HELD_OUT = ("gdynia", "valencia", "san_francisco")
N_AIRCRAFT_DEV = 7  # the first 7 images by name; the last 4 are held out
MATCH_M = 30.0


def shared_data() -> Path:
    """``$BASEWATCH_SHARED_DATA``, else ``<project root>/../shared/data``."""
    env = os.environ.get("BASEWATCH_SHARED_DATA")
    return Path(env) if env else ROOT.parent / "shared" / "data"


@dataclass
class Score:
    name: str
    split: str
    labels: int
    detections: int
    matched: int
    seconds: float = 0.0
    extra: str = ""

    @property
    def recall(self) -> float:
        return self.matched / self.labels if self.labels else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.detections if self.detections else 1.0

    @property
    def f1(self) -> float:
        r, p = self.recall, self.precision
        return 2 * r * p / (r + p) if r + p else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "split": self.split, "labels": self.labels,
                "detections": self.detections, "matched": self.matched,
                "recall": round(self.recall, 3), "precision": round(self.precision, 3),
                "f1": round(self.f1, 3), "seconds": round(self.seconds, 2), "extra": self.extra}


def total(name: str, split: str, scores: list[Score]) -> Score:
    return Score(name, split, sum(s.labels for s in scores), sum(s.detections for s in scores),
                 sum(s.matched for s in scores), sum(s.seconds for s in scores))


# --- vessels -----------------------------------------------------------------------------------

def vessel_labels(port_dir: Path) -> list[tuple[float, float]]:
    """(row, col) centres of the labelled vessels (COCO boxes, top-left pixel origin)."""
    return [(y + h / 2, x + w / 2) for x, y, w, h in vessel_boxes(port_dir)]


def vessel_boxes(port_dir: Path) -> list[tuple[float, float, float, float]]:
    """The labelled vessels' COCO boxes ``(x, y, w, h)`` in pixels, top-left origin."""
    coco = json.loads(next(port_dir.glob("*_coco.json")).read_text("utf-8"))
    return [tuple(a["bbox"]) for a in coco["annotations"]]


def miss_reasons(boxes: list[tuple[float, float, float, float]], matched: set[int],
                 diagnostics: dict[str, Any]) -> dict[str, int]:
    """Why each unmatched labelled vessel was missed, from the detector's own diagnostics:
    ``land core`` (its centre lies in the land core: moored against a quay wider than the
    opening), ``off-centre`` (a kept object lies in its box, but its centre is more than 30 m
    from the label's or it matched a neighbour: a ship found in pieces or merged), the name of
    the test that rejected the objects in its box (``ring_snr``, ``size``, ...), or ``unseen``
    (no object in its box: too faint against the water's noise)."""
    core = diagnostics.get("land_core")
    cands = diagnostics.get("candidates", [])
    out: dict[str, int] = {}
    for j, (x, y, w, h) in enumerate(boxes):
        if j in matched:
            continue
        r, c = int(y + h / 2), int(x + w / 2)
        inside = [k for k in cands if y - 1 <= k["row"] + 0.5 <= y + h + 1
                  and x - 1 <= k["col"] + 0.5 <= x + w + 1]
        if core is not None and 0 <= r < core.shape[0] and 0 <= c < core.shape[1] and core[r, c]:
            why = "land core"
        elif any(not k["rejected"] for k in inside):
            why = "off-centre"
        elif inside:
            tests = [t for k in inside for t in k["rejected"]]
            why = max(set(tests), key=tests.count)
        else:
            why = "unseen"
        out[why] = out.get(why, 0) + 1
    return out


def match_vessels(found: list[tuple[float, float]], truth: list[tuple[float, float]],
                  max_m: float = MATCH_M, matched: set[int] | None = None) -> int:
    """Matches within ``max_m`` (geodesic), one to one, nearest pairs first; ``matched``, where
    given, receives the indices of the matched ``truth``."""
    from pyproj import Geod

    if not found or not truth:
        return 0
    g = Geod(ellps="WGS84")
    f = np.array(found)
    t = np.array(truth)
    fi, ti = np.meshgrid(np.arange(len(f)), np.arange(len(t)), indexing="ij")
    _, _, d = g.inv(f[fi.ravel(), 0], f[fi.ravel(), 1], t[ti.ravel(), 0], t[ti.ravel(), 1])
    order = np.argsort(d)
    used_f: set[int] = set()
    used_t: set[int] = set()
    for k in order:
        if d[k] > max_m:
            break
        a, b = int(fi.ravel()[k]), int(ti.ravel()[k])
        if a not in used_f and b not in used_t:
            used_f.add(a)
            used_t.add(b)
    if matched is not None:
        matched |= used_t
    return len(used_f)


def run_vessels(root: Path, ports: tuple[str, ...], split: str, params: Any = None) -> list[Score]:
    from basewatch.analysis.vessels import detect_vessels
    from basewatch.sources.local_scene import open_scene, read_scene

    out = []
    for port in ports:
        d = root / "sen2ships-dev" / port
        t0 = time.perf_counter()
        sc = open_scene(d)
        win = read_scene(sc)
        diag: dict[str, Any] = {}
        dets = detect_vessels(win.bands, win.inside, res_m=win.res_m, params=params,
                              diagnostics=diag)
        secs = time.perf_counter() - t0
        found = win.lonlat([x.row for x in dets], [x.col for x in dets])
        # Label centres are in pixel-edge coordinates: the centre of pixel (r, c) is r + 0.5.
        truth_rc = vessel_labels(d)
        truth = win.lonlat([r - 0.5 for r, _ in truth_rc], [c - 0.5 for _, c in truth_rc])
        hit: set[int] = set()
        n = match_vessels(found, truth, matched=hit)
        why = miss_reasons(vessel_boxes(d), hit, diag)
        missed = ", ".join(f"{v} {k}" for k, v in sorted(why.items(), key=lambda kv: -kv[1]))
        out.append(Score(port, split, len(truth), len(dets), n, secs,
                         f"{win.res_m:.1f} m, bands {'/'.join(sorted(win.bands))}"
                         + (f"; missed: {missed}" if missed else "")))
    return out


# --- aircraft ----------------------------------------------------------------------------------

def aircraft_labels(folder: Path) -> dict[str, list[tuple[float, float, float, float]]]:
    """Per image, the labelled aircraft as boxes (row0, col0, row1, col1) in pixels."""
    out: dict[str, list[tuple[float, float, float, float]]] = {}
    with (folder / "annotations.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            pts = np.array(ast.literal_eval(row["geometry"]), dtype=float)
            out.setdefault(row["image_id"], []).append(
                (pts[:, 1].min(), pts[:, 0].min(), pts[:, 1].max(), pts[:, 0].max()))
    return {k: _dedupe(v) for k, v in out.items()}


def _iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    ih = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iw = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ih * iw
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def _dedupe(boxes: list[tuple[float, float, float, float]]) -> list[tuple[float, float, float, float]]:
    """The labels file holds some aircraft twice (boxes a few pixels apart): one aircraft per
    group of boxes overlapping by more than half (IoU > 0.5)."""
    kept: list[tuple[float, float, float, float]] = []
    for b in boxes:
        if all(_iou(b, k) <= 0.5 for k in kept):
            kept.append(b)
    return kept


def match_boxes(found: list[tuple[float, float]], boxes: list[tuple[float, float, float, float]],
                grow_px: float) -> int:
    """Detections (row, col) matched one to one to the boxes their centre falls in (grown by
    ``grow_px``); nearest box centre first."""
    pairs = []
    for i, (r, c) in enumerate(found):
        for j, (r0, c0, r1, c1) in enumerate(boxes):
            if r0 - grow_px <= r <= r1 + grow_px and c0 - grow_px <= c <= c1 + grow_px:
                pairs.append((float(np.hypot(r - (r0 + r1) / 2, c - (c0 + c1) / 2)), i, j))
    used_i: set[int] = set()
    used_j: set[int] = set()
    for _, i, j in sorted(pairs):
        if i not in used_i and j not in used_j:
            used_i.add(i)
            used_j.add(j)
    return len(used_i)


def aircraft_images(root: Path) -> list[Path]:
    return sorted((root / "airbus-aircraft-dev").glob("*.jpg"))


def run_aircraft(root: Path, images: list[Path], split: str, params: Any = None) -> list[Score]:
    from basewatch.analysis.aircraft import count_parked_aircraft
    from basewatch.sources.local_scene import open_scene, read_scene

    labels = aircraft_labels(root / "airbus-aircraft-dev")
    out = []
    for img in images:
        t0 = time.perf_counter()
        win = read_scene(open_scene(img, pixel_size_m=0.5))
        dets = count_parked_aircraft(win.bands, win.inside, res_m=win.res_m, params=params)
        secs = time.perf_counter() - t0
        boxes = labels.get(img.name, [])
        matched = match_boxes([(d.row, d.col) for d in dets], boxes, 5.0 / win.res_m)
        n = len(dets)
        err = n - len(boxes)
        out.append(Score(img.stem[:8], split, len(boxes), n, matched, secs,
                         f"count error {err:+d} ({100 * err / max(len(boxes), 1):+.0f} %)"
                         + (", within 10 % or 2" if count_ok(n, len(boxes)) else "")))
    return out


def count_ok(count: int, labels: int) -> bool:
    """The issue's goal for one image: the count within 10 % of the labels, or within 2."""
    return abs(count - labels) <= max(2.0, 0.1 * labels)


def aircraft_total(name: str, split: str, scores: list[Score]) -> Score:
    t = total(name, split, scores)
    ok = sum(count_ok(s.detections, s.labels) for s in scores)
    t.extra = (f"counts within 10 % or 2: {ok} of {len(scores)}; sum of count errors "
               f"{sum(abs(s.detections - s.labels) for s in scores)}")
    return t


# --- report ------------------------------------------------------------------------------------

def table(title: str, scores: list[Score]) -> str:
    lines = [f"**{title}**", "",
             "| scene | split | labels | detected | matched | recall | precision | F1 | s | note |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for s in scores:
        lines.append(f"| {s.name} | {s.split} | {s.labels} | {s.detections} | {s.matched} | "
                     f"{s.recall:.2f} | {s.precision:.2f} | {s.f1:.2f} | {s.seconds:.2f} | {s.extra} |")
    return "\n".join(lines)


def evaluate(root: Path, aircraft_params: Any = None, *, vessels: bool = True
             ) -> dict[str, list[Score]]:
    """All scores: per scene, then the totals of each split."""
    out: dict[str, list[Score]] = {}
    if vessels:
        v_dev = run_vessels(root, VESSEL_DEV, "dev")
        v_held = run_vessels(root, VESSEL_HELD_OUT, "held-out")
        out["vessels"] = v_dev + v_held + [total("all dev", "dev", v_dev),
                                           total("all held-out", "held-out", v_held)]
    imgs = aircraft_images(root)
    a_dev = run_aircraft(root, imgs[:N_AIRCRAFT_DEV], "dev", aircraft_params)
    a_held = run_aircraft(root, imgs[N_AIRCRAFT_DEV:], "held-out", aircraft_params)
    out["aircraft"] = a_dev + a_held + [aircraft_total("all dev", "dev", a_dev),
                                        aircraft_total("all held-out", "held-out", a_held)]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write-docs", action="store_true", help="write the tables to docs/imagery.md")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--aircraft-only", action="store_true", help="skip the vessels")
    ap.add_argument("--aircraft-params", metavar="JSON", default="{}",
                    help='AircraftParams fields to change, e.g. \'{"edge_weight": 1.0}\' (an option, '
                         'not the defaults: cannot be written to the docs)')
    args = ap.parse_args(argv)
    changed = json.loads(args.aircraft_params)
    if changed and args.write_docs:
        ap.error("--write-docs writes the defaults' figures: drop --aircraft-params")
    root = shared_data()
    if not (root / "sen2ships-dev").is_dir():
        print(f"no shared data at {root} (set BASEWATCH_SHARED_DATA)", file=sys.stderr)
        return 2
    from basewatch.analysis.aircraft import AircraftParams
    from basewatch.analysis.vessels import VesselParams

    a_params = AircraftParams(**{k: tuple(v) if isinstance(v, list) else v
                                 for k, v in changed.items()})
    res = evaluate(root, a_params, vessels=not args.aircraft_only)
    if args.json:
        print(json.dumps({k: [s.to_dict() for s in v] for k, v in res.items()}, indent=1))
        return 0
    parts = [table("Vessels, Sentinel-2 L2A (match within 30 m)", res["vessels"]),
             "Parameters: `" + json.dumps(VesselParams().to_dict()) + "`"] if "vessels" in res else []
    text = "\n\n".join(parts + [
        table("Aircraft, Pléiades 0.5 m (counts against labels)", res["aircraft"]),
        "Parameters: `" + json.dumps(a_params.to_dict()) + "`",
    ])
    print(text)
    if args.write_docs and args.aircraft_only:
        print("not written: --write-docs needs the vessels too", file=sys.stderr)
    elif args.write_docs:
        doc = DOC.read_text("utf-8")
        a, b = "<!-- bench_imagery_real:start -->", "<!-- bench_imagery_real:end -->"
        if a in doc and b in doc:
            doc = doc.split(a)[0] + a + "\n" + text + "\n" + b + doc.split(b)[1]
            DOC.write_text(doc, "utf-8")
            print(f"written to {DOC}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
