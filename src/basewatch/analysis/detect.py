"""Classical detectors of vessels and aircraft in windows of satellite imagery. Pure numpy.

* :func:`cfar_vessels` — cell-averaging CFAR on Sentinel-1 backscatter (linear intensity) in
  harbour water; land is masked out of both the search and the clutter estimate. The threshold
  factor comes from the gamma law of multi-look speckle, for a stated false-alarm rate per pixel.
* :func:`apron_presence` — aircraft presence on an apron: compact objects that differ from the
  apron's own surface by a robust threshold (Sentinel-2, 10 m: presence, not a count).

Vessels on Sentinel-2 are :mod:`basewatch.analysis.vessels`; aircraft counted on 0.3-1 m pixels
are :mod:`basewatch.analysis.aircraft`; both are reached through
:func:`basewatch.sources.area_detect.detect_area`.

Detections are connected groups of pixels (8-connected, closed by one pixel so that a speckled
hull stays one object); their length is the extent along the principal axis, in metres.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "SIZE_BINS",
    "Detection",
    "apron_presence",
    "cfar_factor",
    "cfar_vessels",
    "label_components",
    "size_class",
]

#: Vessel size classes by estimated length (m), what 10 m pixels can tell apart: frigate-sized
#: (>= 100 m), submarine-sized (50-100 m), small (< 50 m).
SIZE_BINS = ((100.0, "vessel_large"), (50.0, "vessel_medium"), (0.0, "vessel_small"))


def size_class(length_m: float) -> str:
    """The size bin of a vessel length.

    >>> size_class(130), size_class(74), size_class(30)
    ('vessel_large', 'vessel_medium', 'vessel_small')
    """
    return next(name for lo, name in SIZE_BINS if length_m >= lo)


@dataclass(frozen=True, slots=True)
class Detection:
    """One detected object: centre (row, col) in the window, size, and strength."""

    row: float
    col: float
    n_pixels: int
    length_m: float
    width_m: float
    peak: float
    contrast_db: float
    kind: str

    def to_dict(self) -> dict[str, Any]:
        return {"row": round(self.row, 2), "col": round(self.col, 2), "n_pixels": self.n_pixels,
                "length_m": round(self.length_m, 1), "width_m": round(self.width_m, 1),
                "peak": float(self.peak), "contrast_db": round(self.contrast_db, 1),
                "kind": self.kind}


def gamma_sf(x: float, looks: int) -> float:
    """P(X > x) for a gamma variable of mean 1 with integer ``looks`` (speckle of L looks)."""
    lx = looks * x
    term, total = 1.0, 1.0
    for k in range(1, looks):
        term *= lx / k
        total += term
    return math.exp(-lx) * total


def cfar_factor(pfa: float, looks: int) -> float:
    """The threshold factor ``a`` with P(speckle > a * mean) = ``pfa`` (bisection).

    >>> round(cfar_factor(1e-4, 1), 3)  # exponential speckle: a = -ln(pfa)
    9.21
    """
    lo, hi = 0.0, 100.0
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if gamma_sf(mid, looks) > pfa else (lo, mid)
    return (lo + hi) / 2


def _box_sum(a: NDArray[Any], half: int) -> NDArray[np.float64]:
    """Sum of ``a`` over the (2*half+1)^2 box around each pixel (zero outside), via cumsums."""
    p = np.pad(a.astype(np.float64), half + 1)
    c = p.cumsum(0).cumsum(1)
    k = 2 * half + 1
    s: NDArray[np.float64] = c[k:, k:] - c[:-k, k:] - c[k:, :-k] + c[:-k, :-k]
    return s[: a.shape[0], : a.shape[1]]


def _dilate(mask: NDArray[np.bool_]) -> NDArray[np.bool_]:
    out = mask.copy()
    p = np.pad(mask, 1)
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            out |= p[1 + dr: 1 + dr + mask.shape[0], 1 + dc: 1 + dc + mask.shape[1]]
    return out


def label_components(mask: NDArray[np.bool_]) -> tuple[NDArray[np.int64], int]:
    """8-connected labels of ``mask`` (0 = background) and their number.

    Label propagation: each pixel takes the smallest label among its neighbours until nothing
    changes; iterations grow with object size, which is small here (ships, aircraft).
    """
    h, w = mask.shape
    big = np.iinfo(np.int64).max
    lab = np.where(mask, np.arange(1, h * w + 1).reshape(h, w), big)
    while True:
        p = np.pad(lab, 1, constant_values=big)
        m = lab.copy()
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                m = np.minimum(m, p[1 + dr: 1 + dr + h, 1 + dc: 1 + dc + w])
        m = np.where(mask, m, big)
        if np.array_equal(m, lab):
            break
        lab = m
    lab = np.where(mask, lab, 0)
    uniq, inv = np.unique(lab, return_inverse=True)
    inv = inv.reshape(h, w)
    return (inv if uniq[0] == 0 else inv + 1).astype(np.int64), int(len(uniq) - (uniq[0] == 0))


def _objects(hits: NDArray[np.bool_], values: NDArray[Any], background: NDArray[Any] | float,
             res_m: float, min_pixels: int, kind: Callable[[float], str]) -> list[Detection]:
    closed, n = label_components(_dilate(hits))
    out = []
    for i in range(1, n + 1):
        rr, cc = np.nonzero((closed == i) & hits)
        if rr.size < min_pixels:
            continue
        pts = np.column_stack([rr, cc]).astype(float)
        centre = pts.mean(0)
        if rr.size > 1:
            cov = np.cov((pts - centre).T)
            _, vecs = np.linalg.eigh(cov)
            major, minor = vecs[:, 1], vecs[:, 0]
        else:
            major, minor = np.array([0.0, 1.0]), np.array([1.0, 0.0])
        along = (pts - centre) @ major
        across = (pts - centre) @ minor
        length = (float(along.max() - along.min()) + 1.0) * res_m
        width = (float(across.max() - across.min()) + 1.0) * res_m
        vals = values[rr, cc]
        bg = float(np.mean(background[rr, cc])) if isinstance(background, np.ndarray) else background
        contrast = 10 * math.log10(max(float(vals.mean()), 1e-12) / max(bg, 1e-12))
        out.append(Detection(float(centre[0]), float(centre[1]), int(rr.size), length, width,
                             float(vals.max()), contrast, kind(length)))
    return out


def cfar_vessels(intensity: NDArray[Any], water: NDArray[np.bool_], *, res_m: float = 10.0,
                 pfa: float = 1e-4, looks: int = 4, guard: int = 4, window: int = 12,
                 min_pixels: int = 2) -> list[Detection]:
    """Vessels on Sentinel-1 backscatter by cell-averaging CFAR in ``water``.

    Parameters
    ----------
    intensity : linear backscatter (sigma0 / gamma0, not dB) of the window.
    water : True on the pixels to search (harbour water); land is also left out of the clutter.
    res_m : pixel size in metres.
    pfa : false-alarm probability per pixel; looks : equivalent number of looks of the speckle.
    guard, window : half-sizes (pixels) of the guard box and of the clutter box around a pixel.
    min_pixels : smaller objects are dropped (single-pixel speckle spikes).
    """
    x = np.where(np.isfinite(intensity), intensity, 0.0).astype(np.float64)
    valid = water & np.isfinite(intensity)
    a = cfar_factor(pfa, looks)
    bg = valid.copy()
    for _ in range(2):  # second pass: detected targets leave the clutter estimate
        s = _box_sum(x * bg, window) - _box_sum(x * bg, guard)
        n = _box_sum(bg.astype(float), window) - _box_sum(bg.astype(float), guard)
        mean = np.where(n >= 20, s / np.maximum(n, 1), np.inf)
        hits = valid & (x > a * mean)
        bg = valid & ~_dilate(hits)
    return _objects(hits, x, np.where(np.isfinite(mean), mean, 0.0), res_m, min_pixels, size_class)


def _robust_threshold(values: NDArray[Any], k: float) -> tuple[float, float]:
    med = float(np.median(values))
    mad = 1.4826 * float(np.median(np.abs(values - med)))
    return med, max(mad, 1e-6) * k


def apron_presence(band: NDArray[Any], apron: NDArray[np.bool_], *, res_m: float = 10.0,
                   k: float = 8.0, min_pixels: int = 3) -> list[Detection]:
    """Objects on an apron that differ from its surface (darker or brighter) by ``k`` robust
    standard deviations: at 10 m, aircraft present or not, not how many."""
    x = band.astype(np.float64)
    if not apron.any():
        return []
    med, thr = _robust_threshold(x[apron], k)
    hits = apron & (np.abs(x - med) > thr)
    return _objects(hits, x, med, res_m, min_pixels, lambda _: "aircraft")
