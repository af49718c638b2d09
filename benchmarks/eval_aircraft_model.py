"""The trained aircraft counter against the classical default, on the shared Pléiades images.

    PYTHONPATH=src python benchmarks/eval_aircraft_model.py [--write-docs] [--trees N]

Data: ``$BASEWATCH_SHARED_DATA`` or ``<project root>/../shared/data``,
``airbus-aircraft-dev/`` (11 RGB JPEGs at 0.5 m, aircraft polygons; CC BY-NC-SA 4.0: a model
trained on them is **not** shipped, this script trains in memory and writes no model).

Two protocols, no parameter chosen by looking at the image being counted:

* **leave one image out**: for each of the 11 images, ``train_counter`` on the other 10 (its
  threshold chosen by 5-fold cross-validation by image among those 10), then the image is
  counted;
* **fixed split**: ``train_counter`` on the 7 dev images (threshold by 5-fold cross-validation
  by image among them), the 4 held-out images counted once.

In the same run, the classical default (``count_parked_aircraft``) counts every image: the
"before" column. Matching as in ``bench_imagery_real.py`` (a detection on a labelled aircraft
when its centre lies in the label's box grown by 5 m, one to one). CPU seconds per image: the
default's detector, and the model's candidates + scoring (the image read excluded from both).
With ``--write-docs`` the table replaces the block between the ``eval_aircraft_model`` markers
of docs/imagery.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_imagery_real import (
    DOC,
    N_AIRCRAFT_DEV,
    aircraft_images,
    aircraft_labels,
    count_ok,
    match_boxes,
    shared_data,
)


def _row(name: str, labels: int, dets: list[Any], boxes: list[Any], res_m: float) -> dict[str, Any]:
    m = match_boxes([(d.row, d.col) for d in dets], boxes, 5.0 / res_m)
    return {"count": len(dets), "error": len(dets) - labels, "ok": count_ok(len(dets), labels),
            "matched": m}


def run(root: Path, trees: int, progress: bool = True) -> dict[str, Any]:
    from basewatch.analysis.aircraft import count_parked_aircraft
    from basewatch.analysis.aircraft_candidates import candidate_features
    from basewatch.analysis.aircraft_model import BoostParams
    from basewatch.analysis.aircraft_training import LabelledImage, count_with_model, train_counter
    from basewatch.sources.local_scene import open_scene, read_scene

    folder = root / "airbus-aircraft-dev"
    labels = aircraft_labels(folder)
    params = BoostParams(trees=trees)
    imgs, wins, rows = [], {}, {}
    for path in aircraft_images(root):
        name = path.stem[:8]
        win = read_scene(open_scene(path, pixel_size_m=0.5))
        t0 = time.process_time()
        dets = count_parked_aircraft(win.bands, win.inside, res_m=win.res_m)
        t_default = time.process_time() - t0
        t0 = time.process_time()
        cands = candidate_features(win.bands, win.inside, res_m=win.res_m)
        t_cands = time.process_time() - t0
        boxes = labels.get(path.name, [])
        imgs.append(LabelledImage(name, cands, boxes, win.res_m))
        wins[name] = win
        rows[name] = {"name": name, "labels": len(boxes),
                      "split": "dev" if len(imgs) <= N_AIRCRAFT_DEV else "held-out",
                      "default": _row(name, len(boxes), dets, boxes, win.res_m),
                      "cpu_default_s": t_default, "cpu_candidates_s": t_cands}
        if progress:
            print(f"  {name}: {len(cands.detections)} candidates", file=sys.stderr, flush=True)

    def count(model: Any, im: Any) -> dict[str, Any]:
        w = wins[im.name]
        t0 = time.process_time()
        dets = count_with_model(w.bands, w.inside, res_m=w.res_m, model=model,
                                candidates=im.candidates)
        rows[im.name]["cpu_scoring_s"] = time.process_time() - t0
        out = _row(im.name, len(im.boxes), dets, im.boxes, im.res_m)
        out["threshold"] = model.threshold
        return out

    for i, im in enumerate(imgs):
        model = train_counter([o for j, o in enumerate(imgs) if j != i], params)
        rows[im.name]["loio"] = count(model, im)
        if progress:
            print(f"  leave out {im.name}: {rows[im.name]['loio']}", file=sys.stderr, flush=True)
    dev, held = imgs[:N_AIRCRAFT_DEV], imgs[N_AIRCRAFT_DEV:]
    model = train_counter(dev, params)
    for im in held:
        rows[im.name]["split_model"] = count(model, im)
    return {"rows": [rows[im.name] for im in imgs], "params": asdict(params),
            "split_threshold": model.threshold}


def _rp(r: dict[str, Any], labels: int) -> str:
    rec = r["matched"] / labels if labels else 1.0
    prec = r["matched"] / r["count"] if r["count"] else 1.0
    return f"{r['count']} ({r['error']:+d}{', ok' if r['ok'] else ''}), {rec:.2f} / {prec:.2f}"


def _total(rows: list[dict[str, Any]], key: str) -> str:
    rs = [r for r in rows if key in r]
    lab = sum(r["labels"] for r in rs)
    cnt = sum(r[key]["count"] for r in rs)
    m = sum(r[key]["matched"] for r in rs)
    ok = sum(r[key]["ok"] for r in rs)
    err = sum(abs(r[key]["error"]) for r in rs)
    return (f"{ok} of {len(rs)} within; errors {err}; R / P {m / max(lab, 1):.2f} / "
            f"{m / max(cnt, 1):.2f}")


def table(res: dict[str, Any]) -> str:
    rows = res["rows"]
    head = ("| image | split | labels | default: count (error), R / P | model, leave one image "
            "out: count (error), R / P | model trained on the 7 dev images | CPU s: default / "
            "model |")
    lines = [head, "|---|---|---:|---|---|---|---|"]
    for r in rows:
        sm = _rp(r["split_model"], r["labels"]) if "split_model" in r else ""
        cpu_m = r["cpu_candidates_s"] + r.get("cpu_scoring_s", 0.0)
        lines.append(f"| {r['name']} | {r['split']} | {r['labels']} | {_rp(r['default'], r['labels'])} | "
                     f"{_rp(r['loio'], r['labels'])} (t {r['loio']['threshold']:g}) | {sm} | "
                     f"{r['cpu_default_s']:.2f} / {cpu_m:.2f} |")
    for split in ("dev", "held-out"):
        rs = [r for r in rows if r["split"] == split]
        sm = _total(rs, "split_model") if split == "held-out" else ""
        lines.append(f"| all {split} | {split} | {sum(r['labels'] for r in rs)} | "
                     f"{_total(rs, 'default')} | {_total(rs, 'loio')} | {sm} | |")
    lines.append(f"| all 11 | | {sum(r['labels'] for r in rows)} | {_total(rows, 'default')} | "
                 f"{_total(rows, 'loio')} | | |")
    lines += ["", (f"Model parameters: `{json.dumps(res['params'])}`; threshold of the model "
                   f"trained on the 7 dev images: {res['split_threshold']:g}.")]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--write-docs", action="store_true")
    ap.add_argument("--trees", type=int, default=150)
    ap.add_argument("--json", metavar="FILE", help="also write the raw figures here")
    args = ap.parse_args(argv)
    root = shared_data()
    if not (root / "airbus-aircraft-dev" / "annotations.csv").exists():
        print(f"no shared data at {root} (set BASEWATCH_SHARED_DATA)", file=sys.stderr)
        return 2
    res = run(root, args.trees)
    text = table(res)
    print(text)
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1), "utf-8")
    if args.write_docs:
        doc = DOC.read_text("utf-8")
        a, b = "<!-- eval_aircraft_model:start -->", "<!-- eval_aircraft_model:end -->"
        if a not in doc:
            print(f"{DOC}: no {a} marker", file=sys.stderr)
            return 2
        head, rest = doc.split(a, 1)
        DOC.write_text(head + a + "\n" + text + "\n" + b + rest.split(b, 1)[1], "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
