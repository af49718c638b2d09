# mypy: disable-error-code="import-untyped"
"""Aircraft candidates and their features, for a classifier the user trains (pure, numpy/scipy).

The classical counter (:mod:`basewatch.analysis.aircraft`) decides by fixed thresholds on a
cross's correlation. Here the same steps hand over **every plausible candidate** instead, with
the measures a classifier (:mod:`basewatch.analysis.aircraft_model`) re-scores:

1. objects of the white and black top-hats (as in the counter) passing loose size and outline
   tests, and peaks of the cross correlation (:func:`.aircraft_cross.cross_score`) where no
   object lies; pieces of one aircraft (a candidate within half the length of a stronger one)
   merged;
2. per candidate: the cross's correlation near it, its length, contrast and sign, the
   edge-orientation score (:mod:`basewatch.analysis.aircraft_edges`), the object's size and
   outline measures (zeros with a flag when it is a cross peak alone), the ground around it,
   and a **patch descriptor in the aircraft's own frame**: the brightness around the candidate
   resampled at 1 m along the best cross's heading (so that every aircraft points the same way),
   as a coarse grid of brightness and histograms of gradient orientation (HOG-like cells).

Nothing here is learned; :func:`candidate_features` is what both training and counting call.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from basewatch.analysis.aircraft import AircraftParams, _block_mean, _brightness, _closing
from basewatch.analysis.detect import Detection

__all__ = ["FEATURE_NAMES", "Candidates", "candidate_features"]

_OBJ = ("obj", "obj_dark", "length", "width", "elong", "fill", "solidity", "texture", "peak")
_CROSS = ("ncc", "ncc_len", "ncc_snr", "ncc_sign", "edge", "edge_nan", "ring_texture",
          "centre_z", "disk_bright", "disk_dark")
#: Patch in the aircraft's frame: PATCH_M metres square sampled at 1 m, GRID x GRID brightness
#: cells and CELLS x CELLS cells of ORI orientation bins (unsigned, relative to the heading).
PATCH_M, GRID, CELLS, ORI = 64, 8, 4, 8
FEATURE_NAMES: tuple[str, ...] = (_OBJ + _CROSS
                                  + tuple(f"g{i}" for i in range(GRID * GRID))
                                  + tuple(f"h{i}" for i in range(CELLS * CELLS * ORI)))


@dataclass(frozen=True, slots=True)
class Candidates:
    """Candidates of one image: detections (positions in the input's pixel grid) and their
    features, one row per detection in the order of :data:`FEATURE_NAMES`."""

    detections: list[Detection]
    features: NDArray[np.float64]


def _objects(x: NDArray[np.float32], inside: NDArray[np.bool_], res: float, p: AircraftParams
             ) -> list[tuple[float, float, list[float], float]]:
    """(row, col, object features, size m) of the top-hats' objects at the working pixel, under
    loose size and outline limits (the classifier decides the rest)."""
    from scipy import ndimage

    from basewatch.analysis.aircraft import _solidity, _split_merged

    size = max(3, round(p.part_m / res) | 1)
    close = max(1, round(p.close_m / res)) * 2 + 1
    pad = max(2, round(p.ring_m / res))
    out = []
    tops = [(x - ndimage.grey_opening(x, size=(size, size)), 0.0)]
    if p.dark:
        tops.append((ndimage.grey_closing(x, size=(size, size)) - x, 1.0))
    for top, dark in tops:
        vals = top[inside]
        med = float(np.median(vals))
        noise = max(1.4826 * float(np.median(np.abs(vals - med))), 1e-3 * float(np.ptp(x[inside])) or 1e-9)
        hits = _closing(inside & (top > med + p.k * noise), close) & inside
        score = (top - med) / noise
        lab, n = ndimage.label(hits, structure=np.ones((3, 3), bool))
        lab = _split_merged(lab, n, p.max_length_m / res, max(1, round(p.split_m / res)))
        for i, sl in enumerate(ndimage.find_objects(lab), start=1):
            if sl is None:
                continue
            sub = lab[sl] == i
            npx = int(sub.sum())
            if npx * res * res < 40:
                continue
            rr, cc = np.nonzero(sub)
            pts = np.column_stack([rr + sl[0].start, cc + sl[1].start]).astype(np.float64)
            centre = pts.mean(0)
            _, vecs = np.linalg.eigh(np.cov((pts - centre).T))
            length = (float(np.ptp((pts - centre) @ vecs[:, 1])) + 1) * res
            width = (float(np.ptp((pts - centre) @ vecs[:, 0])) + 1) * res
            if not (0.7 * p.min_length_m <= length <= 1.2 * p.max_length_m) or width < 0.5 * p.min_width_m:
                continue
            elong = length / max(width, res)
            fill = npx * res * res / (length * width)
            if elong > 1.5 * p.max_elongation or fill > 0.9:
                continue
            r0, r1 = max(sl[0].start - pad, 0), min(sl[0].stop + pad, hits.shape[0])
            c0, c1 = max(sl[1].start - pad, 0), min(sl[1].stop + pad, hits.shape[1])
            around = ~hits[r0:r1, c0:c1]
            texture = float(np.mean(np.abs(score[r0:r1, c0:c1][around]))) if around.any() else 9.0
            peak = float(score[rr + sl[0].start, cc + sl[1].start].max())
            out.append((float(centre[0]), float(centre[1]),
                        [1.0, dark, length, width, elong, fill, _solidity(pts, npx),
                         min(texture, 9.0), min(peak, 60.0)], length))
    return out


def _patch_features(x: NDArray[np.float32], r: float, c: float, angle: float, sign: float,
                    res: float) -> NDArray[np.float64]:
    """Brightness grid and orientation histograms of the PATCH_M patch around (r, c) of ``x``
    (working pixel ``res`` m), rotated so that the heading ``angle`` points up."""
    from scipy import ndimage

    n = int(PATCH_M)
    t = (np.arange(n) - (n - 1) / 2) / res          # metres -> working pixels
    uu, vv = np.meshgrid(-t, t, indexing="ij")      # up the patch = along the nose
    ca, sa = math.cos(angle), math.sin(angle)
    # The nose's direction in (row, col) is (-cos a, sin a); across it (cos(a+90)...) is (sin a, cos a).
    rows = r + uu * -ca + vv * sa
    cols = c + uu * sa + vv * ca
    patch = ndimage.map_coordinates(x, [rows, cols], order=1, mode="nearest").astype(np.float64)
    mu, sd = float(patch.mean()), float(patch.std()) or 1.0
    z = sign * (patch - mu) / sd
    g = z.reshape(GRID, n // GRID, GRID, n // GRID).mean(axis=(1, 3)).ravel()
    gy, gx = np.gradient(patch)
    mag = np.hypot(gx, gy)
    th = np.mod(np.arctan2(gy, gx), math.pi)        # unsigned: bright and dark alike
    b = np.minimum((th / math.pi * ORI).astype(int), ORI - 1)
    cell = n // CELLS
    ci = (np.arange(n) // cell)[:, None] * CELLS + (np.arange(n) // cell)[None, :]
    hog = np.bincount((ci * ORI + b).ravel(), weights=mag.ravel(), minlength=CELLS * CELLS * ORI)
    hog = hog / (np.linalg.norm(hog) or 1.0)
    out: NDArray[np.float64] = np.concatenate([g, hog])
    return out


def candidate_features(bands: dict[str, NDArray[Any]], area: NDArray[np.bool_], *, res_m: float,
                       params: AircraftParams | None = None, min_ncc: float = 0.35) -> Candidates:
    """Every plausible aircraft in ``area`` with its features (see the module's docstring).

    ``min_ncc``: the weakest cross peak kept as a candidate where no object lies.
    """
    from scipy import ndimage

    from basewatch.analysis.aircraft_cross import cross_score
    from basewatch.analysis.aircraft_edges import edge_scores, orientation_maps

    p = params or AircraftParams()
    f = max(1, round(p.work_res_m / res_m))
    res = res_m * f
    x = _block_mean(_brightness(bands), f)
    inside = _block_mean(area.view(np.uint8), f) > 0.5
    if not inside.any():
        return Candidates([], np.zeros((0, len(FEATURE_NAMES))))
    extra: dict[str, Any] = {}
    best, best_len, best_snr, cin, fc = cross_score(bands, area, res_m=res_m, params=p, extra=extra)
    cres = res_m * fc
    ch, cw = best.shape
    # Candidates: objects, then cross peaks; (row, col) in input pixels, length m, object feats.
    cands: list[tuple[float, float, float, list[float]]] = []
    for r, c, feats, length in _objects(x, inside, res, p):
        cands.append((r * f + (f - 1) / 2, c * f + (f - 1) / 2, length, feats))
    peaks = best == ndimage.maximum_filter(best, size=max(3, round(0.4 * min(p.cross_lengths_m) / cres)))
    peaks &= cin & (best >= min_ncc)
    for r, c in zip(*np.nonzero(peaks), strict=True):
        cands.append((r * fc + (fc - 1) / 2, c * fc + (fc - 1) / 2, float(best_len[r, c]),
                      [0.0] * len(_OBJ)))
    # Cross measures near each candidate: the best correlation within 0.3 of its length.
    rows = []
    for r, c, length, feats in cands:
        rc, cc = min(int(r / fc), ch - 1), min(int(c / fc), cw - 1)
        rad = max(2, int(0.3 * length / cres))
        win = best[max(rc - rad, 0):rc + rad + 1, max(cc - rad, 0):cc + rad + 1]
        k = np.unravel_index(int(np.argmax(win)), win.shape)
        br, bc = max(rc - rad, 0) + int(k[0]), max(cc - rad, 0) + int(k[1])
        rows.append((r, c, length, feats, float(best[br, bc]), float(best_len[br, bc]),
                     float(best_snr[br, bc]), float(extra["angle"][br, bc]),
                     float(extra["sign"][br, bc])))
    # Merge pieces of one aircraft: strongest correlation first.
    rows.sort(key=lambda t: -t[4])
    kept: list[Any] = []
    if rows:
        pos = np.array([(t[0], t[1]) for t in rows])
        lens = np.array([t[5] for t in rows])
        gone = np.zeros(len(rows), bool)
        for i in range(len(rows)):
            if gone[i]:
                continue
            kept.append(rows[i])
            near = np.hypot(*(pos[i + 1:] - pos[i]).T) * res_m <= 0.5 * np.maximum(lens[i + 1:], lens[i])
            gone[i + 1:] |= near
    if not kept:
        return Candidates([], np.zeros((0, len(FEATURE_NAMES))))
    edges = edge_scores(orientation_maps(x), [(t[0] / f, t[1] / f) for t in kept],
                        lengths_px=tuple(L / res for L in p.cross_lengths_m), angles=p.cross_angles,
                        shift_px=1)
    # Ground: the brightness's robust spread, and its top-hats, for local measures.
    vals = x[inside]
    med = float(np.median(vals))
    spread = 1.4826 * float(np.median(np.abs(vals - med))) or 1.0
    hp = np.abs(x - ndimage.uniform_filter(x, 3)) / spread
    dets, feats_out = [], []
    for (r, c, length, ofeat, ncc, nlen, snr, ang, sign), e in zip(kept, edges, strict=True):
        rw, cw_ = r / f, c / f
        ri, ci = round(rw), round(cw_)
        rad_in = max(1, round(5 / res))
        rad_out = max(2, round(0.75 * nlen / res))
        r0, r1 = max(ri - rad_out, 0), min(ri + rad_out + 1, x.shape[0])
        c0, c1 = max(ci - rad_out, 0), min(ci + rad_out + 1, x.shape[1])
        yy, xx = np.mgrid[r0:r1, c0:c1]
        d2 = (yy - rw) ** 2 + (xx - cw_) ** 2
        ring = (d2 > (0.6 * nlen / res) ** 2)
        centre = d2 <= rad_in**2
        sub = x[r0:r1, c0:c1]
        ring_med = float(np.median(sub[ring])) if ring.any() else med
        centre_z = (float(sub[centre].mean()) - ring_med) / spread if centre.any() else 0.0
        disk = d2 <= (0.5 * nlen / res) ** 2
        disk_b = float(np.mean(sub[disk] > ring_med + 2 * spread)) if disk.any() else 0.0
        disk_d = float(np.mean(sub[disk] < ring_med - 2 * spread)) if disk.any() else 0.0
        ring_tex = float(np.mean(hp[r0:r1, c0:c1][ring])) if ring.any() else 0.0
        cross = [ncc, nlen, math.log10(max(snr, 1e-3)), sign, 0.0 if math.isnan(e) else e,
                 1.0 if math.isnan(e) else 0.0, min(ring_tex, 9.0), max(min(centre_z, 20.0), -20.0),
                 disk_b, disk_d]
        patch = _patch_features(x, rw, cw_, ang, sign, res)
        feats_out.append(np.concatenate([ofeat, cross, patch]))
        dets.append(Detection(r, c, int(ofeat[2] * ofeat[3] / res_m**2) if ofeat[0] else
                              int((nlen / res_m) ** 2 * 0.25), ofeat[2] if ofeat[0] else nlen,
                              ofeat[3] if ofeat[0] else nlen, ncc, 10 * math.log10(max(snr, 1e-9)),
                              "aircraft"))
    return Candidates(dets, np.array(feats_out, dtype=np.float64))
