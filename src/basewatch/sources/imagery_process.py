# mypy: disable-error-code="import-untyped"
"""Process scenes found through a STAC API over a site: cloud over the site, windowed reads of
the bands each named area's method needs (on one grid: the 20 m SCL and B11 resampled to the
10 m bands'), detection and counts by :mod:`basewatch.sources.area_detect` (the same code and
parameters as a local scene's), image chips. A failing scene is reported; the batch goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from rasterio.transform import xy
from rasterio.warp import transform as warp_transform

from basewatch.analysis.detect import Detection
from basewatch.model import Provenance, Source
from basewatch.model.imagery import ImageryCount, Scene, SiteArea
from basewatch.sources.area_detect import HistoryPlace, area_counts, detect_area, sensor_name
from basewatch.sources.chips import render_chip
from basewatch.sources.cog import FetchStats, ImageryReadError, WindowRead, read_window
from basewatch.sources.stac import ASSET_ALIASES, asset_href, cloud_over_site

__all__ = ["MAX_CLOUD_PCT", "STAC_BANDS", "AreaResult", "SceneResult", "history_pixels", "keep_history",
           "process_scene", "process_scenes", "scene_with_results"]

#: A Sentinel-2 scene with more cloud than this over the site's areas is not used.
MAX_CLOUD_PCT = 20.0
#: The STAC asset names read (:data:`basewatch.sources.stac.ASSET_ALIASES` maps them to each
#: catalogue's keys) and the canonical band each stands for in the detectors.
STAC_BANDS = {"blue": "B02", "green": "B03", "red": "B04", "nir": "B08", "swir16": "B11",
              "scl": "SCL", "vv": "VV"}


@dataclass
class AreaResult:
    """Detections in one named area of a scene, with their positions and the window read."""

    area: str
    kind: str
    detections: list[Detection]
    lonlat: list[tuple[float, float]]
    read: WindowRead
    chip: np.ndarray
    method: str = ""
    history_scenes: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"area": self.area, "kind": self.kind, "method": self.method,
                "history_scenes": self.history_scenes, "n_detections": len(self.detections),
                "detections": [{**d.to_dict(), "class": d.kind, "score": round(d.contrast_db, 2),
                                "lon": round(lo, 6), "lat": round(la, 6)}
                               for d, (lo, la) in zip(self.detections, self.lonlat, strict=True)],
                "window": {"col_off": int(self.read.window.col_off),
                           "row_off": int(self.read.window.row_off),
                           "width": int(self.read.window.width),
                           "height": int(self.read.window.height)},
                "resolution_m": self.read.resolution_m, "crs": self.read.crs}


@dataclass
class SceneResult:
    """What processing one scene gave: cloud over the site, areas, counts, bytes, or an error."""

    scene: Scene
    cloud_pct: float | None = None
    usable: bool = True
    areas: list[AreaResult] = field(default_factory=list)
    counts: list[ImageryCount] = field(default_factory=list)
    stats: FetchStats = field(default_factory=FetchStats)
    error: str | None = None
    #: (area, brightness, transform, CRS) of the water areas, for the site's history
    keep: list[tuple[str, np.ndarray, tuple[float, ...], str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"scene": self.scene.id, "collection": self.scene.collection,
                "time": self.scene.time.isoformat(), "synthetic": self.scene.provenance.synthetic,
                "cloud_over_site_pct": None if self.cloud_pct is None else round(self.cloud_pct, 1),
                "usable": self.usable, "error": self.error,
                "bytes_fetched": self.stats.bytes_fetched, "assets_bytes": self.stats.full_bytes,
                "fetched_share": round(self.stats.share, 4),
                "areas": [a.to_dict() for a in self.areas],
                "counts": [c.to_dict() for c in self.counts]}


def _positions(read: WindowRead, dets: list[Detection]) -> list[tuple[float, float]]:
    if not dets:
        return []
    xs, ys = xy(read.transform, [d.row for d in dets], [d.col for d in dets])
    lons, lats = warp_transform(read.crs, "EPSG:4326", list(np.atleast_1d(xs)),
                                list(np.atleast_1d(ys)))
    return list(zip(lons, lats, strict=True))


def _provenance(scene: Scene) -> Provenance:
    p = scene.provenance
    return Provenance(Source(f"basewatch detector ({scene.collection})", scene.id, scene.stac_url),
                      source_date=scene.time.date(), synthetic=p.synthetic,
                      generator=p.generator or ("basewatch" if p.synthetic else ""), seed=p.seed)


def _has(scene: Scene, band: str) -> bool:
    return any(k in scene.assets for k in ASSET_ALIASES[band])


def _wanted(scene: Scene, kind: str) -> list[str]:
    """The asset names (in the order read: the first is the reference grid) the method of an
    area needs in ``scene``; a band it cannot do without raises :class:`ImageryReadError`
    naming the scene and the band."""
    have = {b for b in STAC_BANDS if _has(scene, b)}
    listed = ", ".join(sorted(scene.assets)) or "none"

    def missing(band: str, why: str) -> ImageryReadError:
        aliases = " or ".join(repr(k) for k in ASSET_ALIASES[band])
        return ImageryReadError(f"scene {scene.id}: band {STAC_BANDS[band]} missing (asset "
                                f"{aliases}): {why} (has: {listed})")

    seen = next((b for b in ("nir", "red") if b in have), None)
    if kind == "water":
        if "green" not in have:
            raise missing("green", "vessels need B03 for the water")
        if not {"nir", "swir16"} & have:
            raise missing("nir", "vessels need B08 or B11 for the water")
        if seen is None and "blue" not in have:
            raise missing("nir", "vessels need B08, B04 or B02 to be seen")
        # What detect_vessels uses: B02 only when neither B08 nor B04 is there.
        order = ["nir", "red", "green", "swir16", "scl"] + ([] if seen else ["blue"])
        return [b for b in order if b in have]
    if seen is not None:
        return [seen]
    if {"blue", "green"} <= have:
        return ["green", "blue"]
    raise missing("nir", "an apron needs B08, B04, or B02 and B03")


def _read_bands(scene: Scene, area: SiteArea, names: list[str], client: httpx.Client,
                stats: FetchStats, reader: str) -> tuple[dict[str, np.ndarray], np.ndarray,
                                                         WindowRead]:
    """The bands ``names`` over the area on the grid of the first (canonical band names), the
    pixels of the area with data in every band but SCL, and the reference read."""
    ref = read_window(asset_href(scene, names[0]), area.geometry, client, stats, reader=reader)
    reads = {names[0]: ref}
    for n in names[1:]:
        reads[n] = read_window(asset_href(scene, n), area.geometry, client, stats,
                               reader=reader, like=ref)
    inside = np.ones(ref.data.shape, bool)
    for n, r in reads.items():
        if n != "scl":
            inside &= ~np.ma.getmaskarray(r.data)
    return {STAC_BANDS[n]: np.ma.getdata(r.data) for n, r in reads.items()}, inside, ref


def process_scene(scene: Scene, areas: list[SiteArea], client: httpx.Client, *,
                  max_cloud_pct: float = MAX_CLOUD_PCT, pfa: float = 1e-4,
                  reader: str = "python", workspace_folder: Path | None = None,
                  vessel_params: Any = None) -> SceneResult:
    """Cloud over the site (Sentinel-2), then detection in each water or apron area by
    :func:`basewatch.sources.area_detect.detect_area`, as for a local scene: the Sentinel-2
    bands the method needs, on one grid; with ``workspace_folder``, the site's history."""
    from basewatch.sources.local_scene import ground_pixel_size_m

    result = SceneResult(scene)
    targets = [a for a in areas if a.kind in ("water", "apron")]
    if not targets:
        result.error = f"site {scene.site} has no water or apron area to look at"
        return result
    s1 = scene.collection.startswith("sentinel-1")
    try:
        if not s1:
            union = targets[0].geometry
            for a in targets[1:]:
                union = union.union(a.geometry)
            cloud = cloud_over_site(scene, union, client, result.stats, reader=reader)
            result.cloud_pct = cloud.cloud_pct
            if cloud.cloud_pct > max_cloud_pct:
                result.usable = False
                return result
        for area in targets:
            if s1 and area.kind != "water":
                continue  # aircraft on aprons: Sentinel-2 only here
            names = ["vv"] if s1 else _wanted(scene, area.kind)
            bands, inside, ref = _read_bands(scene, area, names, client, result.stats, reader)
            h, w = inside.shape
            res_m = ground_pixel_size_m(ref.transform, ref.crs, h / 2, w / 2)
            hist = (HistoryPlace(workspace_folder, scene.site, area.name, scene.time)
                    if workspace_folder is not None else None)
            got = detect_area(bands, inside, res_m=res_m, kind=area.kind,
                              scene_kind=scene.collection, grid=(tuple(ref.transform)[:6], ref.crs),
                              history=hist, vessel_params=vessel_params, pfa=pfa)
            dets = got.detections
            chip = render_chip(got.chip, inside, dets, db=s1, res_m=res_m)
            result.areas.append(AreaResult(area.name, area.kind, dets, _positions(ref, dets), ref,
                                           chip, got.method, got.history_scenes))
            if got.keep is not None:
                result.keep.append((area.name, got.keep, tuple(ref.transform)[:6], ref.crs))
            result.counts += area_counts(
                scene, area.name, area.kind, dets, res_m,
                sensor=sensor_name(scene.collection, res_m), provenance=_provenance(scene),
                presence_only=area.kind != "water")
    except ImageryReadError as exc:
        result.error = str(exc)
        result.counts, result.keep = [], []
    return result


