# mypy: disable-error-code="import-untyped"
"""Parked aircraft in high-resolution imagery (0.3-1 m). Pure functions (numpy, scipy.ndimage).

Classical morphology, no trained model:

1. **Brightness** of each pixel (the maximum of the visible bands: white and grey paint both
   stand out), averaged to a working pixel of ``work_res_m`` (1 m) for speed.
2. **Top-hat.** The image minus its grey opening by a square of ``part_m``: an aircraft is made
   of parts (fuselage, wings, tail) narrower than that square, so the opening erases it, while
   aprons, buildings and grass larger than the square stay in the background. The same on the
   inverted image finds dark aircraft (and shadows, which are discarded by the shape tests
   below when alone).
3. **Objects.** Pixels above ``k`` robust deviations of the top-hat, closed by ``close_m`` so
   that a wing and its fuselage are one object, 8-connected.
4. **Shape tests.** An aircraft's span and length are alike (``max_elongation``), its extent is
   an aircraft's (``min_length_m`` to ``max_length_m``), and its outline is a cross, not a box
   (``max_fill``: share of the minimum box it fills) nor a scatter of specks (``min_fill``).
   Runway markings are elongated or filled, vehicles too short, buildings too large.
5. **Cross verification** (:mod:`basewatch.analysis.aircraft_cross`, ``verify_ncc``,
   ``add_ncc``): an object is kept when a rotated cross of an airliner's proportions (pure
   geometry) correlates with the image near it; strong cross peaks with no object are added;
   pieces of one aircraft (wing, fuselage, shadow) are suppressed in favour of the largest.
   Objects that fail only the ground or outline test (busy gates: tugs, jet bridges, shadows
   around the aircraft) get a second chance under looser limits (``relaxed_texture``,
   ``relaxed_solidity``) when the cross correlates more strongly (``relaxed_ncc``).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from basewatch.analysis.detect import Detection

__all__ = ["AircraftParams", "count_parked_aircraft"]


@dataclass(frozen=True, slots=True)
class AircraftParams:
    """Parameters of :func:`count_parked_aircraft` (sizes in metres on the ground)."""

    work_res_m: float = 1.0
    part_m: float = 11.0
    k: float = 6.0
    close_m: float = 2.0
    min_length_m: float = 18.0
    max_length_m: float = 85.0
    max_elongation: float = 2.2
    min_fill: float = 0.2
    max_fill: float = 0.75
    dark: bool = True
    max_solidity: float = 0.6       # pixels / convex hull: a cross, not a block
    max_texture: float = 1.2        # mean |top-hat| around it, in noise units: even ground
    min_peak: float = 12.0          # brightest part, in noise units
    min_width_m: float = 12.0       # wing span across the fuselage axis
    ring_m: float = 10.0
    split_m: float = 2.0            # erosion that cuts thin links between merged objects
    nms_share: float = 0.5          # a detection this share of a larger one's length away: same aircraft
    method: str = "morphology"      # or "cross": matched rotated cross templates (see _cross_match)
    cross_res_m: float = 2.0        # working pixel of the template match
    cross_lengths_m: tuple[float, ...] = (24.0, 36.0, 54.0)
    cross_angles: int = 16          # headings over 360 degrees
    min_ncc: float = 0.55           # "cross" alone: normalised correlation with the best cross
    verify_ncc: float = 0.35        # > 0: an object is kept when a cross correlates this well near it
    add_ncc: float = 0.55           # > 0: cross peaks this strong are aircraft even without an object
    # Second chance: an object on busier ground (an aircraft at a gate among its tugs, jet
    # bridges and shadows) or blockier in outline is kept when a cross correlates at least
    # relaxed_ncc near it (<= 0: no second chance).
    relaxed_texture: float = 1.6
    relaxed_solidity: float = 0.7
    relaxed_ncc: float = 0.5
    # Outline (:mod:`basewatch.analysis.aircraft_edges`, at edge_res_m): with edge_weight > 0, an
    # object is kept when the weighted mean of its cross correlation and its edge-orientation
    # score reaches mix_strict (mix_relaxed for an object that passed only the relaxed tests),
    # instead of verify_ncc / relaxed_ncc on the correlation alone.
    edge_res_m: float = 1.0
    edge_weight: float = 0.0
    mix_strict: float = 0.325
    mix_relaxed: float = 0.35

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _block_mean(a: NDArray[Any], f: int) -> NDArray[np.float32]:
    if f <= 1:
        return a.astype(np.float32)
    h, w = (a.shape[0] // f) * f, (a.shape[1] // f) * f
    out: NDArray[np.float32] = a[:h, :w].reshape(h // f, f, w // f, f).mean(
        axis=(1, 3), dtype=np.float32)
    return out


def _brightness(bands: dict[str, NDArray[Any]]) -> NDArray[Any]:
    vis = [bands[b] for b in ("red", "green", "blue", "B04", "B03", "B02", "gray") if b in bands]
    if not vis:
        vis = [v for k, v in bands.items() if k != "alpha"]
    if not vis:
        raise KeyError("no band to count aircraft in")
    # In the bands' own type (uint8 for JPEG): a float copy of each would cost more than the max.
    out: NDArray[Any] = np.maximum.reduce(vis) if len(vis) > 1 else vis[0]
    return out


def _closing(mask: NDArray[np.bool_], size: int) -> NDArray[np.bool_]:
    """Binary closing by a square, as separable max then min filters on bytes (fast)."""
    from scipy import ndimage

    m = mask.view(np.uint8)
    grown = ndimage.maximum_filter(m, size=size, mode="constant", cval=0)
    out: NDArray[np.bool_] = ndimage.minimum_filter(grown, size=size, mode="constant", cval=1) > 0
    return out


def _solidity(pts: NDArray[np.float64], npx: int) -> float:
    """Pixels over the area of their convex hull (pixel corners): a cross is far below 1."""
    from scipy.spatial import ConvexHull, QhullError

    corners = (pts[:, None, :] + np.array([[-.5, -.5], [-.5, .5], [.5, -.5], [.5, .5]])).reshape(-1, 2)
    try:
        return float(npx / ConvexHull(corners).volume)
    except QhullError:
        return 1.0


def _split_merged(lab: NDArray[Any], n: int, max_px: float, iterations: int) -> NDArray[Any]:
    """Objects larger than an aircraft are often aircraft joined to a jet bridge, a tug or the
    next aircraft by thin links: erode them by ``iterations`` pixels, label the pieces, and grow
    each piece back inside the object (ties to the first piece)."""
    from scipy import ndimage

    out = lab.copy()
    nxt = n + 1
    cross = np.ones((3, 3), bool)
    for i, sl in enumerate(ndimage.find_objects(lab), start=1):
        if sl is None or max(sl[0].stop - sl[0].start, sl[1].stop - sl[1].start) <= max_px:
            continue
        sub = lab[sl] == i
        core = ndimage.binary_erosion(sub, cross, iterations=iterations)
        pieces, k = ndimage.label(core, structure=cross)
        if k < 2:
            continue
        # Grow the pieces back: each pixel of the object takes its nearest piece.
        _, (ir, ic) = ndimage.distance_transform_edt(pieces == 0, return_indices=True)
        grown = np.where(sub, pieces[ir, ic], 0)
        view = out[sl]
        view[sub] = np.where(grown[sub] > 0, grown[sub] + nxt - 1, 0)
        nxt += k
    return out


def _objects(mask: NDArray[np.bool_], res: float, p: AircraftParams, f: int,
             score: NDArray[np.float64],
             features: list[dict[str, float]] | None = None,
             kept: NDArray[np.bool_] | None = None) -> list[tuple[Detection, bool]]:
    """Objects of an aircraft's size and outline, each with ``True`` when it passes the strict
    tests (outline and ground) and ``False`` when only the relaxed ones: the cross verification
    asks more of the latter. ``kept``, when given, is marked with the returned objects' pixels."""
    from scipy import ndimage

    pad = max(2, round(p.ring_m / res))

    lab, n = ndimage.label(mask, structure=np.ones((3, 3), bool))
    if p.split_m > 0:
        lab = _split_merged(lab, n, p.max_length_m / res, max(1, round(p.split_m / res)))
    out = []
    for i, sl in enumerate(ndimage.find_objects(lab), start=1):
        if sl is None:
            continue
        sub = lab[sl] == i
        npx = int(sub.sum())
        if npx < 3 or npx * res * res < 0.25 * p.min_length_m**2 * p.min_fill:
            continue
        rr, cc = np.nonzero(sub)
        pts = np.column_stack([rr + sl[0].start, cc + sl[1].start]).astype(np.float64)
        centre = pts.mean(0)
        _, vecs = np.linalg.eigh(np.cov((pts - centre).T))
        along = (pts - centre) @ vecs[:, 1]
        across = (pts - centre) @ vecs[:, 0]
        length = (float(np.ptp(along)) + 1) * res
        width = (float(np.ptp(across)) + 1) * res
        if not (p.min_length_m <= length <= p.max_length_m):
            continue
        if length / max(width, res) > p.max_elongation:
            continue
        fill = npx * res * res / (length * width)
        if not (p.min_fill <= fill <= p.max_fill):
            continue
        solidity = _solidity(pts, npx)
        # The ground around an aircraft is an apron or a taxiway: even. Clutter of a town or
        # of a terminal roof is not.
        r0, r1 = max(sl[0].start - pad, 0), min(sl[0].stop + pad, mask.shape[0])
        c0, c1 = max(sl[1].start - pad, 0), min(sl[1].stop + pad, mask.shape[1])
        around = ~mask[r0:r1, c0:c1]
        texture = float(np.mean(np.abs(score[r0:r1, c0:c1][around]))) if around.any() else 99.0
        if features is not None:
            features.append({"row": float(centre[0] * f), "col": float(centre[1] * f),
                             "length": length, "width": width, "fill": fill,
                             "solidity": solidity, "texture": texture,
                             "peak": float(score[rr + sl[0].start, cc + sl[1].start].max())})
            continue
        peak = float(score[rr + sl[0].start, cc + sl[1].start].max())
        if peak < p.min_peak or width < p.min_width_m:
            continue
        strict = solidity <= p.max_solidity and texture <= p.max_texture
        if not strict and (solidity > p.relaxed_solidity or texture > p.relaxed_texture
                           or p.relaxed_ncc <= 0):
            continue
        s = score[rr + sl[0].start, cc + sl[1].start]
        if kept is not None:
            kept[sl] |= sub
        out.append((Detection(float(centre[0] * f + (f - 1) / 2), float(centre[1] * f + (f - 1) / 2),
                              npx * f * f, length, width, float(s.max()),
                              10 * math.log10(max(float(s.mean()), 1e-9)), "aircraft"), strict))
    return out


