# mypy: disable-error-code="import-untyped"
"""Vessels on real Sentinel-2 L2A harbour scenes. Pure functions on arrays (numpy, scipy.ndimage).

The method, step by step (parameters in :class:`VesselParams`, in metres where they are sizes):

1. **Water from the scene.** NDWI ``(B03 - B08) / (B03 + B08)`` where B08 is present, MNDWI
   ``(B03 - B11) / (B03 + B11)`` where B11 is; where both are, a pixel is water when either
   says so (B08 is clipped to 0 on much L2A water, where NDWI is 1 and still right).
2. **Land core.** The non-water pixels opened by a disk of ``land_radius_m``: what is left is
   land wider than any ship; ships at anchor (holes in the water) and ships moored along a quay
   (thin strips on the land's edge) both fall out of it, while piers and quays wider than the
   disk stay.
3. **Candidates.** Pixels in the analyst's area, outside the land core and outside clouds and
   their shadows (SCL 3, 8, 9, 10 where SCL is present), that are brighter than the water by
   ``k`` robust deviations in the brightness band (B08, else B04, else the mean of B02/B03).
   The water's background and noise are measured on water pixels near the candidates
   (a ``bg_window_m`` box), and the noise has a floor (:func:`noise_floor`) so that water
   clipped to 0 does not make every non-zero pixel a vessel.
4. **Objects and shape tests.** 8-connected components; kept when length, width, elongation and
   the share of their outline that touches the land core are a ship's: shore fringes and
   breakwaters are long and thin, hug the land along most of their outline, or are wider than
   a ship.
5. **History.** Where earlier scenes of the same site exist, a per-pixel background (the median
   of their brightness) removes what is always there: a candidate whose pixels are as bright in
   the background as now is a quay, a crane or a moored hulk, not a ship that came.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from basewatch.analysis.detect import Detection, size_class

__all__ = [
    "CLOUD_SCL",
    "VesselParams",
    "brightness_band",
    "detect_vessels",
    "noise_floor",
    "sar_water",
    "water_mask",
]

#: Scene classification (SCL) values that hide the surface: cloud shadow (3), cloud medium (8)
#: and high (9) probability, thin cirrus (10).
CLOUD_SCL = (3, 8, 9, 10)


@dataclass(frozen=True, slots=True)
class VesselParams:
    """Parameters of :func:`detect_vessels` (sizes in metres on the ground)."""

    water_index: float = 0.0        # NDWI / MNDWI above this is water
    land_radius_m: float = 45.0     # opening radius: land narrower than 2x this is not land core
    k: float = 4.0                  # robust deviations above the water's brightness (pixels)
    min_snr: float = 5.5            # ... and of the object's mean
    min_ring_snr: float = 4.0       # ... above the median of a 2-pixel ring around it
    min_ring_sea: float = 0.3       # share of that ring on the harbour's water
    floor_frac: float = 0.04        # noise floor as a share of the land's median brightness
    bg_window_m: float = 600.0      # box over which the water's local background is measured
    min_length_m: float = 40.0      # shorter: buoys, pier heads, glint (small craft not sought)
    max_length_m: float = 420.0
    max_width_m: float = 75.0
    min_pixels: int = 3
    max_land_contact: float = 0.5   # share of an object's outline on the land core
    sea_min_m2: float = 40_000.0    # water bodies smaller than this are puddles, roofs, shadows
    quay_reach_m: float = 60.0      # how far from the water a moored ship's pixels may lie
    max_ndvi: float = 0.25          # an object greener than this is shore vegetation
    hull_share: float = 0.35        # hull pixels: at least this share of the peak contrast
    history_ratio: float = 0.6      # brighter than this share of (now - background): new

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _nd(a: NDArray[Any], b: NDArray[Any]) -> NDArray[np.float64]:
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    s = a + b
    out: NDArray[np.float64] = np.divide(a - b, s, out=np.zeros_like(s), where=s > 0)
    return out


def water_mask(bands: dict[str, NDArray[Any]], threshold: float = 0.0) -> NDArray[np.bool_]:
    """Water from the scene's own bands: NDWI (B03, B08) or MNDWI (B03, B11), either where both.

    >>> b = {"B03": np.array([[900, 300]]), "B08": np.array([[0, 2000]])}
    >>> water_mask(b).tolist()
    [[True, False]]
    """
    if "B03" not in bands or not ({"B08", "B11"} & set(bands)):
        raise KeyError("water needs B03 and B08 or B11")
    g = bands["B03"]
    out = np.zeros(g.shape, bool)
    if "B08" in bands:
        out |= _nd(g, bands["B08"]) > threshold
    if "B11" in bands:
        out |= _nd(g, bands["B11"]) > threshold
    return out


def brightness_band(bands: dict[str, NDArray[Any]]) -> tuple[str, NDArray[np.float64]]:
    """The band vessels are sought in: NIR (B08) where present, else red, else blue-green."""
    for name in ("B08", "B04"):
        if name in bands:
            return name, bands[name].astype(np.float64)
    if "B02" in bands and "B03" in bands:
        return "B02+B03", (bands["B02"].astype(np.float64) + bands["B03"]) / 2
    raise KeyError("no band to look for vessels in (B08, B04 or B02 and B03)")


def noise_floor(water_values: NDArray[Any], land_median: float, floor_frac: float) -> float:
    """Robust noise of the water (1.4826 MAD, or the spread of its upper half when more than
    half of it is clipped to one value), never below ``floor_frac`` of the land's brightness.

    >>> noise_floor(np.zeros(100), 10000.0, 0.04)  # water clipped to 0: the floor holds
    400.0
    """
    v = _sample(water_values).astype(np.float64)
    if v.size == 0:
        return floor_frac * land_median
    med = float(np.median(v))
    mad = 1.4826 * float(np.median(np.abs(v - med)))
    upper = float(np.percentile(v, 90) - med) / 1.2816
    return max(mad, upper, floor_frac * land_median, 1e-9)


def _sample(values: NDArray[Any], n: int = 250_000) -> NDArray[Any]:
    """A regular subsample of at most about ``n`` values: medians of a million pixels cost more
    than the detection, and a quarter of a million give the same quantiles to well under 1 %."""
    step = max(1, values.size // n)
    out: NDArray[Any] = values[::step]
    return out


def _disk(radius_px: float) -> NDArray[np.bool_]:
    r = max(1, round(radius_px))
    yy, xx = np.mgrid[-r:r + 1, -r:r + 1]
    out: NDArray[np.bool_] = (yy**2 + xx**2) <= r * r + 0.5
    return out


def _open_disk(mask: NDArray[np.bool_], radius_px: float) -> NDArray[np.bool_]:
    """Morphological opening by a disk, through two Euclidean distance transforms (linear time,
    where a disk structuring element costs its area per pixel)."""
    from scipy import ndimage

    r = max(1.0, round(radius_px))
    # Pad with the mask's own edge so that land running off the scene stays land.
    padded = np.pad(mask, int(r) + 1, mode="edge")
    eroded = ndimage.distance_transform_edt(padded) > r
    opened = ndimage.distance_transform_edt(~eroded) <= r
    k = int(r) + 1
    out: NDArray[np.bool_] = opened[k:-k, k:-k] & mask
    return out


def _local_stats(values: NDArray[np.float64], water: NDArray[np.bool_], win_px: int
                 ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Local median-like background and spread of water pixels: box means of the water values
    and of their squares (a median per pixel is too slow); with the water's global median
    where a box holds too little water."""
    from scipy import ndimage

    w = water.astype(np.float64)
    size = 2 * win_px + 1
    n = ndimage.uniform_filter(w, size, mode="constant")
    s1 = ndimage.uniform_filter(values * w, size, mode="constant")
    s2 = ndimage.uniform_filter(values**2 * w, size, mode="constant")
    ok = n > 0.05
    mean = np.where(ok, s1 / np.maximum(n, 1e-9), np.nan)
    var = np.where(ok, s2 / np.maximum(n, 1e-9) - mean**2, np.nan)
    return mean, np.sqrt(np.clip(var, 0, None))


