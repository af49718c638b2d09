# mypy: disable-error-code="import-untyped"
"""Scenes an analyst downloaded: open them, name their bands, date them, read a site's window.

Understood layouts (:func:`open_scene`):

* a GeoTIFF / COG with several bands, named by the band descriptions (``B02``, ``B8A``,
  ``SCL``, ``VV``, or common names ``blue``/``green``/``red``/``nir``/``swir16``) or by ``bands``;
* a single-band GeoTIFF named by its band (``..._Sentinel-2_L2A_B08_(Raw).tiff``), or a folder
  of such files, as Sentinel Hub, EO Browser and Copernicus Browser export them;
* a Sentinel-2 SAFE folder or zip (L2A ``IMG_DATA/R10m/*_B02_10m.jp2``, L1C ``*_B02.jp2``), read
  with GDAL's JPEG 2000 driver (through ``/vsizip/`` for a zip);
* a Sentinel-1 GRD GeoTIFF (VV/VH), georeferenced by a transform, or by ground control points
  (the measurement TIFF of a GRD product, warped on the fly to the GCPs' CRS);
* a plain JPEG/PNG/TIFF image with a world file (``.jgw``, ``.pgw``, ``.tfw``, ``.wld``) or a
  pixel size given by the analyst (no position: the whole image is the area).

The acquisition time comes from the metadata (SAFE product name or ``MTD`` file, the
``ACQUISITION_DATE``/``DATATAKE_1_DATATAKE_SENSING_START`` tags) or the file name
(``2023-08-18``, ``20230818T091601``), else from the caller. Provenance is the file's name and
SHA-256 (of the file, or of the sorted names and digests of a folder's files).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from basewatch.errors import BasewatchError

__all__ = ["LocalScene", "SceneReadError", "SceneWindow", "band_name", "georeferenced",
           "ground_pixel_size_m", "open_scene", "parse_time", "read_scene", "tiff_band_names"]

#: Largest image read whole (pixels); a larger scene must be read through a site's area.
MAX_PIXELS = 120_000_000

_BAND_RE = re.compile(r"(?<![A-Za-z0-9])(B0?[1-9]|B1[0-2]|B8A|SCL|VV|VH|HH|HV)(?![A-Za-z0-9])",
                      re.IGNORECASE)
_COMMON = {"coastal": "B01", "blue": "B02", "green": "B03", "red": "B04", "rededge1": "B05",
           "rededge2": "B06", "rededge3": "B07", "nir": "B08", "nir08": "B8A", "nir09": "B09",
           "swir16": "B11", "swir22": "B12", "scl": "SCL", "vv": "VV", "vh": "VH"}
_IMAGE_EXT = (".tif", ".tiff", ".jp2", ".png", ".jpg", ".jpeg")
_WORLD_EXT = {".jpg": ".jgw", ".jpeg": ".jgw", ".png": ".pgw", ".tif": ".tfw", ".tiff": ".tfw"}


class SceneReadError(BasewatchError, ValueError):
    """A local scene cannot be used; the message names the file and the fault."""


def _gdal_message(exc: BaseException) -> str:
    """GDAL's own words for a failed read (rasterio keeps them in the exception's cause)."""
    for e in (exc.__cause__, exc.__context__, exc):
        text = str(e.args[-1] if isinstance(e, Exception) and len(e.args) == 3 else e or "")
        if text and "See previous exception" not in text:
            return text.splitlines()[0][:200]
    return type(exc).__name__


def band_name(text: str) -> str | None:
    """The canonical band a name or description stands for (``B8`` -> ``B08``), or None.

    >>> band_name("2023-08-18-0000_2023-08-18-2359_Sentinel-2_L2A_B8_(Raw).tiff"), band_name("nir")
    ('B08', 'B08')
    """
    key = text.strip().lower()
    if key in _COMMON:
        return _COMMON[key]
    found = _BAND_RE.findall(Path(text).name)
    if not found:
        return None
    b = found[-1].upper()
    return f"B0{b[1]}" if re.fullmatch(r"B\d", b) else b


def parse_time(text: str) -> dt.datetime | None:
    """The acquisition time in a product or file name (UTC), or None.

    >>> parse_time("S2A_MSIL2A_20230818T091601_N0509_R093_T34SGH_20230818T121010.SAFE")
    datetime.datetime(2023, 8, 18, 9, 16, 1, tzinfo=datetime.timezone.utc)
    >>> parse_time("2023-04-08-00_00_2023-04-08-23_59_Sentinel-2_L2A_B02_(Raw).tiff")
    datetime.datetime(2023, 4, 8, 0, 0, tzinfo=datetime.timezone.utc)
    """
    m = re.search(r"(?<!\d)(\d{4})(\d{2})(\d{2})[Tt](\d{2})(\d{2})(\d{2})", text)
    if m:
        parts = [int(g) for g in m.groups()]
    else:
        m = re.search(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):?(\d{2}):?(\d{2}))?", text)
        if not m:
            return None
        parts = [int(g) for g in m.groups(default="0")]
    try:
        y, mo, d, h, mi, sec = parts
        return dt.datetime(y, mo, d, h, mi, sec, tzinfo=dt.UTC)
    except ValueError:
        return None


@dataclass
class LocalScene:
    """An opened local scene: where each band is (GDAL path, band index), its kind and time."""

    path: Path
    sha256: str
    kind: str  # sentinel-2-l2a | sentinel-2-l1c | sentinel-1-grd | image
    bands: dict[str, tuple[str, int]]
    time: dt.datetime | None = None
    pixel_size_m: float | None = None  # given by the analyst for an image without a CRS
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def scene_id(self) -> str:
        return f"local:{self.name}:{self.sha256[:12]}"


@dataclass
class SceneWindow:
    """The bands of a scene over an area, on the grid of its finest band.

    ``inside`` is True on the pixels of the area (and with data); ``transform``/``crs`` place
    the grid (``crs`` None for an image placed only by a pixel size); ``res_m`` is the pixel
    size on the ground in metres.
    """

    bands: dict[str, NDArray[Any]]
    inside: NDArray[np.bool_]
    transform: Any
    crs: str | None
    res_m: float
    window: tuple[int, int, int, int]  # col_off, row_off, width, height in the reference band

    def lonlat(self, rows: list[float], cols: list[float]) -> list[tuple[float, float]]:
        """Positions (lon, lat) of pixel centres given as fractional (row, col) of the grid."""
        if self.crs is None or not rows:
            return []
        from rasterio.transform import xy
        from rasterio.warp import transform

        xs, ys = xy(self.transform, rows, cols)
        lons, lats = transform(self.crs, "EPSG:4326", list(np.atleast_1d(xs)),
                               list(np.atleast_1d(ys)))
        return list(zip(lons, lats, strict=True))


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    if path.is_dir():
        for f in sorted(p for p in path.rglob("*") if p.is_file()):
            h.update(str(f.relative_to(path)).encode() + b"\0" + _sha256(f).encode())
        return h.hexdigest()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _safe_bands(names: list[str], prefix: str) -> dict[str, tuple[str, int]]:
    """Band files of a SAFE product: the finest resolution of each band."""
    out: dict[str, tuple[int, str]] = {}
    for n in names:
        if "/IMG_DATA/" not in n or not n.lower().endswith(".jp2") or "/QI_DATA/" in n:
            continue
        stem = Path(n).stem
        m = re.search(r"_(B\d{2}|B8A|SCL)(?:_(\d+)m)?$", stem)
        if not m:
            continue
        res = int(m[2] or 0)
        if m[1] not in out or res < out[m[1]][0]:
            out[m[1]] = (res, n)
    return {b: (prefix + n, 1) for b, (_, n) in out.items()}


def _open_safe(path: Path) -> tuple[dict[str, tuple[str, int]], str, dt.datetime | None]:
    if path.is_dir():
        names = [str(p.relative_to(path.parent)) for p in path.rglob("*.jp2")]
        prefix = str(path.parent) + "/"
    else:
        try:
            with zipfile.ZipFile(path) as z:
                bad = z.testzip()
                if bad is not None:
                    raise SceneReadError(f"{path.name}: corrupt SAFE zip (bad CRC in {bad})")
                names = z.namelist()
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise SceneReadError(f"{path.name}: not a readable SAFE zip ({exc})") from None
        prefix = f"/vsizip/{path}/"
    bands = _safe_bands(names, prefix)
    if not bands:
        raise SceneReadError(f"{path.name}: no Sentinel-2 band files (IMG_DATA/*.jp2) in the SAFE")
    product = next((n.split("/")[0] for n in names if ".SAFE" in n.split("/")[0]), path.name)
    kind = "sentinel-2-l2a" if "MSIL2A" in product or "SCL" in bands else "sentinel-2-l1c"
    return bands, kind, parse_time(product)


def _tiff_bands(path: Path, given: list[str] | None) -> tuple[dict[str, tuple[str, int]], dict[str, str]]:
    import rasterio
    from rasterio.errors import NotGeoreferencedWarning, RasterioError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            with rasterio.open(path) as ds:
                descs = list(ds.descriptions)
                interp = [ci.name for ci in ds.colorinterp]
                tags = dict(ds.tags())
                count = ds.count
                # A truncated file opens and fails at the first read of a missing block:
                # read the last line of every band now, not after the analysis.
                ds.read(window=((ds.height - 1, ds.height), (0, ds.width)))
    except (RasterioError, OSError) as exc:
        raise SceneReadError(f"{path.name}: cannot read the image, truncated or damaged? "
                             f"({_gdal_message(exc)})") from None
    names = tiff_band_names(path.name, count, descs, interp, given)
    return {n: (str(path), i + 1) for i, n in enumerate(names)}, tags


def tiff_band_names(file_name: str, count: int, descs: Sequence[str | None],
                    interp: Sequence[str], given: list[str] | None = None) -> list[str]:
    """The canonical names of an image's ``count`` bands, in order: ``given`` (``--bands``), else
    a single band by its description or the file's name (``gray`` if neither names it), else the
    band descriptions, else red/green/blue(/alpha) for a JPEG/PNG or an RGB(A) GeoTIFF by its
    colour interpretation. One rule for a local file and a COG read by URL.

    >>> tiff_band_names("x.tif", 3, [None, None, None], ["red", "green", "blue"])
    ['red', 'green', 'blue']
    >>> tiff_band_names("scene_B08.tif", 1, [None], ["gray"])
    ['B08']
    """
    if given:
        if len(given) != count:
            raise SceneReadError(f"{file_name}: --bands names {len(given)} bands, the file has {count}")
        return [band_name(b) or b.upper() for b in given]
    if count == 1:
        return [band_name(descs[0] or "") or band_name(file_name) or "gray"]
    if all(d and band_name(d) for d in descs):
        return [band_name(d or "") or "" for d in descs]
    if count in (3, 4) and Path(file_name).suffix.lower() in (".jpg", ".jpeg", ".png"):
        return ["red", "green", "blue", "alpha"][:count]
    if {"red", "green", "blue"} <= set(interp) and len(set(interp)) == count:
        return list(interp)  # an RGB(A) GeoTIFF: its colour interpretation names the bands
    raise SceneReadError(f"{file_name}: {count} bands without band descriptions: "
                         "name them with --bands (e.g. B02,B03,B04,B08)")


def open_scene(path: str | Path, *, bands: list[str] | None = None,
               pixel_size_m: float | None = None) -> LocalScene:
    """Open a local scene (see the module docstring); raises :class:`SceneReadError` naming the
    file and the fault."""
    p = Path(path)
    if not p.exists():
        raise SceneReadError(f"{p}: no such file or folder")
    notes: list[str] = []
    time: dt.datetime | None = None
    if p.suffix.lower() == ".zip" or (p.is_dir() and p.name.upper().endswith(".SAFE")):
        found, kind, time = _open_safe(p)
    elif p.is_dir():
        found = {}
        for f in sorted(p.iterdir()):
            if f.suffix.lower() not in (".tif", ".tiff", ".jp2"):
                continue
            b = band_name(f.name)
            if b is None:
                continue
            if b in found:
                raise SceneReadError(f"{p.name}: two files for band {b} "
                                     f"({Path(found[b][0]).name}, {f.name})")
            found.update({b: (str(f), 1)})
            time = time or parse_time(f.name)
        if not found:
            raise SceneReadError(f"{p.name}: no band files named by band (B02, B08, SCL, VV...)")
        for b in list(found):  # check every file opens whole (truncated exports are common)
            _tiff_bands(Path(found[b][0]), [b])
        kind = "sentinel-1-grd" if {"VV", "VH"} & set(found) else "sentinel-2-l2a"
    else:
        if p.suffix.lower() not in _IMAGE_EXT:
            raise SceneReadError(f"{p.name}: not an image this reader knows ({', '.join(_IMAGE_EXT)}, "
                                 "a folder of band files, or a SAFE folder/zip)")
        found, tags = _tiff_bands(p, bands)
        time = parse_time(tags.get("ACQUISITION_DATE", "") or tags.get(
            "DATATAKE_1_DATATAKE_SENSING_START", "")) or parse_time(p.name)
        if {"VV", "VH", "HH", "HV"} & set(found) or "sentinel-1" in p.name.lower():
            kind = "sentinel-1-grd"
            if "gray" in found:
                found = {"VV": found.pop("gray")}
        elif {"B02", "B03", "B04", "B08", "B11"} & set(found):
            kind = "sentinel-2-l2a" if "L1C" not in p.name.upper() else "sentinel-2-l1c"
        else:
            kind = "image"
    return LocalScene(p, _sha256(p), kind, found, time, pixel_size_m, notes)


def georeferenced(scene: LocalScene) -> bool:
    """True when the scene's first band has a CRS and a transform (its pixels can be placed)."""
    import rasterio
    from rasterio.errors import NotGeoreferencedWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        with rasterio.open(next(iter(scene.bands.values()))[0]) as ds:
            return (ds.crs is not None and not ds.transform.is_identity) or bool(ds.gcps[0])


