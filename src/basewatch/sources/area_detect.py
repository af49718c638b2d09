"""One home for what a scene's bands over one named area give: the detections, the method's
name, the values a chip shows, the brightness kept for the site's history, and the counts.

Both ways a scene comes in call it: a scene an analyst downloaded (:mod:`.local_process`) and a
scene found through a STAC API (:mod:`.imagery_process`). They only read the pixels (their own
way: a file, or windowed COG reads) and give them here on one grid with the canonical band
names (``B02`` ``B03`` ``B04`` ``B08`` ``B11`` ``SCL``, ``VV``), so that the same pixels give the
same detections whichever way they came.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from basewatch.analysis.detect import SIZE_BINS, Detection, apron_presence, cfar_vessels
from basewatch.model import Provenance
from basewatch.model.imagery import CountMethod, ImageryCount, Scene

__all__ = ["AIRCRAFT_MAX_RES_M", "AreaDetection", "AreaMethodError", "HistoryPlace", "area_counts", "detect_area",
           "read_image_area", "sensor_name"]

#: Aircraft are counted on pixels of 1 m or finer; coarser pixels of an apron give presence only.
AIRCRAFT_MAX_RES_M = 1.0


class AreaMethodError(ValueError):
    """No method fits the area and the pixels (e.g. 3 m pixels of an apron in a plain image)."""


@dataclass(frozen=True)
class HistoryPlace:
    """Where the site's per-pixel history of an area is and which scenes count as earlier."""

    workspace_folder: Path
    site: str
    area: str
    before: dt.datetime


@dataclass
class AreaDetection:
    """What one area of one scene gave."""

    kind: str
    method: str
    detections: list[Detection]
    chip: NDArray[np.float64]
    keep: NDArray[np.float64] | None = None  # brightness to keep for the site's history
    history_scenes: int = 0


def sensor_name(kind: str, res_m: float) -> str:
    """The sensor label of a count: a scene's kind (``sentinel-2-l2a``...) or the pixel size."""
    if kind.startswith("sentinel-1"):
        return "Sentinel-1 GRD"
    if kind.startswith("sentinel-2"):
        return "Sentinel-2 L1C" if kind.endswith("l1c") else "Sentinel-2 L2A"
    return f"image {res_m:.2g} m"


def _gray(bands: dict[str, NDArray[Any]]) -> NDArray[np.float64]:
    vis = [v.astype(np.float64) for k, v in bands.items() if k != "alpha"]
    out: NDArray[np.float64] = np.mean(np.stack(vis), axis=0)
    return out


def detect_area(bands: dict[str, NDArray[Any]], inside: NDArray[np.bool_], *, res_m: float,
                kind: str, scene_kind: str, grid: tuple[tuple[float, ...], str] | None = None,
                history: HistoryPlace | None = None, vessel_params: Any = None,
                aircraft_params: Any = None, aircraft_model: Any = None,
                pfa: float = 1e-4) -> AreaDetection:
    """Detect in one area: ``bands`` (canonical names, one grid), ``inside`` the area's pixels
    with data, ``res_m`` the pixel on the ground (m), ``kind`` the area's (water, apron,
    airfield), ``scene_kind`` the scene's (``sentinel-2-l2a``, ``sentinel-1-grd``, ``image``).

    Aircraft at <= 1 m (by the classical counter, or by ``aircraft_model``, an
    :class:`~basewatch.analysis.aircraft_model.AircraftModel` the user trained); Sentinel-1 water: CFAR on the water seen in the scene; Sentinel-2 water:
    :func:`basewatch.analysis.vessels.detect_vessels` with the history of ``history`` on the
    same ``grid`` (transform, CRS); Sentinel-2 aprons: presence. Raises ValueError for pixels
    :class:`AreaMethodError` for pixels too coarse for aircraft in an image that is not
    Sentinel-1/2.
    """
    from basewatch.analysis.vessels import brightness_band, detect_vessels, sar_water

    s1, s2 = scene_kind.startswith("sentinel-1"), scene_kind.startswith("sentinel-2")
    if res_m <= AIRCRAFT_MAX_RES_M and kind != "water" and aircraft_model is not None:
        from basewatch.analysis.aircraft_training import count_with_model

        dets = count_with_model(bands, inside, res_m=res_m, model=aircraft_model,
                                params=aircraft_params)
        return AreaDetection(kind, "aircraft (candidates re-scored by a trained model)", dets,
                             _gray(bands))
    if res_m <= AIRCRAFT_MAX_RES_M and kind != "water":
        from basewatch.analysis.aircraft import count_parked_aircraft

        dets = count_parked_aircraft(bands, inside, res_m=res_m, params=aircraft_params)
        return AreaDetection(kind, "aircraft (top-hat, shape)", dets, _gray(bands))
    if s1:
        x = bands["VV" if "VV" in bands else next(iter(bands))].astype(np.float64)
        dets: list[Detection] = []
        if kind == "water":
            water = sar_water(x, res_m) & inside
            dets = cfar_vessels(np.where(x < 0, 10 ** (x / 10), x), water, res_m=res_m, pfa=pfa)
        return AreaDetection(kind, "CFAR (Sentinel-1)", dets, x)
    if s2 and kind == "water":
        from basewatch.store.imagery import area_background

        _, bright = brightness_band(bands)
        hist, hist_n = None, 0
        if history is not None and grid is not None:
            hist, hist_n = area_background(history.workspace_folder, history.site, history.area,
                                           history.before, grid[0], grid[1], bright.shape)
        dets = detect_vessels(bands, inside, res_m=res_m, params=vessel_params, history=hist)
        return AreaDetection(kind, "vessels (Sentinel-2 water, shape, history)", dets, bright,
                             keep=bright if grid is not None else None, history_scenes=hist_n)
    if s2:
        _, bright = brightness_band(bands)
        dets = apron_presence(bright, inside, res_m=res_m)
        return AreaDetection(kind, "presence (Sentinel-2, 10 m)", dets, bright)
    raise AreaMethodError(f"{res_m:.2g} m pixels: aircraft need <= {AIRCRAFT_MAX_RES_M:g} m, "
                     "vessels a Sentinel-1/2 scene")


