"""Training the aircraft candidates' classifier on labelled images (pure: data in, model out).

:func:`train_counter` is what ``basewatch imagery train-aircraft`` runs: the candidates of each
image (:func:`.aircraft_candidates.candidate_features`) labelled against the image's aircraft
boxes (:func:`.aircraft_model.label_candidates`), boosted trees trained on all of them, and the
counting threshold chosen by **cross-validation over the training images, by image** (the images
dealt into ``folds`` groups; each group counted by a model trained on the others;
:func:`.aircraft_model.choose_threshold`), so that the threshold is not fitted to images the
trees have seen. :func:`count_with_model` counts an image.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from basewatch.analysis.aircraft import AircraftParams
from basewatch.analysis.aircraft_candidates import FEATURE_NAMES, Candidates, candidate_features
from basewatch.analysis.aircraft_model import (
    AircraftModel,
    BoostParams,
    choose_threshold,
    label_candidates,
    select,
    train_model,
)
from basewatch.analysis.detect import Detection

__all__ = ["THRESHOLDS", "LabelledImage", "count_with_model", "train_counter"]

#: Thresholds the cross-validated choice is made among.
THRESHOLDS: tuple[float, ...] = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6)


@dataclass(frozen=True)
class LabelledImage:
    """One training image: its candidates, its aircraft boxes (row0, col0, row1, col1, pixels)
    and its pixel size (m)."""

    name: str
    candidates: Candidates
    boxes: list[tuple[float, float, float, float]]
    res_m: float

    def points(self) -> NDArray[np.float64]:
        return np.array([(d.row, d.col) for d in self.candidates.detections],
                        dtype=np.float64).reshape(-1, 2)

    def lengths(self) -> NDArray[np.float64]:
        return np.array([d.length_m for d in self.candidates.detections], dtype=np.float64)

    def labels(self, grow_m: float = 5.0) -> NDArray[np.int8]:
        return label_candidates(self.points(), self.boxes, grow_m / self.res_m)


def _fit(images: list[LabelledImage], params: BoostParams, seed: int) -> AircraftModel:
    x = np.vstack([im.candidates.features for im in images])
    y = np.concatenate([im.labels() for im in images])
    return train_model(x, y, FEATURE_NAMES, params, seed=seed)


def train_counter(images: list[LabelledImage], params: BoostParams | None = None, *,
                  folds: int = 5, seed: int = 0, progress: Any = None) -> AircraftModel:
    """A model trained on all ``images``, its threshold chosen by cross-validation by image
    (image ``i`` in group ``i % folds``; with 5 images or fewer, leave one image out; needs at
    least 3 images, with fewer ``params.threshold``). ``progress(step, total)`` is called after
    each fit."""
    p = params or BoostParams()
    if not images:
        raise ValueError("no labelled image to train on")
    k = min(folds, len(images))
    total = k + 1 if len(images) >= 3 else 1
    threshold = p.threshold
    if len(images) >= 3:
        held = []
        for g in range(k):
            model = _fit([o for j, o in enumerate(images) if j % k != g], p, seed)
            for im in images[g::k]:
                held.append((im.points(), im.lengths(), model.predict(im.candidates.features),
                             len(im.boxes)))
            if progress is not None:
                progress(g + 1, total)
        threshold = choose_threshold(held, THRESHOLDS, res_m=images[0].res_m,
                                     nms_share=p.nms_share)
    model = _fit(images, p, seed)
    if progress is not None:
        progress(total, total)
    info = {**model.info, "images": [im.name for im in images],
            "labelled_aircraft": sum(len(im.boxes) for im in images),
            "threshold_by": (f"{k}-fold cross-validation by image" if len(images) >= 3
                             else "default")}
    return replace(model, threshold=threshold, info=info)


def count_with_model(bands: dict[str, NDArray[Any]], area: NDArray[np.bool_], *, res_m: float,
                     model: AircraftModel, params: AircraftParams | None = None,
                     candidates: Candidates | None = None) -> list[Detection]:
    """Aircraft in ``area``: the candidates ``model`` scores at or above its threshold, one per
    aircraft. Each detection's ``peak`` is the model's probability."""
    if tuple(model.feature_names) != FEATURE_NAMES:
        raise ValueError("the aircraft model was trained on other features than this version "
                         "of basewatch computes: train it again")
    c = candidates or candidate_features(bands, area, res_m=res_m, params=params)
    if not c.detections:
        return []
    prob = model.predict(c.features)
    pts = np.array([(d.row, d.col) for d in c.detections], dtype=np.float64)
    lens = np.array([d.length_m for d in c.detections], dtype=np.float64)
    keep = select(pts, lens, prob, res_m=res_m, threshold=model.threshold,
                  nms_share=model.nms_share)
    return [replace(c.detections[i], peak=float(prob[i])) for i in keep]