def sar_water(intensity: NDArray[Any], res_m: float, *, threshold_db: float = -13.0,
              params: VesselParams | None = None) -> NDArray[np.bool_]:
    """Water on Sentinel-1 backscatter (linear, or dB where values are negative): calm water
    is dark (< ``threshold_db`` over a 5x5 box mean), with the holes a ship makes filled."""
    from scipy import ndimage

    x = np.asarray(intensity, dtype=np.float64)
    fin = np.isfinite(x)
    if fin.any() and np.nanmin(np.where(fin, x, 0.0)) < 0:
        x = 10 ** (x / 10)  # dB in, linear out
    x = np.where(fin, x, 0.0)
    smooth = ndimage.uniform_filter(x, 5)
    water = fin & (smooth < 10 ** (threshold_db / 10))
    return _sea(water, res_m, params or VesselParams())


def _sea(water: NDArray[np.bool_], res_m: float, p: VesselParams) -> NDArray[np.bool_]:
    """The harbour's water: water bodies of at least ``sea_min_m2``, with the holes a ship can
    make (up to ``max_length_m`` x ``max_width_m``) filled, so that ships at anchor are in it."""
    from scipy import ndimage

    lab, n = ndimage.label(water)
    if n == 0:
        return water
    sizes = np.bincount(lab.ravel())
    sizes[0] = 0
    big = sizes * res_m**2 >= p.sea_min_m2
    sea = big[lab]
    holes, _nh = ndimage.label(~sea)
    hs = np.bincount(holes.ravel())
    small = hs * res_m**2 <= p.max_length_m * p.max_width_m
    small[0] = False
    filled: NDArray[np.bool_] = sea | small[holes]
    return filled


