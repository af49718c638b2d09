"""Store layers of the imagery capability: counts, named site areas and scenes.

Importing this module registers the layers with every store (:func:`register_layer`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy and shapely: where pixels or geometries are handled
    import numpy as np
    from numpy.typing import NDArray

from basewatch.model.imagery import ImageryCount, Scene, SiteArea
from basewatch.store.base import LayerSpec, Store, _multi, register_layer

__all__ = ["IMAGERY_AREAS", "IMAGERY_COUNTS", "IMAGERY_SCENES", "area_background",
           "save_area_pixels", "site_areas", "site_counts", "site_scenes"]


IMAGERY_COUNTS = register_layer(LayerSpec(
    name="imagery_counts",
    geometry_type=None,
    columns={
        "site": ("TEXT", lambda d: d["site"]),
        "area": ("TEXT", lambda d: d["area"]),
        "time": ("DATETIME", lambda d: d["time"]),
        "class": ("TEXT", lambda d: d["class"]),
        "count": ("INTEGER", lambda d: d["count"]),
        "sensor": ("TEXT", lambda d: d["sensor"]),
        "method": ("TEXT", lambda d: d["method"]),
        "source_key": ("TEXT", lambda d: d["provenance"]["source"]["publisher"]),
    },
    key=("site", "area", "time", "class", "sensor", "method", "source_key"),
    from_dict=ImageryCount.from_dict,
    indexes=(("site", "area", "class", "time"),),
    description="Counts of vessels and aircraft in named areas of sites, manual or detected.",
))

IMAGERY_AREAS = register_layer(LayerSpec(
    name="imagery_areas",
    geometry_type="MULTIPOLYGON",
    columns={"site": ("TEXT", lambda d: d["site"]), "name": ("TEXT", lambda d: d["name"]),
             "kind": ("TEXT", lambda d: d["kind"])},
    key=("site", "name"),
    from_dict=SiteArea.from_dict,
    geometry=lambda a: _multi(a.geometry),
    geometry_field="geometry",
    description="Named areas inside sites (apron, harbour basin) that imagery counts refer to.",
))

IMAGERY_SCENES = register_layer(LayerSpec(
    name="imagery_scenes",
    geometry_type="GEOMETRY",
    columns={
        "site": ("TEXT", lambda d: d["site"]),
        "collection": ("TEXT", lambda d: d["collection"]),
        "id": ("TEXT", lambda d: d["id"]),
        "time": ("DATETIME", lambda d: d["time"]),
        "cloud_cover_site_pct": ("REAL", lambda d: d["cloud_cover_site_pct"]),
    },
    key=("site", "collection", "id"),
    from_dict=Scene.from_dict,
    geometry=lambda s: s.footprint,
    geometry_field="footprint",
    indexes=(("site", "time"),),
    description="Satellite scenes found over sites, with cloud cover over the site itself.",
))


def site_counts(store: Store, site: str, *, area: str | None = None,
                object_class: str | None = None) -> list[ImageryCount]:
    """Counts of one site (optionally one area and class), oldest first."""
    where: dict[str, Any] = {"site": site}
    if area:
        where["area"] = area
    if object_class:
        where["class"] = object_class
    result: list[ImageryCount] = store.select(IMAGERY_COUNTS, where, order_by=("time", "class"))
    return result


def site_areas(store: Store, site: str | None = None) -> list[SiteArea]:
    """Named areas of a site (all sites if None)."""
    result: list[SiteArea] = store.select(IMAGERY_AREAS, {"site": site} if site else None,
                                          order_by=("site", "name"))
    return result


def site_scenes(store: Store, site: str) -> list[Scene]:
    """Scenes recorded for a site, oldest first."""
    result: list[Scene] = store.select(IMAGERY_SCENES, {"site": site}, order_by=("time",))
    return result


# --- per-pixel history of a site's areas ---------------------------------------------------------
# Detectors on real scenes tell a moored ship from a quay by the site's own past: the brightness
# of each area's pixels in earlier scenes, kept beside the store (one .npz per scene and area).

HISTORY_DIR = "imagery-history"


def _history_folder(workspace_folder: Path, site: str, area: str) -> Path:
    slug = "".join(ch if ch.isalnum() else "-" for ch in area)
    return workspace_folder / HISTORY_DIR / site / slug


def save_area_pixels(workspace_folder: Path, site: str, area: str, time: dt.datetime,
                     scene_sha256: str, values: NDArray[Any], transform: tuple[float, ...],
                     crs: str) -> Path:
    """Keep the brightness of one area in one scene (float32) with its grid, for later scenes."""
    import numpy as np

    folder = _history_folder(workspace_folder, site, area)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{time.strftime('%Y%m%dT%H%M%S')}_{scene_sha256[:12]}.npz"
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, values=values.astype(np.float32),
                        transform=np.array(transform, dtype=np.float64), crs=np.array(crs))
    tmp.replace(path)
    return path


def area_background(workspace_folder: Path, site: str, area: str, before: dt.datetime,
                    transform: tuple[float, ...], crs: str, shape: tuple[int, int],
                    min_scenes: int = 3) -> tuple[NDArray[np.float64] | None, int]:
    """The per-pixel median brightness of an area over the earlier scenes on the same grid
    (None when fewer than ``min_scenes``), and how many scenes it is made of."""
    import numpy as np

    folder = _history_folder(workspace_folder, site, area)
    if not folder.is_dir():
        return None, 0
    stack = []
    stamp = before.strftime("%Y%m%dT%H%M%S")
    for f in sorted(folder.glob("*.npz")):
        if f.name[:15] >= stamp:
            continue
        with np.load(f) as z:
            if (z["values"].shape == shape and str(z["crs"]) == crs
                    and np.allclose(z["transform"], transform)):
                stack.append(z["values"].astype(np.float64))
    if len(stack) < min_scenes:
        return None, len(stack)
    med: NDArray[np.float64] = np.median(np.stack(stack), axis=0)
    return med, len(stack)
