# mypy: disable-error-code="import-untyped"
"""Aircraft outlines matched by the orientation of the image's edges (not their strength).

The cross of :mod:`basewatch.analysis.aircraft_cross` is matched there by the brightness: a
white aircraft on pale concrete correlates weakly (little contrast), and a jet bridge's bright
bar or a stair tower correlates through its brightness alone. Here the same cross (an airliner's
proportions, pure geometry, not learned from any labels) is matched by its **outline**: at each
pixel of the cross's edge, the template's edge normal is compared with the direction of the
image's gradient, as ``cos 2(theta_image - theta_template)`` (+1 parallel edges, -1 crossing ones;
the doubled angle makes a bright aircraft and a dark one, or a shadowed wing edge, alike), each
pixel weighted by its gradient's strength up to ``3`` times the image's median gradient (so
faint but real edges count fully and flat pavement counts little). The score is the mean over
the template's edge: about 0 on pavement or clutter whose edges run every way, high where the
fuselage's and the wings' edges all lie where an aircraft's do. Its best over lengths, headings
and small offsets is computed only at the candidates, as a matrix product of the patches around
them with the template edge maps.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["edge_scores", "edge_templates", "orientation_maps"]


def orientation_maps(x: NDArray[Any], *, clip: float = 3.0
                     ) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """``(w cos 2 theta, w sin 2 theta)`` of the image's gradient (Sobel), ``w`` its magnitude
    over ``clip`` times the median magnitude, capped at 1."""
    from scipy import ndimage

    xf = np.asarray(x, dtype=np.float32)
    gy = ndimage.sobel(xf, 0)
    gx = ndimage.sobel(xf, 1)
    mag2 = gx * gx + gy * gy
    mag = np.sqrt(mag2)
    tau = clip * float(np.median(mag)) or 1.0
    # cos 2t = (gx^2 - gy^2) / |g|^2, sin 2t = 2 gx gy / |g|^2: no arctan needed.
    w = np.minimum(mag / tau, 1.0) / np.maximum(mag2, 1e-12)
    return ((gx * gx - gy * gy) * w).astype(np.float32), (2 * gx * gy * w).astype(np.float32)


@lru_cache(maxsize=16)
def edge_templates(length_px: float, angles: int) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """The cross of ``length_px`` at ``angles`` headings: its edge's ``cos 2 theta`` and
    ``sin 2 theta`` on the cross's square (side 2 r + 1, r as in
    :func:`.aircraft_cross.cross_template`), divided by the number of edge pixels; pixels x
    headings."""
    from scipy import ndimage

    from basewatch.analysis.aircraft_cross import cross_template

    tc, ts = [], []
    for j in range(angles):
        cross, _ = cross_template(length_px, 2 * math.pi * j / angles)
        soft = ndimage.gaussian_filter(cross.astype(np.float64), 1.0)
        gy, gx = np.gradient(soft)
        mag = np.hypot(gx, gy)
        edge = mag > 0.15 * mag.max()
        th = np.arctan2(gy, gx)
        n = max(int(edge.sum()), 1)
        tc.append(np.where(edge, np.cos(2 * th), 0).ravel() / n)
        ts.append(np.where(edge, np.sin(2 * th), 0).ravel() / n)
    return np.array(tc, np.float32).T, np.array(ts, np.float32).T


def edge_scores(maps: tuple[NDArray[np.float32], NDArray[np.float32]],
                points: list[tuple[float, float]], *, lengths_px: tuple[float, ...],
                angles: int, shift_px: int = 2, step_px: int = 1) -> list[float]:
    """For each (row, col) of the maps, the best edge-orientation score over the templates and
    the offsets within ``shift_px`` (every ``step_px``); NaN where the largest template does
    not fit in the image."""
    from numpy.lib.stride_tricks import sliding_window_view

    c2, s2 = maps
    h, w = c2.shape
    temps = [edge_templates(L, angles) for L in lengths_px]
    radii = [math.isqrt(t[0].shape[0]) // 2 for t in temps]
    pad = max(radii) + shift_px
    offs = np.array([(dr, dc) for dr in range(-shift_px, shift_px + 1, step_px)
                     for dc in range(-shift_px, shift_px + 1, step_px)])
    pts = np.array([(round(r0), round(c0)) for r0, c0 in points], dtype=np.int64).reshape(-1, 2)
    ok = ((pts[:, 0] - pad >= 0) & (pts[:, 1] - pad >= 0) & (pts[:, 0] + pad < h)
          & (pts[:, 1] + pad < w))
    best = np.full(len(pts), -1.0)
    idx = np.nonzero(ok)[0]
    # All patches of a block of points at once (window views gathered by position), one matrix
    # product per length: the same sums as patch by patch, without a Python loop per point.
    for (tc, ts), k in zip(temps, radii, strict=True):
        wc = sliding_window_view(c2, (2 * k + 1, 2 * k + 1))
        ws = sliding_window_view(s2, (2 * k + 1, 2 * k + 1))
        for b in range(0, len(idx), 64):
            sel = idx[b:b + 64]
            rr = (pts[sel, 0][:, None] + offs[None, :, 0] - k).ravel()
            cc = (pts[sel, 1][:, None] + offs[None, :, 1] - k).ravel()
            pc = wc[rr, cc].reshape(len(rr), -1)
            ps = ws[rr, cc].reshape(len(rr), -1)
            sc = (pc @ tc + ps @ ts).reshape(len(sel), -1)
            best[sel] = np.maximum(best[sel], sc.max(axis=1))
    return [float(v) if o else float("nan") for v, o in zip(best, ok, strict=True)]
