# mypy: disable-error-code="import-untyped"
"""Parked aircraft found by matching rotated cross shapes (fuselage, wings, tail plane).

The templates are pure geometry, not learned from any labels: an airliner's or a transport's
span is about its length, the wing sits a little ahead of the middle with a chord of about a
seventh of the length, the fuselage is about a tenth as wide as long, and the tail plane spans
about a third. Each template is drawn at a few lengths and orientations and correlated with
the image (FFT, at ``cross_res_m``); the score is the **normalised correlation** between the
image and the zero-mean template inside its disk (the cross against its surround), computed for
bright aircraft and for dark ones (the sign). Peaks above ``min_ncc`` are aircraft; overlapping peaks
of several lengths and angles are one aircraft (non-maximum suppression, by the caller).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from basewatch.analysis.detect import Detection

if TYPE_CHECKING:
    from basewatch.analysis.aircraft import AircraftParams

__all__ = ["cross_match", "cross_score", "cross_template", "verify_and_add"]


def cross_template(length_px: float, angle_rad: float) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """(cross, surround) masks of an aircraft-shaped cross ``length_px`` long, nose towards
    ``angle_rad`` (0 = up): the surround is the rest of the disk of the cross's half-length + 25 %."""
    r = math.ceil(0.5 * length_px * 1.25) + 1
    yy, xx = np.mgrid[-r:r + 1, -r:r + 1].astype(np.float64)
    ca, sa = math.cos(angle_rad), math.sin(angle_rad)
    u = -yy * ca + xx * sa        # along the fuselage (nose positive)
    v = yy * sa + xx * ca         # across
    L = length_px
    half_w = max(0.5, 0.05 * L)
    fus = (np.abs(u) <= 0.5 * L) & (np.abs(v) <= half_w)
    # Swept wings: the leading edge runs from the root, ahead of the middle, back to the tips.
    av = np.abs(v)
    wing = (av <= 0.5 * L) & (np.abs(u - (0.1 * L - 0.4 * av)) <= np.maximum(0.7, 0.07 * L - 0.08 * av))
    tail = (av <= 0.17 * L) & (np.abs(u - (-0.4 * L - 0.4 * av)) <= max(0.5, 0.04 * L))
    cross = fus | wing | tail
    disk = (yy**2 + xx**2) <= r * r
    surround = disk & ~cross
    return cross, surround


