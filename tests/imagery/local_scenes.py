"""Synthetic local scenes with targets planted at known places, written as analysts' files
(multi-band GeoTIFF with band descriptions, a folder of single-band exports, a SAFE zip of JPEG
2000 bands, a Sentinel-1 GeoTIFF, a JPEG with or without a world file). Seeded: the same seed
gives the same pixels."""

from __future__ import annotations

import json
import math
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
from rasterio.transform import from_origin
from rasterio.warp import transform as warp_transform

#: The synthetic harbour: UTM 37N (Tartus' zone), 10 m pixels, 300 x 400 px; land in the east
#: (columns >= 300), a quay; a breakwater; ships at anchor and moored.
CRS = "EPSG:32637"
ORIGIN = (620_000.0, 3_865_000.0)
RES = 10.0
SHAPE = (300, 400)


@dataclass
class Planted:
    row: float
    col: float
    length_m: float
    lon: float = 0.0
    lat: float = 0.0


def _lonlat(rows: list[float], cols: list[float]) -> list[tuple[float, float]]:
    xs = [ORIGIN[0] + (c + 0.5) * RES for c in cols]
    ys = [ORIGIN[1] - (r + 0.5) * RES for r in rows]
    lons, lats = warp_transform(CRS, "EPSG:4326", xs, ys)
    return list(zip(lons, lats, strict=True))


def harbour_bands(seed: int = 7, ships: bool = True, hulk: bool = True
                  ) -> tuple[dict[str, np.ndarray], list[Planted]]:
    """Sentinel-2 L2A-like bands (uint16): water with B08 clipped to 0 on most pixels, land,
    a 2-pixel breakwater 900 m long, and ships (120-200 m x 20-30 m) at anchor and at the quay.
    ``hulk``: a bright object always moored at the quay (in every scene: history removes it)."""
    rng = np.random.default_rng(seed)
    _h, _w = SHAPE
    land = np.zeros(SHAPE, bool)
    land[:, 300:] = True
    land[140:150, 200:300] = True            # a pier 100 m wide, 1 km long
    land[40:42, 60:150] = True               # a breakwater, 20 m wide, 900 m long
    b = {"B02": np.where(land, 900, 700), "B03": np.where(land, 1100, 650),
         "B04": np.where(land, 1300, 300), "B08": np.where(land, 2800, 0),
         "B11": np.where(land, 3200, 150)}
    out = {k: v.astype(float) + rng.normal(0, 25, SHAPE) for k, v in b.items()}
    wat = ~land
    # L2A: most water pixels 0 in B08, a few small positive values.
    out["B08"][wat] = np.clip(rng.normal(-30, 40, int(wat.sum())), 0, None)
    planted: list[Planted] = []

    def ship(r0: int, c0: int, n: int, m: int) -> None:
        for k, v in (("B02", 1800), ("B03", 1900), ("B04", 2000), ("B08", 2600), ("B11", 1500)):
            out[k][r0:r0 + n, c0:c0 + m] = v + rng.normal(0, 60, (n, m))
        planted.append(Planted(r0 + (n - 1) / 2, c0 + (m - 1) / 2, max(n, m) * RES))

    if ships:
        ship(100, 80, 3, 15)     # at anchor, 150 m
        ship(200, 60, 12, 2)     # at anchor, 120 m, north-south
        ship(230, 150, 3, 20)    # at anchor, 200 m
        ship(151, 220, 3, 14)    # moored along the pier's south side, 140 m
        ship(60, 297, 14, 3)     # moored at the quay (east), overlapping the quay edge
    if hulk:
        for k, v in (("B02", 1700), ("B03", 1800), ("B04", 1900), ("B08", 2500), ("B11", 1400)):
            out[k][137:140, 230:246] = v
    return {k: np.clip(v, 0, 65535).astype(np.uint16) for k, v in out.items()}, planted


def positions(planted: list[Planted]) -> list[Planted]:
    ll = _lonlat([p.row for p in planted], [p.col for p in planted])
    return [Planted(p.row, p.col, p.length_m, lo, la) for p, (lo, la) in zip(planted, ll, strict=True)]