def _open(path: str) -> Any:
    """A dataset; one placed only by ground control points (a GRD measurement TIFF in radar
    geometry) is warped on the fly to the GCPs' CRS (GDAL's warped VRT: windows are read
    without warping the whole file)."""
    import rasterio
    from rasterio.vrt import WarpedVRT

    ds = rasterio.open(path)
    gcps, gcp_crs = ds.gcps
    if (ds.crs is None or ds.transform.is_identity) and gcps and gcp_crs is not None:
        # 0 is a GRD's fill value (outside the swath); it also fills the warp's margins.
        vrt = WarpedVRT(ds, src_crs=gcp_crs, crs=gcp_crs,
                        nodata=0 if ds.nodata is None else ds.nodata)
        vrt._basewatch_src = ds  # keep the source open as long as the VRT
        return vrt
    return ds


def ground_pixel_size_m(transform: Any, crs: Any, row: float, col: float) -> float:
    """The pixel's size on the ground (geometric mean of its two sides, geodesic), in metres:
    10 Web Mercator metres are 10·cos(lat) m on the ground."""
    from pyproj import Geod
    from rasterio.transform import xy
    from rasterio.warp import transform as warp

    xs, ys = xy(transform, [row, row, row + 1], [col, col + 1, col], offset="ul")
    lons, lats = warp(crs, "EPSG:4326", xs, ys)
    g = Geod(ellps="WGS84")
    _, _, dx = g.inv(lons[0], lats[0], lons[1], lats[1])
    _, _, dy = g.inv(lons[0], lats[0], lons[2], lats[2])
    return float(np.sqrt(dx * dy))