def area_counts(scene: Scene, area: str, kind: str, dets: list[Detection], res_m: float, *,
                sensor: str, provenance: Provenance, presence_only: bool) -> list[ImageryCount]:
    """The counts of one area: vessels by size bin (water), else aircraft (a presence flag when
    ``presence_only``: pixels too coarse to count them)."""

    def rec(cls: str, n: int, presence: bool = False) -> ImageryCount:
        return ImageryCount(scene.site, area, scene.time, cls, n, sensor, provenance,
                            resolution_m=round(res_m, 3), method=CountMethod.DETECTOR,
                            presence_only=presence, scene_id=scene.id)

    if kind == "water":
        return [rec("vessel_any", len(dets))] + [
            rec(name, sum(d.kind == name for d in dets)) for _, name in SIZE_BINS]
    if presence_only:
        return [rec("aircraft", int(bool(dets)), presence=True)]
    return [rec("aircraft", len(dets))]


def read_image_area(image: str, area: Any, bands: list[str] | None = None) -> tuple[dict[str, NDArray[Any]], NDArray[np.bool_], float,
                                                   Callable[[list[float], list[float]], list[tuple[float, float]]]]:
    """The bands of a high-resolution ``image`` over ``area`` (a WGS84 polygon), for
    :func:`detect_area`, read the same way from a local file or a COG by URL: all its bands,
    named by one rule (:func:`basewatch.sources.local_scene.tiff_band_names`: an RGB image gives
    ``red``/``green``/``blue``), the window of the area's bounds, pixels inside the polygon with
    data in every band, and the ground pixel size at the window's centre. A local file goes
    through the reader of `imagery process --scene`; a URL through windowed COG reads (the first
    band fixes the grid, the others are read onto it). Returns (bands, pixels inside the area,
    pixel size in m, (rows, cols) -> [(lon, lat)]). ``bands`` names the bands in order where
    the file does not (``--bands``)."""
    if not image.startswith(("http://", "https://")):
        from basewatch.sources.local_scene import open_scene, read_scene

        win = read_scene(open_scene(image, bands=bands), area)
        if win.crs is None:
            from basewatch.errors import ValidationError

            raise ValidationError(f"{image}: no georeferencing; the site's area cannot be placed "
                                  "on it (count the whole image with `imagery process --scene "
                                  "PATH --pixel-size M`)")
        return win.bands, win.inside, win.res_m, win.lonlat
    from urllib.parse import urlparse

    import httpx
    from rasterio.transform import xy
    from rasterio.warp import transform

    from basewatch.sources.cog import FetchStats, read_window
    from basewatch.sources.local_scene import ground_pixel_size_m, tiff_band_names

    stats = FetchStats()
    with httpx.Client(timeout=30.0) as client:
        first = read_window(image, area, client, stats)
        names = tiff_band_names(Path(urlparse(image).path).name or image, first.band_count,
                                first.descriptions, first.colorinterp, bands)
        reads = [first] + [read_window(image, area, client, stats, band=i, like=first)
                           for i in range(2, first.band_count + 1)]
    bands = {n: np.ma.getdata(r.data) for n, r in zip(names, reads, strict=True)}
    inside = ~np.logical_or.reduce([np.ma.getmaskarray(r.data) for r in reads])
    h, w = first.data.shape
    res_m = ground_pixel_size_m(first.transform, first.crs, h / 2, w / 2)

    def lonlat(rows: list[float], cols: list[float]) -> list[tuple[float, float]]:
        if not rows:
            return []
        xs, ys = xy(first.transform, rows, cols)
        lons, lats = transform(first.crs, "EPSG:4326", list(np.atleast_1d(xs)), list(np.atleast_1d(ys)))
        return list(zip(lons, lats, strict=True))

    return bands, inside, res_m, lonlat
