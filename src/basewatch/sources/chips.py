# mypy: disable-error-code="import-untyped"
"""Image chips for review: a window's pixels stretched to 8 bits, detections boxed, PNG out."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import rasterio
from numpy.typing import NDArray
from rasterio.errors import NotGeoreferencedWarning

from basewatch.analysis.detect import Detection

__all__ = ["render_chip", "write_png"]

BOX_RGB = (255, 40, 40)


def render_chip(values: NDArray[np.floating], inside: NDArray[np.bool_], dets: list[Detection], *,
                db: bool = False, scale: int = 4, res_m: float = 10.0) -> NDArray[np.uint8]:
    """An RGB chip (H*scale, W*scale, 3): 2-98 % stretch (in dB for radar), outside the area
    dimmed, a red box around each detection."""
    x = np.where(np.isfinite(values), values, np.nan).astype(float)
    if db:
        x = 10 * np.log10(np.clip(x, 1e-6, None))
    ref = x[inside & np.isfinite(x)] if inside.any() else x[np.isfinite(x)]
    lo, hi = (np.percentile(ref, [2, 98]) if ref.size else (0.0, 1.0))
    g = np.clip((np.nan_to_num(x, nan=lo) - lo) / max(hi - lo, 1e-9), 0, 1) * 255
    g = np.where(inside, g, g * 0.4)
    rgb = np.repeat(g[..., None], 3, axis=2).astype(np.uint8)
    rgb = rgb.repeat(scale, 0).repeat(scale, 1)
    h, w = rgb.shape[:2]
    for d in dets:
        half = max(d.length_m, d.width_m) / 2 / res_m + 1.5  # pixels, with a margin
        r0, r1 = int((d.row - half) * scale), int((d.row + half + 1) * scale)
        c0, c1 = int((d.col - half) * scale), int((d.col + half + 1) * scale)
        r0, c0, r1, c1 = max(r0, 0), max(c0, 0), min(r1, h - 1), min(c1, w - 1)
        rgb[r0:r1 + 1, [c0, c1]] = BOX_RGB
        rgb[[r0, r1], c0:c1 + 1] = BOX_RGB
    return rgb


def write_png(path: str | Path, rgb: NDArray[np.uint8]) -> Path:
    """Write an (H, W, 3) uint8 array as PNG (GDAL's PNG driver through rasterio)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        with rasterio.open(p, "w", driver="PNG", width=rgb.shape[1], height=rgb.shape[0],
                           count=3, dtype="uint8") as ds:
            ds.write(np.moveaxis(rgb, 2, 0))
    for aux in (p.with_name(p.name + ".aux.xml"),):
        aux.unlink(missing_ok=True)
    return p