def read_scene(scene: LocalScene, area_lonlat: Any = None,
               want: tuple[str, ...] | None = None) -> SceneWindow:
    """Read the bands ``want`` (all if None) of ``scene`` over ``area_lonlat`` (a WGS84 polygon;
    None: the whole scene), on the grid of the finest band. Raises :class:`SceneReadError` when
    the area misses the scene, a band is missing, or a file cannot be read."""
    import rasterio
    from rasterio.enums import Resampling
    from rasterio.errors import NotGeoreferencedWarning, RasterioError, WindowError
    from rasterio.features import geometry_mask
    from rasterio.warp import transform_geom
    from rasterio.windows import Window, from_bounds
    from shapely.geometry import box, mapping, shape

    names = list(want) if want else list(scene.bands)
    missing = [b for b in names if b not in scene.bands]
    if missing:
        raise SceneReadError(f"{scene.name}: band {', '.join(missing)} missing "
                             f"(has {', '.join(scene.bands)})")
    out: dict[str, NDArray[Any]] = {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            # Reference grid: the finest band among those wanted.
            dss = {b: _open(scene.bands[b][0]) for b in names}
            try:
                ref_b = min(names, key=lambda b: abs(dss[b].transform.a) or 1.0)
                ref = dss[ref_b]
                crs = ref.crs.to_string() if ref.crs else None
                georef = crs is not None and not ref.transform.is_identity
                world = ref.crs is None and not ref.transform.is_identity
                if not georef and scene.pixel_size_m is None and not world:
                    raise SceneReadError(f"{scene.name}: no georeferencing (no CRS, no world "
                                         "file): give --pixel-size in metres")
                full = Window(0, 0, ref.width, ref.height)
                if area_lonlat is not None and georef:
                    geom = shape(transform_geom("EPSG:4326", crs, mapping(area_lonlat)))
                    if not geom.intersects(box(*ref.bounds)):
                        raise SceneReadError(f"{scene.name}: the site's area lies outside the "
                                             "scene")
                    f = from_bounds(*geom.bounds, transform=ref.transform)
                    c0, r0 = int(np.floor(f.col_off)), int(np.floor(f.row_off))
                    win = Window(c0, r0, int(np.ceil(f.col_off + f.width)) - c0,
                                 int(np.ceil(f.row_off + f.height)) - r0)
                    try:
                        win = win.intersection(full)
                    except WindowError:
                        raise SceneReadError(f"{scene.name}: the site's area lies outside the "
                                             "scene") from None
                else:
                    geom, win = None, full
                if win.width * win.height * len(names) > MAX_PIXELS:
                    raise SceneReadError(f"{scene.name}: {win.width}x{win.height} px over the "
                                         "area is too large to read at once; draw a smaller area")
                tr = ref.window_transform(win)
                shp = (int(win.height), int(win.width))
                bounds = rasterio.windows.bounds(win, ref.transform)
                valid = np.ones(shp, bool)
                for b in names:
                    ds, idx = dss[b], scene.bands[b][1]
                    if ds is ref or (ds.transform == ref.transform and ds.shape == ref.shape):
                        arr = ds.read(idx, window=win)
                    else:
                        w2 = from_bounds(*bounds, transform=ds.transform)
                        arr = ds.read(idx, window=w2, out_shape=shp, boundless=True, fill_value=0,
                                      resampling=Resampling.nearest)
                    if ds.nodata is not None and b != "SCL":
                        valid &= arr != ds.nodata
                    out[b] = arr
                if georef:
                    res_m = ground_pixel_size_m(tr, crs, shp[0] / 2, shp[1] / 2)
                else:
                    # A world file without a CRS gives the pixel size (in metres, as analysts'
                    # world files for images in a metric grid do); --pixel-size wins.
                    res_m = float(scene.pixel_size_m or abs(ref.transform.a))
                    crs = None
            finally:
                for ds in dss.values():
                    ds.close()
                    src = getattr(ds, "_basewatch_src", None)
                    if src is not None:
                        src.close()
    except SceneReadError:
        raise
    except (RasterioError, OSError) as exc:
        raise SceneReadError(f"{scene.name}: cannot read the bands, truncated or damaged? "
                             f"({_gdal_message(exc)})") from None
    inside = valid
    if geom is not None:
        inside = inside & ~geometry_mask([mapping(geom)], out_shape=shp, transform=tr)
    if not inside.any():
        raise SceneReadError(f"{scene.name}: no data over the site's area")
    return SceneWindow(out, inside, tr, crs, res_m,
                       (int(win.col_off), int(win.row_off), int(win.width), int(win.height)))
