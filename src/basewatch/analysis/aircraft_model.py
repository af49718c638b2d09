"""A small classifier that re-scores aircraft candidates, trained by the user (pure numpy).

Gradient-boosted decision trees on the candidates' features
(:mod:`basewatch.analysis.aircraft_candidates`): logistic loss, features cut into quantile bins
once (histograms of gradients per node, as histogram boosting does), trees of ``depth`` levels,
each step shrunk by ``rate``. No weights ship with basewatch: a model is trained from the user's
own labelled images (``basewatch imagery train-aircraft``) and stored as plain numbers
(:meth:`AircraftModel.to_dict`, JSON: no code is loaded from a model file).

Counting with a model: the candidates whose probability reaches ``threshold``, strongest first,
a candidate within ``nms_share`` of the larger length of a stronger one being the same aircraft.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["AircraftModel", "BoostParams", "label_candidates", "select", "train_model"]

FORMAT = "basewatch-aircraft-model/1"


@dataclass(frozen=True, slots=True)
class BoostParams:
    """Training parameters (defaults chosen by leave-one-image-out on the shared images)."""

    trees: int = 150
    depth: int = 3
    rate: float = 0.1
    bins: int = 32
    min_leaf: float = 5.0          # least hessian (about p(1-p) summed) in a leaf
    l2: float = 1.0
    threshold: float = 0.5
    nms_share: float = 0.5


@dataclass(frozen=True)
class AircraftModel:
    """Trees as flat arrays: per node the feature (-1: a leaf), the bin edge (go left when the
    value is <= it) and the leaf value; node ``i``'s children are ``2i+1`` and ``2i+2``."""

    feature_names: tuple[str, ...]
    base: float
    feature: NDArray[np.int32]      # trees x nodes
    edge: NDArray[np.float64]       # trees x nodes
    value: NDArray[np.float64]      # trees x nodes
    threshold: float = 0.5
    nms_share: float = 0.5
    info: dict[str, Any] = field(default_factory=dict)

    def predict(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """Probability of being an aircraft, per row of ``x`` (features in ``feature_names``)."""
        n = x.shape[0]
        z = np.full(n, self.base)
        rows = np.arange(n)
        depth = int(math.log2(self.feature.shape[1] + 1))
        for t in range(self.feature.shape[0]):
            node = np.zeros(n, np.int64)
            for _ in range(depth):
                f = self.feature[t, node]
                leaf = f < 0
                go_left = x[rows, np.maximum(f, 0)] <= self.edge[t, node]
                node = np.where(leaf, node, 2 * node + np.where(go_left, 1, 2))
            z += self.value[t, node]
        out: NDArray[np.float64] = 1.0 / (1.0 + np.exp(-z))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, "feature_names": list(self.feature_names), "base": self.base,
                "threshold": self.threshold, "nms_share": self.nms_share, "info": self.info,
                "feature": self.feature.tolist(), "edge": self.edge.tolist(),
                "value": self.value.tolist()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AircraftModel:
        if d.get("format") != FORMAT:
            raise ValueError(f"not a basewatch aircraft model (format {d.get('format')!r}, "
                             f"expected {FORMAT!r})")
        feat = np.asarray(d["feature"], dtype=np.int32)
        edge = np.asarray(d["edge"], dtype=np.float64)
        value = np.asarray(d["value"], dtype=np.float64)
        if feat.ndim != 2 or feat.shape != edge.shape or feat.shape != value.shape:
            raise ValueError("aircraft model: trees of mismatched shapes")
        names = tuple(str(n) for n in d["feature_names"])
        if feat.size and int(feat.max()) >= len(names):
            raise ValueError("aircraft model: a tree uses a feature it does not name")
        return cls(names, float(d["base"]), feat, edge, value, float(d["threshold"]),
                   float(d["nms_share"]), dict(d.get("info", {})))


def label_candidates(points: NDArray[np.float64], boxes: list[tuple[float, float, float, float]],
                     grow_px: float, *, centre_share: float = 0.25) -> NDArray[np.int8]:
    """Training labels of candidates at ``points`` (row, col) against labelled boxes
    (row0, col0, row1, col1): 1 for the candidate nearest each box's centre among those inside
    it (grown by ``grow_px``); for the other candidates inside a box, -1 (left out of training)
    within ``centre_share`` of the box's larger side from its centre (near the aircraft's
    centre: neither clearly it nor clutter) and 0 farther out (a wing tip, the tail, the shadow:
    a second piece of an aircraft, which must not be counted again); 0 outside every box."""
    y = np.zeros(len(points), np.int8)
    if len(points) == 0:
        return y
    for r0, c0, r1, c1 in boxes:
        inb = ((points[:, 0] >= r0 - grow_px) & (points[:, 0] <= r1 + grow_px)
               & (points[:, 1] >= c0 - grow_px) & (points[:, 1] <= c1 + grow_px))
        if not inb.any():
            continue
        idx = np.nonzero(inb)[0]
        d = np.hypot(points[idx, 0] - (r0 + r1) / 2, points[idx, 1] - (c0 + c1) / 2)
        near = d <= centre_share * max(r1 - r0, c1 - c0)
        y[idx] = np.where(y[idx] == 1, 1, np.where(near, -1, np.minimum(y[idx], 0)))
        y[idx[int(np.argmin(d))]] = 1
    return y


def _bin_edges(x: NDArray[np.float64], bins: int) -> list[NDArray[np.float64]]:
    qs = np.linspace(0, 1, bins + 1)[1:-1]
    return [np.unique(np.quantile(x[:, j], qs)) for j in range(x.shape[1])]


def train_model(x: NDArray[np.float64], y: NDArray[np.int8], feature_names: tuple[str, ...],
                params: BoostParams | None = None, *, seed: int = 0) -> AircraftModel:
    """Boosted trees on the rows of ``x`` labelled ``y`` (1 aircraft, 0 not, -1 left out)."""
    p = params or BoostParams()
    use = y >= 0
    x, t = x[use], y[use].astype(np.float64)
    n, m = x.shape
    if n == 0 or t.min() == t.max():
        raise ValueError("training needs candidates of both kinds (aircraft and not)")
    edges = _bin_edges(x, p.bins)
    nb = max(len(e) for e in edges) + 1
    xb = np.stack([np.searchsorted(e, x[:, j], side="left") for j, e in enumerate(edges)], 1)
    flat = xb + (np.arange(m) * nb)[None, :]        # (feature, bin) as one index
    prior = float(np.clip(t.mean(), 1e-6, 1 - 1e-6))
    base = math.log(prior / (1 - prior))
    z = np.full(n, base)
    nodes = 2 ** (p.depth + 1) - 1
    feat = np.full((p.trees, nodes), -1, np.int32)
    edge_v = np.zeros((p.trees, nodes))
    value = np.zeros((p.trees, nodes))
    def hist(sel: NDArray[np.bool_], g: NDArray[np.float64], h: NDArray[np.float64]
             ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        fs = flat[sel].ravel()
        return (np.bincount(fs, np.repeat(g[sel], m), minlength=m * nb).reshape(m, nb),
                np.bincount(fs, np.repeat(h[sel], m), minlength=m * nb).reshape(m, nb))

    for k in range(p.trees):
        prob = 1 / (1 + np.exp(-z))
        g, h = prob - t, np.maximum(prob * (1 - prob), 1e-6)
        node = np.zeros(n, np.int64)
        hists: dict[int, tuple[NDArray[np.float64], NDArray[np.float64]]] = {}
        for level in range(p.depth + 1):
            for i in range(2**level - 1, 2 ** (level + 1) - 1):
                sel = node == i
                if not sel.any():
                    continue
                gs, hs = float(g[sel].sum()), float(h[sel].sum())
                leaf = -gs / (hs + p.l2)
                if level == p.depth or hs < 2 * p.min_leaf:
                    value[k, i] = p.rate * leaf
                    continue
                if i not in hists:
                    # The smaller child's histograms counted, its sibling's by difference
                    # from their parent's (histogram subtraction: half the counting).
                    sib = i + 1 if i % 2 else i - 1
                    parent = (i - 1) // 2
                    sel_sib = node == sib
                    if i > 0 and parent in hists and sel_sib.sum() >= sel.sum():
                        hists[i] = hist(sel, g, h)
                        hists[sib] = (hists[parent][0] - hists[i][0],
                                      hists[parent][1] - hists[i][1])
                    elif i > 0 and parent in hists and sel_sib.any():
                        hists[sib] = hist(sel_sib, g, h)
                        hists[i] = (hists[parent][0] - hists[sib][0],
                                    hists[parent][1] - hists[sib][1])
                    else:
                        hists[i] = hist(sel, g, h)
                gh, hh = hists[i]
                gl, hl = np.cumsum(gh, 1)[:, :-1], np.cumsum(hh, 1)[:, :-1]
                gr, hr = gs - gl, hs - hl
                gain = gl**2 / (hl + p.l2) + gr**2 / (hr + p.l2) - gs**2 / (hs + p.l2)
                gain[(hl < p.min_leaf) | (hr < p.min_leaf)] = -np.inf
                j, b = np.unravel_index(int(np.argmax(gain)), gain.shape)
                if not np.isfinite(gain[j, b]) or gain[j, b] <= 0 or b >= len(edges[j]):
                    value[k, i] = p.rate * leaf
                    continue
                feat[k, i], edge_v[k, i] = int(j), float(edges[j][b])
                go_left = xb[:, j] <= b
                node = np.where(sel, 2 * i + np.where(go_left, 1, 2), node)
        z += value[k, node]
    return AircraftModel(tuple(feature_names), base, feat, edge_v, value, p.threshold, p.nms_share,
                         {"trees": p.trees, "depth": p.depth, "rate": p.rate, "bins": p.bins,
                          "samples": int(n), "positives": int(t.sum()), "seed": seed})


def select(points: NDArray[np.float64], lengths_m: NDArray[np.float64], prob: NDArray[np.float64],
           *, res_m: float, threshold: float, nms_share: float) -> list[int]:
    """Indices of the candidates counted: probability >= ``threshold``, strongest first, none
    within ``nms_share`` of the larger length of a stronger one."""
    kept: list[int] = []
    for i in np.argsort(-prob, kind="stable"):
        if prob[i] < threshold:
            break
        if all(math.hypot(points[i, 0] - points[j, 0], points[i, 1] - points[j, 1]) * res_m
               > nms_share * max(lengths_m[i], lengths_m[j]) for j in kept):
            kept.append(int(i))
    return kept


def count_ok(count: int, labels: int) -> bool:
    """The issue's goal for one image: the count within 10 % of the labels, or within 2."""
    return abs(count - labels) <= max(2.0, 0.1 * labels)


def choose_threshold(images: list[tuple[NDArray[np.float64], NDArray[np.float64],
                                        NDArray[np.float64], int]],
                     grid: tuple[float, ...], *, res_m: float, nms_share: float) -> float:
    """The threshold of ``grid`` whose counts are within 10 % (or 2) on most images, then with
    the smallest sum of count errors (ties: the lower threshold). ``images``: per image the
    candidates' (row, col) points, lengths (m), probabilities (from a model that did not see the
    image) and the labelled count."""
    best: tuple[int, int, float] | None = None
    for t in grid:
        ok = err = 0
        for pts, lens, prob, n in images:
            k = len(select(pts, lens, prob, res_m=res_m, threshold=t, nms_share=nms_share))
            ok += count_ok(k, n)
            err += abs(k - n)
        key = (-ok, err, t)
        if best is None or key < best:
            best = key
    assert best is not None
    return best[2]