def count_parked_aircraft(bands: dict[str, NDArray[Any]], area: NDArray[np.bool_], *,
                          res_m: float, params: AircraftParams | None = None,
                          features: list[dict[str, float]] | None = None) -> list[Detection]:
    """Aircraft in ``area`` of a high-resolution image (``res_m``: pixel size on the ground, m).

    ``bands``: name -> 2-D array (``red``/``green``/``blue`` or ``B04``/``B03``/``B02`` or
    ``gray``). Returns one :class:`Detection` per aircraft, positions in the input's pixel grid;
    ``len()`` is the count.
    """
    from scipy import ndimage

    p = params or AircraftParams()
    if p.method == "cross":
        from basewatch.analysis.aircraft_cross import cross_match

        return _suppress(cross_match(bands, area, res_m=res_m, params=p), p.nms_share, res_m,
                         by_peak=True)
    f = max(1, round(p.work_res_m / res_m))
    res = res_m * f
    x = _block_mean(_brightness(bands), f)
    inside = _block_mean(area.view(np.uint8), f) > 0.5
    size = max(3, round(p.part_m / res) | 1)
    tops = [x - ndimage.grey_opening(x, size=(size, size))]
    if p.dark:
        tops.append(ndimage.grey_closing(x, size=(size, size)) - x)
    close = max(1, round(p.close_m / res)) * 2 + 1
    out: list[Detection] = []
    need: list[float] = []      # the cross correlation each object needs to be kept
    taken: NDArray[np.bool_] = np.zeros(x.shape, bool)     # near an object kept in a pass
    seen: NDArray[np.bool_] = np.zeros(x.shape, bool)      # near any object of a pass
    for top in tops:
        vals = top[inside]
        if vals.size == 0:
            return []
        med = float(np.median(vals))
        mad = 1.4826 * float(np.median(np.abs(vals - med)))
        noise = max(mad, 1e-3 * float(np.ptp(x[inside])) or 1e-9)
        hits = inside & (top > med + p.k * noise)
        hits = _closing(hits, close) & inside
        score = (top - med) / noise
        found = np.zeros(x.shape, bool)
        for d, strict in _objects(hits, res, p, f, score, features, found):
            r, c = int(d.row / f), int(d.col / f)
            th, tw = taken.shape[0], taken.shape[1]
            on = 0 <= r < th and 0 <= c < tw
            if on and taken[r, c]:
                continue  # a dark aircraft's bright parts, or the reverse: one aircraft
            out.append(d)
            # The dark side (shadow) of a bright object that failed the tests (merged with a
            # jet bridge, on busy ground) gets the second chance's stronger cross test.
            second = not strict or (on and seen[r, c] and p.relaxed_ncc > 0)
            need.append(max(p.verify_ncc, p.relaxed_ncc) if second else p.verify_ncc)
        taken |= ndimage.maximum_filter(found.view(np.uint8), size=close) > 0
        seen |= ndimage.maximum_filter(hits.view(np.uint8), size=close) > 0
    if p.verify_ncc > 0 or p.add_ncc > 0:
        from basewatch.analysis.aircraft_cross import verify_and_add

        out = verify_and_add(out, bands, area, res_m=res_m, params=p, need=need)
    else:
        out = [d for d, n in zip(out, need, strict=True) if n <= p.verify_ncc]
    return _suppress(out, p.nms_share, res_m)


def _suppress(dets: list[Detection], share: float, res_m: float, *, by_peak: bool = False
              ) -> list[Detection]:
    """Non-maximum suppression: pieces of one aircraft (a wing, the fuselage, its shadow) found
    apart lie within about half the aircraft's length of its largest piece; keep the largest."""
    if share <= 0:
        return dets
    kept: list[Detection] = []
    for d in sorted(dets, key=lambda d: -d.peak if by_peak else -d.length_m * d.width_m):
        if all(math.hypot(d.row - k.row, d.col - k.col) * res_m > share * k.length_m
               for k in kept):
            kept.append(d)
    return kept
