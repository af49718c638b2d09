"""Files of the trained aircraft counter: labelled aircraft (CSV), model files (JSON), and the
training images read into :class:`basewatch.analysis.aircraft_training.LabelledImage`.

Labels CSV, one row per aircraft (the Airbus Aircraft Detection sample's layout):

| column | meaning |
|---|---|
| ``image_id`` | the image's file name in the images folder (``5b0c...jpg``) |
| ``geometry`` | the aircraft's outline in pixels, ``[(x, y), (x, y), ...]`` (x = column, y = row) |
| ``class`` | optional; rows of any class but ``Airplane`` and ``Truncated_airplane`` are skipped |

Boxes of one image overlapping by more than half (IoU > 0.5) are one aircraft labelled twice.
A model file is JSON (numbers only, no code): :meth:`AircraftModel.to_dict`.
"""

from __future__ import annotations

import ast
import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from basewatch.analysis.aircraft_model import AircraftModel
from basewatch.analysis.aircraft_training import LabelledImage
from basewatch.errors import ImportFormatError

__all__ = ["AIRCRAFT_CLASSES", "load_labelled_images", "read_aircraft_labels", "read_model",
           "write_model"]

AIRCRAFT_CLASSES = ("airplane", "truncated_airplane", "aircraft")
Box = tuple[float, float, float, float]


def _iou(a: Box, b: Box) -> float:
    ih = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iw = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ih * iw
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def read_aircraft_labels(path: Path) -> dict[str, list[Box]]:
    """Per image file name, its aircraft as boxes (row0, col0, row1, col1) in pixels."""
    out: dict[str, list[Box]] = {}
    try:
        fh = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise ImportFormatError(f"{path}: cannot read ({exc.strerror})") from None
    with fh:
        reader = csv.DictReader(fh)
        missing = {"image_id", "geometry"} - set(reader.fieldnames or [])
        if missing:
            raise ImportFormatError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        for line, row in enumerate(reader, start=2):
            cls = (row.get("class") or "airplane").strip().lower()
            if cls not in AIRCRAFT_CLASSES:
                continue
            try:
                pts = ast.literal_eval((row["geometry"] or "").strip())
                xs = [float(p[0]) for p in pts]
                ys = [float(p[1]) for p in pts]
            except (ValueError, SyntaxError, TypeError, IndexError):
                raise ImportFormatError(f"{path} line {line}: geometry is not a list of (x, y) "
                                        f"pixel pairs: {row['geometry']!r:.60}") from None
            if len(xs) < 3 or max(xs) <= min(xs) or max(ys) <= min(ys):
                raise ImportFormatError(f"{path} line {line}: geometry has no area")
            image = (row["image_id"] or "").strip()
            if not image:
                raise ImportFormatError(f"{path} line {line}: image_id is empty")
            out.setdefault(image, []).append((min(ys), min(xs), max(ys), max(xs)))
    deduped = {}
    for image, boxes in out.items():
        kept: list[Box] = []
        for b in boxes:
            if all(_iou(b, k) <= 0.5 for k in kept):
                kept.append(b)
        deduped[image] = kept
    return deduped


def load_labelled_images(images: Path, labels: Path, *, pixel_size_m: float | None = None,
                         params: Any = None,
                         progress: Callable[[str], None] | None = None) -> list[LabelledImage]:
    """The labelled images of the folder ``images`` (those named in ``labels``; an image with
    no row is not used: it may hold unlabelled aircraft), with their candidates."""
    from basewatch.analysis.aircraft_candidates import candidate_features
    from basewatch.sources.local_scene import open_scene, read_scene

    boxes = read_aircraft_labels(labels)
    if not images.is_dir():
        raise ImportFormatError(f"{images}: not a folder of images")
    missing = [name for name in boxes if not (images / name).is_file()]
    if missing:
        raise ImportFormatError(f"{labels}: image {missing[0]} is not in {images}"
                                + (f" ({len(missing) - 1} more)" if len(missing) > 1 else ""))
    out = []
    for name in sorted(boxes):
        win = read_scene(open_scene(images / name, pixel_size_m=pixel_size_m))
        if progress is not None:
            progress(name)
        cands = candidate_features(win.bands, win.inside, res_m=win.res_m, params=params)
        out.append(LabelledImage(name, cands, boxes[name], win.res_m))
    return out


def write_model(path: Path, model: AircraftModel) -> Path:
    path.write_text(json.dumps(model.to_dict(), separators=(",", ":")), "utf-8")
    return path


def read_model(path: Path) -> AircraftModel:
    """A model written by :func:`write_model`; a clear error naming the file otherwise."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise ImportFormatError(f"{path}: cannot read the aircraft model ({exc.strerror})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ImportFormatError(f"{path}: not an aircraft model (not JSON: {exc})") from None
    from basewatch.analysis.aircraft_candidates import FEATURE_NAMES

    try:
        model = AircraftModel.from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ImportFormatError(f"{path}: not an aircraft model ({exc})") from None
    if model.feature_names != FEATURE_NAMES:
        raise ImportFormatError(f"{path}: the model was trained on other features than this "
                                "version of basewatch computes: train it again")
    return model
