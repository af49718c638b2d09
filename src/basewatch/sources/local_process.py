"""Process a scene an analyst downloaded over a site: read each named area, detect, count.

Nothing is written here: :func:`process_local` returns the scene record, the counts and the
pixels to keep for the site's history; the caller stores them in one transaction, only when the
whole scene went through (an error in any area stops it all, naming the file and the fault).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from basewatch.analysis.detect import Detection
from basewatch.model import Provenance, Source
from basewatch.model.imagery import ImageryCount, Scene, SiteArea
from basewatch.sources.area_detect import (
    AIRCRAFT_MAX_RES_M,
    AreaMethodError,
    HistoryPlace,
    area_counts,
    detect_area,
    sensor_name,
)
from basewatch.sources.local_scene import (
    LocalScene,
    SceneReadError,
    SceneWindow,
    georeferenced,
    read_scene,
)

__all__ = ["WHOLE_IMAGE", "LocalAreaResult", "LocalResult", "process_local"]

#: Name of the area when an image has no georeferencing: the whole image is counted.
WHOLE_IMAGE = "whole image"


@dataclass
class LocalAreaResult:
    """Detections in one area of a local scene, with positions (lon, lat; empty without CRS)."""

    area: str
    kind: str
    method: str
    detections: list[Detection]
    lonlat: list[tuple[float, float]]
    window: SceneWindow
    chip_values: NDArray[np.float64]
    history_scenes: int = 0

    def to_dict(self) -> dict[str, Any]:
        dets = []
        for i, d in enumerate(self.detections):
            row: dict[str, Any] = {"class": d.kind, "length_m": round(d.length_m, 1),
                                   "width_m": round(d.width_m, 1),
                                   "score": round(d.contrast_db, 2),
                                   "row": round(d.row + self.window.window[1], 1),
                                   "col": round(d.col + self.window.window[0], 1)}
            if self.lonlat:
                row["lon"], row["lat"] = round(self.lonlat[i][0], 6), round(self.lonlat[i][1], 6)
            else:
                row["lon"] = row["lat"] = None
            dets.append(row)
        return {"area": self.area, "kind": self.kind, "method": self.method,
                "count": len(self.detections), "resolution_m": round(self.window.res_m, 3),
                "georeferenced": self.window.crs is not None,
                "history_scenes": self.history_scenes, "detections": dets}


@dataclass
class LocalResult:
    """What processing a local scene gave: the scene record, areas, counts, pixels to keep."""

    scene: Scene
    local: LocalScene
    areas: list[LocalAreaResult] = field(default_factory=list)
    counts: list[ImageryCount] = field(default_factory=list)
    keep: list[tuple[str, NDArray[Any], tuple[float, ...], str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"scene": self.scene.id, "file": self.local.name, "sha256": self.local.sha256,
                "kind": self.local.kind, "time": self.scene.time.isoformat(),
                "bands": sorted(self.local.bands), "notes": self.notes,
                "areas": [a.to_dict() for a in self.areas],
                "counts": [{"area": c.area, "class": c.object_class, "count": c.count,
                            "presence_only": c.presence_only} for c in self.counts]}


def _footprint(scene: LocalScene) -> Any:
    """The scene's outline in lon/lat (None without georeferencing)."""
    import warnings

    import rasterio
    from rasterio.errors import NotGeoreferencedWarning
    from rasterio.warp import transform_bounds
    from shapely.geometry import box

    path = next(iter(scene.bands.values()))[0]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            ds = rasterio.open(path)
        with ds:
            if ds.crs is None or ds.transform.is_identity:
                return None
            return box(*transform_bounds(ds.crs, "EPSG:4326", *ds.bounds, densify_pts=21))
    except Exception:  # noqa: BLE001 - a footprint is a courtesy; reading was checked before
        return None


def process_local(scene: LocalScene, site: str, areas: list[SiteArea], *,
                  time: dt.datetime | None = None, workspace_folder: Path | None = None,
                  vessel_params: Any = None, aircraft_params: Any = None,
                  aircraft_model: Any = None) -> LocalResult:
    """Detect vessels (water areas) and aircraft (apron, airfield) in a local scene.

    ``time`` is used when the scene's metadata and name carry none. ``workspace_folder`` gives
    access to the site's per-pixel history (earlier scenes on the same grid). Raises
    :class:`SceneReadError` naming the file and the fault.
    """
    when = scene.time or time
    if when is None:
        raise SceneReadError(f"{scene.name}: no acquisition date in its metadata or name: give --date")
    s1 = scene.kind.startswith("sentinel-1")
    s2 = scene.kind.startswith("sentinel-2")
    targets = [a for a in areas if a.kind in ("water", "apron", "airfield")]
    prov = Provenance(Source(f"basewatch detector on {scene.name} (sha256 {scene.sha256[:12]})",
                             scene.sha256, ""), source_date=when.date(),
                      notes=f"local scene {scene.name}, SHA-256 {scene.sha256}")
    result = LocalResult(Scene(scene.scene_id, f"local:{scene.kind}", when, site,
                               _footprint(scene), prov,
                               assets={"file": scene.name, "sha256": scene.sha256,
                                       **{b: Path(p).name for b, (p, _) in scene.bands.items()}},
                               platform=scene.kind), scene)
    have = set(scene.bands)
    usable = "B03" in have and {"B08", "B11"} & have and {"B08", "B04", "B02"} & have
    if s2 and any(a.kind == "water" for a in targets) and not usable:
        raise SceneReadError(f"{scene.name}: a band is missing: vessels need B03, B08 or B11 "
                             "for the water, and B08, B04 or B02 to be seen "
                             f"(has {', '.join(sorted(have))})")
    whole = not georeferenced(scene)
    windows: list[tuple[SiteArea | None, SceneWindow]] = []
    if whole:
        # No CRS: the site's areas cannot be placed on the image; the whole image is the area.
        win = read_scene(scene, None)
        result.notes.append(f"{scene.name} has no georeferencing: the whole image is the area "
                            f"({win.res_m:g} m pixels), positions unknown")
        windows.append((None, win))
    elif not targets:
        raise SceneReadError(f"{scene.name}: site {site} has no water, apron or airfield area "
                             "(import some with `basewatch imagery import-areas`)")
    else:
        windows = [(a, read_scene(scene, a.geometry)) for a in targets]
    for area, win in windows:
        name = area.name if area else WHOLE_IMAGE
        kind = area.kind if area else ("water" if (s1 or s2) else "apron")
        grid = (tuple(win.transform)[:6], win.crs) if win.crs is not None else None
        hist = HistoryPlace(workspace_folder, site, name, when) if workspace_folder else None
        try:
            got = detect_area(win.bands, win.inside, res_m=win.res_m, kind=kind,
                              scene_kind=scene.kind, grid=grid, history=hist,
                              vessel_params=vessel_params, aircraft_params=aircraft_params,
                              aircraft_model=aircraft_model)
        except AreaMethodError as exc:
            raise SceneReadError(f"{scene.name}: {exc}") from None
        if got.keep is not None and grid is not None:
            result.keep.append((name, got.keep, grid[0], grid[1]))
        dets = got.detections
        lonlat = win.lonlat([d.row for d in dets], [d.col for d in dets])
        result.areas.append(LocalAreaResult(name, kind, got.method, dets, lonlat, win, got.chip,
                                            got.history_scenes))
        result.counts += area_counts(
            result.scene, name, kind, dets, win.res_m,
            sensor=sensor_name(scene.kind, win.res_m), provenance=result.scene.provenance,
            presence_only=(s1 or s2) and win.res_m > AIRCRAFT_MAX_RES_M)
    return result