def history_pixels(results: list[SceneResult]) -> list[tuple[Scene, list[Any]]]:
    """(scene, kept pixels) of the scenes that went through: what :func:`keep_history` writes."""
    return [(r.scene, r.keep) for r in results if r.keep and r.usable and not r.error]


def keep_history(workspace_folder: Path, kept: list[tuple[Scene, list[Any]]]) -> int:
    """Keep the brightness of the water areas of scenes that went through (:func:`history_pixels`)
    for the site's later scenes, in the same files as a local scene's; returns how many."""
    import hashlib

    from basewatch.store.imagery import save_area_pixels

    n = 0
    for scene, keep in kept:
        digest = hashlib.sha256(f"{scene.collection}/{scene.id}".encode()).hexdigest()
        for area, values, transform, crs in keep:
            save_area_pixels(workspace_folder, scene.site, area, scene.time, digest, values,
                             transform, crs)
            n += 1
    return n


def process_scenes(scenes: list[Scene], areas: list[SiteArea], client: httpx.Client,
                   **kw: Any) -> list[SceneResult]:
    """Process each scene; errors stay with their scene and the batch goes on."""
    out = []
    for s in scenes:
        r = process_scene(s, areas, client, **kw)
        out.append(r)
    return out


def scene_with_results(r: SceneResult) -> Scene:
    """The scene record to store: with cloud over the site and the bytes its reads cost."""
    return replace(r.scene, cloud_cover_site_pct=r.cloud_pct, bytes_fetched=r.stats.bytes_fetched)