def area_geojson(path: Path, site: str, name: str = "harbour", kind: str = "water",
                 margin_px: int = 5, rows: tuple[int, int] | None = None) -> Path:
    """A rough area drawn around (most of) the synthetic harbour, quay and land included."""
    h, w = SHAPE
    r0, r1 = rows or (margin_px, h - margin_px)
    c0, c1 = margin_px, w - margin_px
    ll = _lonlat([r0, r0, r1, r1, r0], [c0, c1, c1, c0, c0])
    doc = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
        "site": site, "name": name, "kind": kind, "source": "test (hand-drawn)",
        "source_date": "2024-12-01"}, "geometry": {"type": "Polygon",
                                                   "coordinates": [[list(p) for p in ll]]}}]}
    path.write_text(json.dumps(doc), "utf-8")
    return path


def profile(count: int = 1, dtype: str = "uint16") -> dict[str, Any]:
    return {"driver": "GTiff", "width": SHAPE[1], "height": SHAPE[0], "count": count,
            "dtype": dtype, "crs": CRS, "transform": from_origin(*ORIGIN, RES, RES),
            "tiled": True, "blockxsize": 128, "blockysize": 128, "compress": "deflate"}


def write_multiband(path: Path, bands: dict[str, np.ndarray], names: list[str],
                    describe: bool = True) -> Path:
    with rasterio.open(path, "w", **profile(len(names))) as ds:
        for i, n in enumerate(names, start=1):
            ds.write(bands[n], i)
            if describe:
                ds.set_band_description(i, n)
    return path


def write_band_folder(folder: Path, bands: dict[str, np.ndarray], day: str = "2024-11-28") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n, a in bands.items():
        name = f"{day}-00_00_{day}-23_59_Sentinel-2_L2A_{n}_(Raw).tiff"
        with rasterio.open(folder / name, "w", **profile(1)) as ds:
            ds.write(a, 1)
    return folder


def write_safe_zip(path: Path, bands: dict[str, np.ndarray], tmp: Path,
                   product: str = "S2B_MSIL2A_20241128T082259_N0511_R121_T37SBU_20241128T101010"
                   ) -> Path:
    """A minimal L2A SAFE zip: 10 m bands (B02 B03 B04 B08) and B11 at 20 m as JPEG 2000."""
    from rasterio.shutil import copy as rio_copy

    granule = f"{product}.SAFE/GRANULE/L2A_T37SBU_A000001_20241128T082259/IMG_DATA"
    with zipfile.ZipFile(path, "w") as z:
        for n, a in bands.items():
            res = 20 if n == "B11" else 10
            arr = a if res == 10 else a[::2, ::2]
            gt = tmp / f"{n}.tif"
            prof = profile(1) | {"width": arr.shape[1], "height": arr.shape[0],
                                 "transform": from_origin(*ORIGIN, res, res)}
            with rasterio.open(gt, "w", **prof) as ds:
                ds.write(arr, 1)
            jp2 = tmp / f"T37SBU_20241128T082259_{n}_{res}m.jp2"
            rio_copy(gt, jp2, driver="JP2OpenJPEG", QUALITY="100", REVERSIBLE="YES")
            z.write(jp2, f"{granule}/R{res}m/{jp2.name}")
        z.writestr(f"{product}.SAFE/MTD_MSIL2A.xml", "<xml/>")
    return path


def write_s1(path: Path, seed: int = 3, db: bool = False) -> tuple[Path, list[Planted]]:
    """A Sentinel-1 GRD-like VV GeoTIFF (float32, linear sigma0 or dB): water dark with
    4-look gamma speckle, land bright, ships very bright."""
    rng = np.random.default_rng(seed)
    land = np.zeros(SHAPE, bool)
    land[:, 300:] = True
    mean = np.where(land, 0.15, 0.01)
    x = mean * rng.gamma(4, 1 / 4, SHAPE)
    planted = []
    for r0, c0, n, m in ((100, 80, 3, 15), (200, 60, 12, 2), (230, 150, 3, 20)):
        x[r0:r0 + n, c0:c0 + m] = 2.0 * rng.gamma(4, 1 / 4, (n, m))
        planted.append(Planted(r0 + (n - 1) / 2, c0 + (m - 1) / 2, max(n, m) * RES))
    if db:
        x = 10 * np.log10(x)
    with rasterio.open(path, "w", **(profile(1, "float32") | {"compress": "deflate"})) as ds:
        ds.write(x.astype(np.float32), 1)
        ds.set_band_description(1, "VV")
    return path, planted


