"""Scene search over a STAC API (pystac-client) and cloud cover over the site itself.

The endpoint is configurable (``--stac-url`` or ``$BASEWATCH_STAC_URL``): any STAC API with the
item-search conformance class and the collections ``sentinel-2-l2a`` / ``sentinel-1-grd``
(e.g. the public Earth Search or Planetary Computer APIs; the latter also needs its URL-signing).
Answers 429 and 5xx are retried with backoff; a malformed answer or an item without the asset
asked for is reported by name and the rest of the batch goes on.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Any

import httpx
import numpy as np
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from basewatch.errors import BasewatchError
from basewatch.model import Provenance, Source
from basewatch.model._util import parse_datetime
from basewatch.model.imagery import Scene
from basewatch.sources.cog import FetchStats, ImageryReadError, WindowRead, read_window

__all__ = ["ASSET_ALIASES", "COLLECTIONS", "SCL_CLOUD", "BatchResult", "SceneSearchError", "SiteCloud",
           "asset_href", "cloud_over_site", "clouds_over_site", "default_stac_url", "search_scenes"]

COLLECTIONS = ("sentinel-2-l2a", "sentinel-1-grd")
STAC_URL_ENV = "BASEWATCH_STAC_URL"
#: Asset keys differ between catalogues (Earth Search: "scl", "red", "swir16"; Planetary
#: Computer: "SCL", "B04", "B11").
ASSET_ALIASES: dict[str, tuple[str, ...]] = {
    "scl": ("scl", "SCL"), "red": ("red", "B04"), "green": ("green", "B03"),
    "blue": ("blue", "B02"), "nir": ("nir", "B08"), "swir16": ("swir16", "B11"),
    "vv": ("vv", "VV"), "vh": ("vh", "VH"),
}
#: Scene classification (SCL) values that hide the ground: 3 cloud shadow, 8 and 9 cloud
#: (medium, high probability), 10 thin cirrus. 0 is nodata; 1 saturated/defective is excluded too.
SCL_CLOUD = frozenset({3, 8, 9, 10})
SCL_INVALID = frozenset({0, 1})


class SceneSearchError(BasewatchError, OSError):
    """The STAC API cannot be searched (unreachable, HTTP error after retries, malformed answer)."""


def default_stac_url() -> str | None:
    return os.environ.get(STAC_URL_ENV) or None


def _stac_io(timeout_s: float, retries: int) -> Any:
    from pystac_client.stac_api_io import StacApiIO
    from urllib3 import Retry

    retry = Retry(total=retries, backoff_factor=0.05, status_forcelist=(429, 500, 502, 503, 504),
                  allowed_methods=None, respect_retry_after_header=True, raise_on_status=False)
    return StacApiIO(timeout=timeout_s, max_retries=retry)


def search_scenes(stac_url: str, site: str, footprint: BaseGeometry, start: dt.date, end: dt.date,
                  collections: tuple[str, ...] = COLLECTIONS, *, max_items: int = 500,
                  timeout_s: float = 20.0, retries: int = 3) -> list[Scene]:
    """Scenes of ``collections`` over ``footprint`` (WGS84) acquired from ``start`` to ``end``."""
    from pystac_client import Client

    try:
        client = Client.open(stac_url, stac_io=_stac_io(timeout_s, retries))
        search = client.search(collections=list(collections), bbox=list(footprint.bounds),
                                datetime=f"{start.isoformat()}T00:00:00Z/{end.isoformat()}T23:59:59Z",
                                max_items=max_items)
        items = [it.to_dict() for it in search.items()]
    except BasewatchError:
        raise
    except Exception as exc:  # noqa: BLE001 - pystac-client raises APIError, requests', json's
        msg = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise SceneSearchError(f"STAC search at {stac_url} failed: {type(exc).__name__}: {msg}") from None
    scenes = []
    for d in items:
        props = d.get("properties") or {}
        geom = d.get("geometry")
        synthetic = bool(props.get("synthetic"))
        prov = Provenance(Source(f"STAC {stac_url}", d.get("collection", ""), ""),
                          synthetic=synthetic, generator=str(props.get("generator") or ""),
                          seed=props.get("seed"))
        scenes.append(Scene(
            id=str(d["id"]), collection=str(d.get("collection") or ""),
            time=parse_datetime(str(props.get("datetime"))), site=site,
            footprint=shape(geom) if geom else None, provenance=prov,
            assets={k: str(v.get("href")) for k, v in (d.get("assets") or {}).items()},
            platform=str(props.get("platform") or ""),
            cloud_cover_scene_pct=props.get("eo:cloud_cover"), stac_url=stac_url))
    scenes.sort(key=lambda s: s.time)
    return scenes


def asset_href(scene: Scene, name: str) -> str:
    """The href of asset ``name`` (or its aliases); a missing asset raises ImageryReadError."""
    for key in ASSET_ALIASES.get(name, (name,)):
        if key in scene.assets:
            return scene.assets[key]
    raise ImageryReadError(f"scene {scene.id}: no asset {name!r} "
                           f"(has: {', '.join(sorted(scene.assets)) or 'none'})")


@dataclass
class SiteCloud:
    """Cloud cover over a site's area from the SCL band, and what the read cost."""

    scene_id: str
    cloud_pct: float
    valid_pixels: int
    stats: FetchStats = field(default_factory=FetchStats)
    read: WindowRead | None = None


def cloud_over_site(scene: Scene, area_lonlat: BaseGeometry, client: httpx.Client,
                    stats: FetchStats | None = None, reader: str = "python") -> SiteCloud:
    """Percentage of the area's valid SCL pixels classed cloud, shadow or cirrus."""
    stats = stats if stats is not None else FetchStats()
    wr = read_window(asset_href(scene, "scl"), area_lonlat, client, stats, reader=reader)
    vals = wr.data.compressed()
    valid = vals[~np.isin(vals, list(SCL_INVALID))]
    if valid.size == 0:
        raise ImageryReadError(f"scene {scene.id}: SCL has no valid pixel over the area")
    pct = 100.0 * float(np.isin(valid, list(SCL_CLOUD)).mean())
    return SiteCloud(scene.id, pct, int(valid.size), stats, wr)


@dataclass
class BatchResult:
    """Per-scene results of a batch and the errors of the scenes that failed (by scene id)."""

    done: list[SiteCloud] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    stats: FetchStats = field(default_factory=FetchStats)


def clouds_over_site(scenes: list[Scene], area_lonlat: BaseGeometry,
                     client: httpx.Client) -> BatchResult:
    """Cloud over the site for each Sentinel-2 scene; a failing scene is reported and skipped."""
    out = BatchResult()
    for s in scenes:
        if not s.collection.startswith("sentinel-2"):
            continue
        try:
            out.done.append(cloud_over_site(s, area_lonlat, client, out.stats))
        except ImageryReadError as exc:
            out.errors[s.id] = str(exc)
    return out