def _block_mean(a: NDArray[Any], f: int) -> NDArray[np.float64]:
    h, w = (a.shape[0] // f) * f, (a.shape[1] // f) * f
    out: NDArray[np.float64] = a[:h, :w].reshape(h // f, f, w // f, f).mean(axis=(1, 3))
    return out


def cross_score(bands: dict[str, NDArray[Any]], area: NDArray[np.bool_], *, res_m: float,
                params: AircraftParams, extra: dict[str, Any] | None = None) -> tuple[NDArray[np.float64], NDArray[np.float64],
                                                 NDArray[np.float64], NDArray[np.bool_], int]:
    """Best normalised correlation with a cross at each working pixel, the cross's length (m)
    and its contrast in noise units, the area at the working pixel, and the block factor.
    ``extra``, when given, receives the best cross's heading (``angle``, radians, 0 = nose up,
    clockwise) and sign (``sign``: +1 brighter than its surround, -1 darker) at each pixel."""
    from scipy import ndimage
    from scipy.fft import irfft2, next_fast_len, rfft2

    from basewatch.analysis.aircraft import _brightness

    p = params
    f = max(1, round(p.cross_res_m / res_m))
    res = res_m * f
    x = _block_mean(np.asarray(_brightness(bands), dtype=np.float32), f)
    inside = _block_mean(area.view(np.uint8), f) > 0.5
    h, w = x.shape
    vals = x[inside]
    if vals.size == 0:
        z = np.zeros(x.shape)
        return z, z, z, inside, f
    # Noise: robust spread of the image minus its 3x3 mean (texture of even pavement).
    hp = x - ndimage.uniform_filter(x, 3)
    noise = max(1.4826 * float(np.median(np.abs(hp[inside] - np.median(hp[inside])))), 1e-3)
    fill = float(np.median(vals))
    # Centred (the correlation does not depend on an offset) so that single-precision FFTs
    # keep the disk's variance exact enough; single precision halves the FFTs' time.
    x = np.where(inside, x - fill, 0).astype(np.float32)
    rmax = math.ceil(0.5 * max(p.cross_lengths_m) / res * 1.25) + 1
    shape = (next_fast_len(h + 2 * rmax + 1), next_fast_len(w + 2 * rmax + 1))
    fx = rfft2(x, shape)
    fx2 = rfft2(x * x, shape)
    best = np.full((h, w), -np.inf)
    best_len = np.zeros((h, w))
    best_snr = np.zeros((h, w))
    best_ang = np.zeros((h, w), np.float32) if extra is not None else None
    best_sign = np.zeros((h, w), np.int8) if extra is not None else None

    def corr(fk: NDArray[Any], fa: NDArray[Any], k: int) -> NDArray[np.float64]:
        out: NDArray[np.float64] = irfft2(fa * fk, shape)[k:k + h, k:k + w]
        return out

    for length_m in p.cross_lengths_m:
        lpx = length_m / res
        # The disk is the same at every heading: its sums are computed once per length.
        cross0, sur0 = cross_template(lpx, 0.0)
        k = cross0.shape[0] // 2
        disk = (cross0 | sur0).astype(np.float32)
        n = float(disk.sum())
        fd = rfft2(disk, shape)
        s_d = corr(fd, fx, k)
        sd = np.sqrt(np.clip(corr(fd, fx2, k) / n - (s_d / n) ** 2, noise**2, None))
        for j in range(p.cross_angles):
            cross, _ = cross_template(lpx, 2 * math.pi * j / p.cross_angles)
            n_c = float(cross.sum())
            n_s = n - n_c
            s_c = corr(rfft2(cross.astype(np.float32)[::-1, ::-1], shape), fx, k)
            diff = s_c * (1 / n_c + 1 / n_s) - s_d / n_s       # cross mean minus surround mean
            # Point-biserial correlation of the image with the cross inside the disk; its sign
            # tells a bright aircraft from a dark one.
            ncc = diff * (math.sqrt(n_c * n_s) / n) / sd
            sc = np.abs(ncc) if p.dark else ncc
            better = sc > best
            best[better] = sc[better]
            best_len[better] = length_m
            best_snr[better] = np.abs(diff[better]) / noise
            if best_ang is not None and best_sign is not None:
                best_ang[better] = 2 * math.pi * j / p.cross_angles
                best_sign[better] = np.where(ncc[better] >= 0, 1, -1)
    if extra is not None:
        extra["angle"], extra["sign"] = best_ang, best_sign
    return best, best_len, best_snr, inside, f


def cross_match(bands: dict[str, NDArray[Any]], area: NDArray[np.bool_], *, res_m: float,
                params: AircraftParams, scores: Any = None) -> list[Detection]:
    """Aircraft in ``area`` by cross templates (peaks of :func:`cross_score`, given as
    ``scores`` when already computed); positions in the input's pixel grid."""
    from scipy import ndimage

    p = params
    best, best_len, best_snr, inside, f = scores or cross_score(bands, area, res_m=res_m, params=p)
    res = res_m * f
    peaks = (best == ndimage.maximum_filter(best, size=max(3, round(0.4 * min(p.cross_lengths_m) / res))))
    peaks &= inside & (best >= p.min_ncc)
    out = []
    for r, c in zip(*np.nonzero(peaks), strict=True):
        L = float(best_len[r, c])
        out.append(Detection(float(r * f + (f - 1) / 2), float(c * f + (f - 1) / 2),
                             int((L / res_m) ** 2 * 0.25), L, L, float(best[r, c]),
                             10 * math.log10(max(float(best_snr[r, c]), 1e-9)), "aircraft"))
    return out


def verify_and_add(dets: list[Detection], bands: dict[str, NDArray[Any]], area: NDArray[np.bool_],
                   *, res_m: float, params: AircraftParams,
                   need: list[float] | None = None) -> list[Detection]:
    """Objects found by morphology kept when a cross correlates at least ``verify_ncc`` within
    0.3 of their length (clutter of roofs, tugs and jet bridges does not look like a cross), and
    cross peaks of at least ``add_ncc`` added where no object was kept (aircraft the morphology
    missed: merged with their shadow, or of the pavement's own brightness). ``need``: per
    object, the correlation it needs instead of ``verify_ncc`` (more for objects that passed
    only the relaxed outline and ground tests)."""
    p = params
    scores = cross_score(bands, area, res_m=res_m, params=p)
    best, _, _, _, f = scores
    res = res_m * f
    h, w = best.shape
    objs: list[tuple[Detection, float, float]] = []     # (object, correlation, its need)
    for i, d in enumerate(dets):
        r, c = min(int(d.row / f), h - 1), min(int(d.col / f), w - 1)
        rad = max(2, int(0.3 * d.length_m / res))
        ncc = float(best[max(r - rad, 0):r + rad + 1, max(c - rad, 0):c + rad + 1].max())
        objs.append((d, ncc, need[i] if need is not None else p.verify_ncc))
    extra = cross_match(bands, area, res_m=res_m, params=p, scores=scores) if p.add_ncc > 0 else []
    extra = [e for e in extra if e.peak >= p.add_ncc]
    out: list[Detection] = []
    if p.edge_weight > 0:
        # Objects that could reach the mixed score with the best edge score there is (1).
        wt = p.edge_weight
        look = [(d, ncc, want) for d, ncc, want in objs
                if ncc + wt >= (1 + wt) * min(p.mix_strict, p.mix_relaxed)]
        edges = _edge_scores([d for d, _, _ in look], bands, res_m=res_m, params=p) if look else []
        for (d, ncc, want), e in zip(look, edges, strict=True):
            if math.isnan(e):       # the template does not fit: at the image's edge
                keep = ncc >= want
            else:
                keep = (ncc + wt * e) / (1 + wt) >= (p.mix_strict if want <= p.verify_ncc
                                                     else p.mix_relaxed)
            if keep:
                out.append(d)
    else:
        out = [d for d, ncc, want in objs if ncc >= want]
    for e in sorted(extra, key=lambda e: -e.peak):
        if all(math.hypot(e.row - d.row, e.col - d.col) * res_m > 0.5 * max(d.length_m, e.length_m)
               for d in out):
            out.append(e)
    return out


def _edge_scores(dets: list[Detection], bands: dict[str, NDArray[Any]], *, res_m: float,
                 params: AircraftParams) -> list[float]:
    """:func:`.aircraft_edges.edge_scores` at the detections, on the brightness at ``edge_res_m``."""
    from basewatch.analysis.aircraft import _block_mean as block_mean
    from basewatch.analysis.aircraft import _brightness
    from basewatch.analysis.aircraft_edges import edge_scores, orientation_maps

    p = params
    f = max(1, round(p.edge_res_m / res_m))
    res = res_m * f
    maps = orientation_maps(block_mean(_brightness(bands), f))
    return edge_scores(maps, [(d.row / f, d.col / f) for d in dets],
                       lengths_px=tuple(L / res for L in p.cross_lengths_m), angles=p.cross_angles)