def detect_vessels(bands: dict[str, NDArray[Any]], area: NDArray[np.bool_], *, res_m: float,
                   params: VesselParams | None = None,
                   history: NDArray[np.float64] | None = None,
                   diagnostics: dict[str, Any] | None = None) -> list[Detection]:
    """Vessels in ``area`` of one Sentinel-2 L2A scene (``bands``: name -> 2-D array, one grid).

    ``res_m`` is the pixel size on the ground in metres; ``history`` an optional per-pixel
    background of the brightness band (median of the site's earlier scenes, same grid).
    Returns one :class:`Detection` per vessel, class by length (:func:`size_class`).

    ``diagnostics``, where given, is filled with why each object was kept or not, for an
    analyst asking why a ship was missed: ``"land_core"`` (the mask), ``"candidates"``
    (one dict per bright object: ``row``, ``col``, ``length_m``, ``width_m``, the measures
    of the tests and ``rejected``, the names of the tests it failed, empty when kept).
    """
    from scipy import ndimage

    p = params or VesselParams()
    _, x = brightness_band(bands)
    water = water_mask(bands, p.water_index)
    valid = area.copy()
    if "SCL" in bands:
        valid &= ~np.isin(bands["SCL"], CLOUD_SCL)
    sea = _sea(water, res_m, p)
    land_core = _open_disk(~sea, p.land_radius_m / res_m)
    cands: list[dict[str, Any]] = []
    if diagnostics is not None:
        diagnostics.update(land_core=land_core, candidates=cands)
    near = ndimage.distance_transform_edt(~sea) <= p.quay_reach_m / res_m
    wat = sea & valid & ~land_core
    if not wat.any():
        return []
    land_med = (float(np.median(_sample(x[land_core]))) if land_core.any()
                else float(np.percentile(_sample(x.ravel()), 90)))
    floor = noise_floor(x[wat], land_med, p.floor_frac)
    win = max(5, int(p.bg_window_m / res_m / 2))
    loc_mean, loc_sd = _local_stats(x, wat, win)
    gmed = float(np.median(_sample(x[wat])))
    bg = np.where(np.isfinite(loc_mean), loc_mean, gmed)
    sd = np.maximum(np.where(np.isfinite(loc_sd), loc_sd, floor), floor)
    hits = valid & near & ~land_core & (x > bg + p.k * sd)
    if history is not None:
        new = (x - history) > p.history_ratio * (x - bg)
        hits &= new | ~np.isfinite(history)
    lab, n = ndimage.label(hits, structure=np.ones((3, 3), bool))
    if n == 0:
        return []
    core_ring = ndimage.binary_dilation(land_core, np.ones((3, 3), bool))
    # Vegetation on the shore (mangroves, reeds) is bright in NIR like a hull; a hull is grey.
    ndvi = _nd(bands["B08"], bands["B04"]) if {"B08", "B04"} <= set(bands) else None
    out = []
    h, w = hits.shape
    for i, sl0 in enumerate(ndimage.find_objects(lab), start=1):
        if sl0 is None:
            continue
        sl = (slice(max(sl0[0].start - 3, 0), min(sl0[0].stop + 3, h)),
              slice(max(sl0[1].start - 3, 0), min(sl0[1].stop + 3, w)))
        sub = lab[sl] == i
        npx = int(sub.sum())
        if npx < p.min_pixels:
            continue
        # The hull is the object's brightest part: pixels above half its peak contrast. A wake
        # or the glint around a ship is fainter and would stretch it and move its centre.
        xs = x[sl]
        bgs = bg[sl]
        peak = float((xs - bgs)[sub].max())
        sub &= (xs - bgs) >= p.hull_share * peak
        sub = _largest(sub)
        npx = int(sub.sum())
        rr, cc = np.nonzero(sub)
        rr = rr + sl[0].start
        cc = cc + sl[1].start
        length, width, centre = _extent(rr, cc, res_m)
        cand: dict[str, Any] = {"row": float(centre[0]), "col": float(centre[1]),
                                "length_m": length, "width_m": width, "rejected": []}
        cands.append(cand)
        if not (p.min_length_m <= length <= p.max_length_m) or width > p.max_width_m:
            cand["rejected"].append("size")
            continue
        # Outline on the land core: a ship at a quay touches along one long side (< 1/2),
        # a shore fringe along all of it.
        edge = sub & ~ndimage.binary_erosion(sub, np.ones((3, 3), bool))
        contact = float(core_ring[sl][edge].mean()) if edge.any() else 0.0
        vals = x[rr, cc]
        b = float(np.mean(bg[rr, cc]))
        snr = float((vals.mean() - b) / np.mean(sd[rr, cc]))
        contrast = 10 * math.log10(max(float(vals.mean()), 1e-9) / max(b, 1e-9))
        ring = ndimage.binary_dilation(sub, np.ones((5, 5), bool), border_value=0) & ~sub
        ring_sea = float(sea[sl][ring].mean()) if ring.any() else 1.0
        ring_x = float(np.median(x[sl][ring])) if ring.any() else b
        ring_snr = float((vals.mean() - ring_x) / np.mean(sd[rr, cc]))
        green = ndvi is not None and float(np.median(ndvi[rr, cc])) > p.max_ndvi
        tests = {"land_contact": contact > p.max_land_contact, "snr": snr < p.min_snr,
                 "ring_snr": ring_snr < p.min_ring_snr, "ring_sea": ring_sea < p.min_ring_sea,
                 "ndvi": green}
        cand.update(contact=contact, snr=snr, ring_snr=ring_snr, ring_sea=ring_sea,
                    rejected=[k for k, failed in tests.items() if failed])
        if cand["rejected"]:
            continue
        out.append(Detection(float(centre[0]), float(centre[1]), npx, length, width,
                             float(vals.max()), contrast, size_class(length)))
    return out


def _largest(mask: NDArray[np.bool_]) -> NDArray[np.bool_]:
    from scipy import ndimage

    lab, n = ndimage.label(mask, structure=np.ones((3, 3), bool))
    if n <= 1:
        return mask
    sizes = np.bincount(lab.ravel())
    sizes[0] = 0
    out: NDArray[np.bool_] = lab == int(np.argmax(sizes))
    return out


def _extent(rr: NDArray[Any], cc: NDArray[Any], res_m: float
            ) -> tuple[float, float, NDArray[np.float64]]:
    """Length and width (m) along the principal axes of a pixel set, and its centre."""
    pts = np.column_stack([rr, cc]).astype(np.float64)
    centre = pts.mean(0)
    if len(pts) > 1:
        _, vecs = np.linalg.eigh(np.cov((pts - centre).T))
        major, minor = vecs[:, 1], vecs[:, 0]
    else:
        major, minor = np.array([0.0, 1.0]), np.array([1.0, 0.0])
    along = (pts - centre) @ major
    across = (pts - centre) @ minor
    return ((float(np.ptp(along)) + 1.0) * res_m, (float(np.ptp(across)) + 1.0) * res_m, centre)
