# mypy: disable-error-code="import-untyped"
"""Process scenes over a site: cloud over the site, windowed reads of its named areas, detection,
counts (method ``detector``) and image chips. A failing scene is reported; the batch goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import httpx
import numpy as np
from rasterio.transform import xy
from rasterio.warp import transform as warp_transform

from basewatch.analysis.detect import (
    SIZE_BINS,
    Detection,
    apron_presence,
    bright_objects,
    cfar_vessels,
)
from basewatch.model import Provenance, Source
from basewatch.model.imagery import CountMethod, ImageryCount, Scene, SiteArea
from basewatch.sources.chips import render_chip
from basewatch.sources.cog import FetchStats, ImageryReadError, WindowRead, read_window
from basewatch.sources.stac import asset_href, cloud_over_site

__all__ = ["MAX_CLOUD_PCT", "AreaResult", "SceneResult", "process_scene", "process_scenes",
           "scene_with_results"]

#: A Sentinel-2 scene with more cloud than this over the site's areas is not used.
MAX_CLOUD_PCT = 20.0


@dataclass
class AreaResult:
    """Detections in one named area of a scene, with their positions and the window read."""

    area: str
    kind: str
    detections: list[Detection]
    lonlat: list[tuple[float, float]]
    read: WindowRead
    chip: np.ndarray

    def to_dict(self) -> dict[str, Any]:
        return {"area": self.area, "kind": self.kind, "n_detections": len(self.detections),
                "detections": [{**d.to_dict(), "lon": round(lo, 6), "lat": round(la, 6)}
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


def _counts(scene: Scene, area: SiteArea, dets: list[Detection], res_m: float) -> list[ImageryCount]:
    p = scene.provenance
    prov = Provenance(Source(f"basewatch detector ({scene.collection})", scene.id, scene.stac_url),
                      source_date=scene.time.date(), synthetic=p.synthetic,
                      generator=p.generator or ("basewatch" if p.synthetic else ""), seed=p.seed)
    sensor = "Sentinel-1 GRD" if scene.collection.startswith("sentinel-1") else "Sentinel-2 L2A"

    def rec(cls: str, n: int, presence: bool = False) -> ImageryCount:
        return ImageryCount(scene.site, area.name, scene.time, cls, n, sensor, prov,
                            resolution_m=res_m, method=CountMethod.DETECTOR,
                            presence_only=presence, scene_id=scene.id)

    if area.kind == "water":
        out = [rec("vessel_any", len(dets))]
        out += [rec(name, sum(d.kind == name for d in dets)) for _, name in SIZE_BINS]
        return out
    return [rec("aircraft", int(bool(dets)), presence=True)]


def process_scene(scene: Scene, areas: list[SiteArea], client: httpx.Client, *,
                  max_cloud_pct: float = MAX_CLOUD_PCT, pfa: float = 1e-4,
                  reader: str = "python") -> SceneResult:
    """Cloud over the site (Sentinel-2), then detection in each water or apron area."""
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
            href = asset_href(scene, "vv" if s1 else "nir")
            wr = read_window(href, area.geometry, client, result.stats, reader=reader)
            inside = ~np.ma.getmaskarray(wr.data)
            values = np.ma.getdata(wr.data).astype(float)
            if area.kind == "water":
                dets = cfar_vessels(values, inside, res_m=wr.resolution_m, pfa=pfa) if s1 else \
                    bright_objects(values, inside, res_m=wr.resolution_m)
            else:
                dets = apron_presence(values, inside, res_m=wr.resolution_m)
            chip = render_chip(values, inside, dets, db=s1, res_m=wr.resolution_m)
            result.areas.append(AreaResult(area.name, area.kind, dets, _positions(wr, dets), wr, chip))
            result.counts += _counts(scene, area, dets, wr.resolution_m)
    except ImageryReadError as exc:
        result.error = str(exc)
        result.counts = []
    return result


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
