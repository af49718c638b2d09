# mypy: disable-error-code="import-untyped"
"""Seeded generator of SYNTHETIC test scenes: tiny COGs in the layouts of Sentinel-2 L2A and
Sentinel-1 GRD, and STAC item JSON in the real schema pointing to them.

No imagery can be downloaded here, so the tests, the benchmark and the loopback demo run on
these. A scene is a square of ``size`` pixels (10 m) in the site's UTM zone, centred on a water
area (harbour basin): the basin and the open sea west of it are water, the rest land. Vessels are
planted in the basin at known positions with known lengths (the truth the detectors are scored
against); Sentinel-2 scenes may carry a cloud over the site, marked in the SCL band.

Sentinel-1 backscatter is linear intensity with gamma speckle (``enl`` looks): water mean
-20 dB, land -10 dB, vessels ``snr_db`` above the water mean. Sentinel-2 reflectances are
scaled by 10 000 like L2A (water NIR ~ 200, land ~ 2500, vessels ~ 1800). Unlike real GRD
(radar geometry with GCPs) the Sentinel-1 COGs here are georeferenced like RTC products.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
from rasterio.features import geometry_mask
from rasterio.transform import from_origin, xy
from rasterio.warp import transform_geom
from shapely.geometry import box, mapping, shape
from shapely.geometry.base import BaseGeometry

__all__ = ["DEMO_PASSES", "GENERATOR", "PlantedVessel", "SceneSpec", "demo_catalog",
           "generate_apron_image", "generate_scene"]

GENERATOR = "basewatch.demo.imagery_scenes"
COG_TYPE = "image/tiff; application=geotiff; profile=cloud-optimized"
#: Lengths (m) of the vessels planted by default: two frigates, a submarine, a small craft.
DEFAULT_FLEET = (("frigate", 130.0), ("frigate", 125.0), ("submarine", 74.0), ("small", 30.0))


@dataclass(frozen=True)
class PlantedVessel:
    """Truth: a vessel planted at (lon, lat), its class and length in metres."""

    lon: float
    lat: float
    kind: str
    length_m: float


@dataclass(frozen=True)
class SceneSpec:
    """One synthetic acquisition over a water area of a site."""

    collection: str  # sentinel-2-l2a | sentinel-1-grd
    time: dt.datetime
    fleet: tuple[tuple[str, float], ...] = DEFAULT_FLEET
    cloud_fraction: float = 0.0  # share of the scene under cloud, from the north edge
    snr_db: float = 15.0
    enl: int = 4
    size: int = 256
    blocksize: int = 128  # COG tile size in pixels, >= 128 (real products use 512 or 1024)
    surface: str = "water"  # water: vessels in a harbour basin; apron: aircraft on concrete


def utm_epsg(lon: float, lat: float) -> int:
    """EPSG code of the WGS84 UTM zone holding (lon, lat), as Sentinel tiles use."""
    zone = int((lon + 180) // 6) + 1
    return (32600 if lat >= 0 else 32700) + zone


def _cog(path: Path, arr: np.ndarray, transform: Any, epsg: int, nodata: float | None,
         blocksize: int) -> int:
    profile = {"driver": "COG", "width": arr.shape[-1], "height": arr.shape[-2], "count": 1,
               "dtype": arr.dtype.name, "crs": f"EPSG:{epsg}", "transform": transform,
               "blocksize": blocksize, "compress": "deflate", "nodata": nodata}
    with rasterio.open(path, "w", **profile) as ds:
        ds.write(arr, 1)
    return path.stat().st_size


def _place(rng: np.random.Generator, basin_px: np.ndarray, fleet: tuple[tuple[str, float], ...],
           res: float, square: bool = False) -> list[tuple[str, float, int, int, bool]]:
    """(kind, length_m, row, col, horizontal) of non-overlapping vessels inside the basin."""
    taken = np.zeros_like(basin_px)
    out = []
    for kind, length in fleet:
        n = max(1, round(length / res))
        for _ in range(500):
            horiz = bool(rng.random() < 0.5)
            h, w = (n, n) if square else (2, n) if horiz else (n, 2)
            r = int(rng.integers(0, basin_px.shape[0] - h))
            c = int(rng.integers(0, basin_px.shape[1] - w))
            r0, r1, c0, c1 = max(r - 3, 0), r + h + 3, max(c - 3, 0), c + w + 3
            if basin_px[r0:r1, c0:c1].all() and not taken[r0:r1, c0:c1].any():
                taken[r:r + h, c:c + w] = True
                out.append((kind, length, r, c, horiz))
                break
    return out


def generate_scene(spec: SceneSpec, basin_lonlat: BaseGeometry, out_dir: Path, base_url: str,
                   seed: int) -> tuple[dict[str, Any], list[PlantedVessel]]:
    """Write the COGs of one scene into ``out_dir`` and return (STAC item, planted vessels)."""
    rng = np.random.default_rng(seed)
    c = basin_lonlat.centroid
    epsg = utm_epsg(c.x, c.y)
    basin = shape(transform_geom("EPSG:4326", f"EPSG:{epsg}", mapping(basin_lonlat)))
    res, size, blocksize = 10.0, spec.size, spec.blocksize
    # The basin sits at three quarters of the square (inside one tile when size = 2 tiles).
    x0 = round(basin.centroid.x / 10) * 10 - size * res * 3 / 4
    y0 = round(basin.centroid.y / 10) * 10 + size * res * 3 / 4
    tr = from_origin(x0, y0, res, res)
    basin_px = ~geometry_mask([mapping(basin)], (size, size), tr)
    cols = np.arange(size)[None, :].repeat(size, 0)
    apron = spec.surface == "apron"
    sea = cols < int((basin.bounds[0] - x0) / res) - 2
    water = np.zeros_like(basin_px) if apron else basin_px | sea
    placed = _place(rng, basin_px, spec.fleet, res, square=apron)
    ship = np.zeros((size, size), bool)
    truth = []
    for kind, length, r, col, horiz in placed:
        n = max(1, round(length / res))
        h, w = (n, n) if apron else (2, n) if horiz else (n, 2)
        ship[r:r + h, col:col + w] = True
        cx, cy = xy(tr, r + (h - 1) / 2, col + (w - 1) / 2)
        lonlat = transform_geom(f"EPSG:{epsg}", "EPSG:4326", {"type": "Point", "coordinates": (cx, cy)})
        lon, lat = lonlat["coordinates"]
        truth.append(PlantedVessel(float(lon), float(lat), kind, length))
    day = spec.time.strftime("%Y%m%d")
    files: dict[str, tuple[str, int, tuple[int, int], Any]] = {}
    if spec.collection == "sentinel-1-grd":
        item_id = f"S1A_IW_GRDH_1SDV_{spec.time:%Y%m%dT%H%M%S}_SYNTH_{seed % 10000:04d}"
        for pol, offset_db in (("vv", 0.0), ("vh", -6.0)):
            mean = np.where(water, 10 ** ((-20 + offset_db) / 10), 10 ** ((-10 + offset_db) / 10))
            mean = np.where(ship, 10 ** ((-20 + offset_db + spec.snr_db) / 10), mean)
            arr = (rng.gamma(spec.enl, 1.0 / spec.enl, (size, size)) * mean).astype("float32")
            name = f"{item_id}_{pol}.tif"
            n = _cog(out_dir / name, arr, tr, epsg, None, blocksize)
            files[pol] = (name, n, (size, size), tr)
        props: dict[str, Any] = {"platform": "sentinel-1a", "constellation": "sentinel-1",
                                 "sar:instrument_mode": "IW", "sar:polarizations": ["VV", "VH"],
                                 "sar:product_type": "GRD", "sar:frequency_band": "C"}
    else:
        item_id = f"S2B_{epsg % 100}SYN_{day}_0_L2A_{seed % 10000:04d}"
        cloud = np.zeros((size, size), bool)
        if spec.cloud_fraction > 0:
            cloud[: round(spec.cloud_fraction * size), :] = True
        base = {"blue": (300, 1200), "green": (350, 1300), "red": (250, 1400), "nir": (200, 2500)}
        for band, (w_val, l_val) in base.items():
            arr = np.where(water, w_val, l_val) + rng.normal(0, 30, (size, size))
            if apron:  # concrete apron brighter than the land around; aircraft darker on it
                arr = np.where(basin_px, l_val + 600 + rng.normal(0, 30, (size, size)), arr)
                arr = np.where(ship, l_val - 900, arr)
            else:
                arr = np.where(ship, 1800, arr)
            arr = np.where(cloud, 6000 + rng.normal(0, 200, (size, size)), arr)
            name = f"{item_id}_{band}.tif"
            n = _cog(out_dir / name, np.clip(arr, 1, 10000).astype("uint16"), tr, epsg, 0, blocksize)
            files[band] = (name, n, (size, size), tr)
        # SCL at 20 m: 6 water, 5 bare soil, 9 cloud high probability (0 is nodata)
        scl = np.where(water, 6, 5).astype("uint8")
        scl = np.where(cloud, 9, scl)[::2, ::2].copy()
        name = f"{item_id}_scl.tif"
        tr20 = from_origin(x0, y0, 20.0, 20.0)
        files["scl"] = (name, _cog(out_dir / name, scl, tr20, epsg, 0, max(blocksize // 2, 128)),
                        scl.shape, tr20)
        props = {"platform": "sentinel-2b", "constellation": "sentinel-2",
                 "eo:cloud_cover": round(100 * float(cloud.mean()), 2),
                 "s2:processing_baseline": "05.10", "mgrs:utm_zone": epsg % 100}
    foot_utm = box(x0, y0 - size * res, x0 + size * res, y0)
    foot = shape(transform_geom(f"EPSG:{epsg}", "EPSG:4326", mapping(foot_utm)))
    item = {
        "type": "Feature", "stac_version": "1.0.0",
        "stac_extensions": ["https://stac-extensions.github.io/projection/v1.1.0/schema.json"],
        "id": item_id, "collection": spec.collection,
        "geometry": mapping(foot), "bbox": list(foot.bounds),
        "properties": {"datetime": spec.time.isoformat().replace("+00:00", "Z"), "proj:epsg": epsg,
                       "synthetic": True, "generator": GENERATOR, "seed": seed, **props},
        "links": [],
        "assets": {k: {"href": f"{base_url}/{fn}", "type": COG_TYPE, "roles": ["data"],
                       "proj:shape": list(shp), "proj:transform": list(t)[:6],
                       "file:size": n}
                   for k, (fn, n, shp, t) in files.items()},
    }
    (out_dir / f"{item_id}.json").write_text(json.dumps(item, indent=1), "utf-8")
    return item, truth


def generate_apron_image(aircraft: tuple[tuple[float, float], ...], n_vehicles: int, seed: int,
                         size: int = 512, res_m: float = 0.5, tone: float = 0.35
                         ) -> tuple[np.ndarray, list[tuple[float, float, float]]]:
    """A SYNTHETIC high-resolution apron (reflectance, ``size`` px at ``res_m``) with aircraft
    of (length_m, span_m) planted at random headings, and small vehicles as clutter.

    Returns the image and the truth: (row, col, length_m) of each aircraft's centre. Concrete is
    0.60 +- 0.02. An aircraft (reflectance ``tone``: 0.35 grey camouflage, 0.85 white paint) is
    a silhouette: a fuselage 9 % of its length wide with a tapered nose, swept and tapered wings
    (root chord 18 % of the length, tip a third of that, leading edge swept 30 degrees) and a
    swept tailplane of a third of the span; its shadow (0.25) falls 3 m to the south-east.
    Vehicles (4 m x 2 m) are 0.30.
    """
    rng = np.random.default_rng(seed)
    img = 0.60 + rng.normal(0, 0.02, (size, size))
    rr, cc = np.mgrid[0:size, 0:size].astype(float)
    taken = np.zeros((size, size), bool)
    truth: list[tuple[float, float, float]] = []
    shift = max(1, round(3.0 / math.sqrt(2) / res_m))  # the shadow: 3 m to the south-east

    def body_uv(r0: float, c0: float, theta: float) -> tuple[np.ndarray, np.ndarray]:
        """Metres along the heading (u, nose positive) and across it (v) of every pixel."""
        u = ((cc - c0) * np.cos(theta) + (rr - r0) * np.sin(theta)) * res_m
        v = (-(cc - c0) * np.sin(theta) + (rr - r0) * np.cos(theta)) * res_m
        return u, v

    def surface(u: np.ndarray, v: np.ndarray, root_le: float, root_chord: float,
                half_span: float) -> np.ndarray:
        """A lifting surface (wing, tailplane): leading edge at ``root_le`` on the axis and
        swept back 30 degrees, the chord tapering to a third at the tip."""
        av = np.abs(v)
        le = root_le - av * math.tan(math.radians(30.0))
        chord = root_chord * (1 - (2 / 3) * av / half_span)
        out: np.ndarray = (av <= half_span) & (u <= le) & (u >= le - chord)
        return out

    def aircraft_mask(r0: float, c0: float, theta: float, length: float, span: float) -> np.ndarray:
        u, v = body_uv(r0, c0, theta)
        half_w = max(0.75, 0.045 * length)
        nose = np.clip((length / 2 - u) / (3 * half_w), 0.0, 1.0)
        m = (np.abs(u) <= length / 2) & (np.abs(v) <= half_w * np.sqrt(nose))
        m |= surface(u, v, 0.12 * length, 0.18 * length, span / 2)
        m |= surface(u, v, -0.32 * length, 0.10 * length, span / 6)
        return m

    def vehicle_mask(r0: float, c0: float, theta: float, length: float, span: float) -> np.ndarray:
        u, v = body_uv(r0, c0, theta)
        out: np.ndarray = (np.abs(u) <= length / 2) & (np.abs(v) <= span / 2)
        return out

    def place(draw: Any, length: float, span: float, shadow: bool
              ) -> tuple[float, float, np.ndarray] | None:
        margin = (max(length, span) / 2 + 3) / res_m + 4
        for _ in range(200):
            r0, c0 = rng.uniform(margin, size - margin, 2)
            m = draw(float(r0), float(c0), float(rng.uniform(0, 2 * np.pi)), length, span)
            foot = m | np.roll(m, (shift, shift), axis=(0, 1)) if shadow else m
            grown = foot.copy()
            for _ in range(int(5 / res_m)):  # keep 5 m between objects
                grown[1:] |= grown[:-1]
                grown[:-1] |= grown[1:]
                grown[:, 1:] |= grown[:, :-1]
                grown[:, :-1] |= grown[:, 1:]
            if not (grown & taken).any():
                taken[foot] = True
                return float(r0), float(c0), m
        return None

    for length, span in aircraft:
        at = place(aircraft_mask, length, span, shadow=True)
        if at:
            plane = at[2]
            shade = np.roll(plane, (shift, shift), axis=(0, 1)) & ~plane
            img[shade] = 0.25 + rng.normal(0, 0.02, int(shade.sum()))
            img[plane] = tone + rng.normal(0, 0.02, int(plane.sum()))
            truth.append((at[0], at[1], length))
    for _ in range(n_vehicles):
        at = place(vehicle_mask, 4.0, 2.0, shadow=False)
        if at:
            img[at[2]] = 0.30 + rng.normal(0, 0.02, int(at[2].sum()))
    return img, truth


#: The demo's synthetic acquisitions over Tartus: (collection, time). The flotilla is planted
#: before 3 Dec 2024 and absent from it, as MT Anderson's post of 3 Dec reports.
DEMO_PASSES = (
    ("sentinel-2-l2a", dt.datetime(2024, 11, 28, 8, 25, tzinfo=dt.UTC)),
    ("sentinel-1-grd", dt.datetime(2024, 11, 30, 3, 45, tzinfo=dt.UTC)),
    ("sentinel-2-l2a", dt.datetime(2024, 12, 3, 8, 25, tzinfo=dt.UTC)),
    ("sentinel-1-grd", dt.datetime(2024, 12, 5, 3, 45, tzinfo=dt.UTC)),
)
DEPARTURE = dt.datetime(2024, 12, 2, tzinfo=dt.UTC)


def demo_catalog(root: Path, basin_lonlat: BaseGeometry, base_url: str,
                 seed: int = 20241203) -> list[dict[str, Any]]:
    """SYNTHETIC scenes of the demo over the Tartus basin, written to ``root``: STAC items."""
    items = []
    for i, (coll, t) in enumerate(DEMO_PASSES):
        fleet = DEFAULT_FLEET if t < DEPARTURE else ()
        item, _ = generate_scene(SceneSpec(coll, t, fleet=fleet), basin_lonlat, root, base_url,
                                 seed=seed + i)
        items.append(item)
    return items