def aircraft_image(n: int = 6, seed: int = 5, size: int = 600, res_m: float = 0.5
                   ) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """An RGB apron (grey concrete with slab joints and noise) with ``n`` white aircraft
    (fuselage 36 m x 4 m, wings 34 m x 5 m, tail 12 m x 3 m) at random headings, and a few
    vehicles (6 m x 3 m) that must not count."""
    rng = np.random.default_rng(seed)
    g = 110 + rng.normal(0, 6, (size, size))
    g[::40, :] -= 15  # slab joints every 20 m
    g[:, ::40] -= 15
    yy, xx = np.mgrid[0:size, 0:size].astype(float)
    centres: list[tuple[float, float]] = []
    while len(centres) < n:
        r, c = rng.uniform(70, size - 70, 2)
        if all(np.hypot(r - a, c - b) > 120 for a, b in centres):
            centres.append((float(r), float(c)))
    for r, c in centres:
        th = rng.uniform(0, np.pi)
        u = (yy - r) * np.cos(th) + (xx - c) * np.sin(th)   # along the fuselage (px)
        v = -(yy - r) * np.sin(th) + (xx - c) * np.cos(th)  # across
        s = 1 / res_m
        body = (np.abs(u) <= 18 * s) & (np.abs(v) <= 2 * s)
        wing = (np.abs(u + 1 * s) <= 2.5 * s) & (np.abs(v) <= 17 * s)
        tail = (np.abs(u - 16 * s) <= 1.5 * s) & (np.abs(v) <= 6 * s)
        g[body | wing | tail] = 235 + rng.normal(0, 4, int((body | wing | tail).sum()))
    for _ in range(4):  # vehicles
        r, c = rng.uniform(20, size - 20, 2)
        g[int(r):int(r) + 6, int(c):int(c) + 12] = 230
    rgb = np.clip(np.stack([g, g * 0.98, g * 0.95]), 0, 255).astype(np.uint8)
    return rgb, centres


def write_jpeg(path: Path, rgb: np.ndarray, world_res_m: float | None = None) -> Path:
    import warnings

    from rasterio.errors import NotGeoreferencedWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        with rasterio.open(path, "w", driver="JPEG", width=rgb.shape[2], height=rgb.shape[1],
                           count=3, dtype="uint8", QUALITY=95) as ds:
            ds.write(rgb)
    path.with_name(path.name + ".aux.xml").unlink(missing_ok=True)
    if world_res_m is not None:
        path.with_suffix(".jgw").write_text(
            f"{world_res_m}\n0\n0\n{-world_res_m}\n500000.25\n4000000.25\n", "utf-8")
    return path


def write_s1_gcps(path: Path, seed: int = 3) -> tuple[Path, list[Planted]]:
    """The Sentinel-1 scene of :func:`write_s1` in radar geometry, as in a GRD product's
    measurement TIFF: no transform, columns mirrored (a descending pass), placed by a 3 x 3 grid
    of ground control points in lon/lat."""
    from rasterio.control import GroundControlPoint
    from rasterio.crs import CRS as RioCRS

    tmp = path.with_name(path.stem + "_map.tif")
    _, planted = write_s1(tmp, seed=seed)
    with rasterio.open(tmp) as ds:
        a = ds.read(1)
    tmp.unlink()
    h, w = a.shape
    pts = [(r, c) for r in (0, h // 2, h) for c in (0, w // 2, w)]
    ll = _lonlat([r - 0.5 for r, _ in pts], [c - 0.5 for _, c in pts])
    gcps = [GroundControlPoint(row=r, col=w - c, x=lo, y=la) for (r, c), (lo, la) in zip(pts, ll, strict=True)]
    import warnings

    from rasterio.errors import NotGeoreferencedWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        with rasterio.open(path, "w", driver="GTiff", width=w, height=h, count=1,
                           dtype="float32") as ds:
            ds.write(a[:, ::-1], 1)
            ds.gcps = (gcps, RioCRS.from_epsg(4326))
    return path, planted


def score_planted_aircraft(dets: Any, truth: Any, res_m: float = 0.5) -> tuple[int, int, int]:
    """(tp, fp, fn) of detections against planted aircraft ``(row, col, length_m)``: a
    detection is on a planted aircraft when its centre lies within half that aircraft's
    length of the planted centre (as the real-data benchmark asks a detection to lie on a
    labelled aircraft's box); each planted aircraft is matched once."""
    tp = fp = 0
    used: set[int] = set()
    for d in dets:
        near = [(math.hypot(d.row - r, d.col - c) * res_m / (n / 2), j)
                for j, (r, c, n) in enumerate(truth) if j not in used]
        best = min(near) if near else (math.inf, -1)
        if best[0] <= 1.0:
            used.add(best[1])
            tp += 1
        else:
            fp += 1
    return tp, fp, len(truth) - len(used)
