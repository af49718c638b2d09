"""Imagery records: counts of vessels and aircraft, named areas of a site, and scenes.

A :class:`ImageryCount` is one observation "on this image, in this area of this site, there were
N objects of this class", whether an analyst counted them by hand on 50 cm commercial imagery or
a detector found them on Sentinel-1/2. A :class:`SiteArea` is a named polygon inside a site
("apron", "harbour basin"). A :class:`Scene` is one satellite acquisition found by a STAC search.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

from basewatch.errors import ValidationError
from basewatch.model._util import geom_from_json, geom_to_json, parse_datetime
from basewatch.model.facility import normalize_name
from basewatch.model.provenance import Provenance

__all__ = [
    "COUNT_CLASSES",
    "CountMethod",
    "ImageryCount",
    "Scene",
    "SiteArea",
    "normalize_area",
    "parse_count_class",
]

#: Object classes a count may report. Vessel classes follow how analysts bin warships in
#: harbour imagery; ``vessel_any`` and ``aircraft`` are for counts that do not tell types apart.
#: Detectors on 10 m imagery count size bins: ``vessel_large`` (>= 100 m, frigate-sized),
#: ``vessel_medium`` (50-100 m, submarine-sized), ``vessel_small`` (< 50 m).
COUNT_CLASSES: tuple[str, ...] = (
    "frigate", "corvette", "destroyer", "submarine", "auxiliary", "landing_ship", "patrol_boat",
    "vessel_large", "vessel_medium", "vessel_small", "vessel_any",
    "aircraft", "fighter", "bomber", "transport", "helicopter",
)

_CLASS_SYNONYMS = {
    "frigates": "frigate", "submarines": "submarine", "sub": "submarine", "ssk": "submarine",
    "auxiliaries": "auxiliary", "aux": "auxiliary", "tanker": "auxiliary", "vessel": "vessel_any",
    "vessels": "vessel_any", "ship": "vessel_any", "ships": "vessel_any", "planes": "aircraft",
    "plane": "aircraft", "airplane": "aircraft", "helicopters": "helicopter",
}

_AIR_CLASSES = frozenset({"aircraft", "fighter", "bomber", "transport", "helicopter"})


def parse_count_class(text: str) -> str:
    """The canonical class name of ``text``; unknown classes raise ValidationError.

    >>> parse_count_class("Frigates")
    'frigate'
    """
    key = text.strip().lower().replace(" ", "_").replace("-", "_")
    key = _CLASS_SYNONYMS.get(key, key)
    if key not in COUNT_CLASSES:
        raise ValidationError(f"unknown class {text!r} (known: {', '.join(COUNT_CLASSES)})")
    return key


def normalize_area(name: str) -> str:
    """Area names compare folded: 'Harbour-Basin' and 'harbour basin' are one area.

    >>> normalize_area("Harbour-Basin")
    'harbour basin'
    """
    return normalize_name(name)


class CountMethod(str, Enum):
    """How a count was made: by an analyst looking at an image, or by a detector."""

    MANUAL = "manual"
    DETECTOR = "detector"


@dataclass(frozen=True, slots=True)
class ImageryCount:
    """How many objects of a class one image shows in a named area of a site.

    ``presence_only`` marks observations that can only tell "some" from "none" (aircraft on an
    apron at Sentinel-2's 10 m): ``count`` is then 1 for present and 0 for absent, and history
    comparisons use presence/absence. ``resolution_m`` is the ground sample distance in metres.
    """

    site: str
    area: str
    time: dt.datetime
    object_class: str
    count: int
    sensor: str
    provenance: Provenance
    resolution_m: float | None = None
    method: CountMethod = CountMethod.MANUAL
    presence_only: bool = False
    scene_id: str = ""

    def __post_init__(self) -> None:
        where = f"count {self.site}/{self.area} {self.time.isoformat()}"
        if not self.site.strip():
            raise ValidationError("count: site is required")
        if not self.area.strip():
            raise ValidationError(f"{where}: area is required")
        if self.time.tzinfo is None or self.time.utcoffset() != dt.timedelta(0):
            raise ValidationError(f"{where}: time must be UTC")
        if self.object_class not in COUNT_CLASSES:
            raise ValidationError(f"{where}: unknown class {self.object_class!r}")
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 0:
            raise ValidationError(f"{where}: count {self.count!r} must be a whole number >= 0")
        if self.presence_only and self.count not in (0, 1):
            raise ValidationError(f"{where}: a presence-only count is 0 (absent) or 1 (present)")
        if not self.sensor.strip():
            raise ValidationError(f"{where}: sensor is required")
        if self.resolution_m is not None and not (
                math.isfinite(self.resolution_m) and 0 < self.resolution_m <= 1000):
            raise ValidationError(f"{where}: resolution_m {self.resolution_m} outside (0, 1000]")

    @property
    def day(self) -> dt.date:
        return self.time.date()

    @property
    def is_air(self) -> bool:
        return self.object_class in _AIR_CLASSES

    @property
    def key(self) -> tuple[str, ...]:
        return (self.site, self.area, self.time.isoformat(), self.object_class, self.sensor,
                self.method.value, self.provenance.source.publisher)

    def to_dict(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "area": self.area,
            "time": self.time.isoformat(),
            "class": self.object_class,
            "count": self.count,
            "presence_only": self.presence_only,
            "sensor": self.sensor,
            "resolution_m": self.resolution_m,
            "method": self.method.value,
            "scene_id": self.scene_id,
            "provenance": self.provenance.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ImageryCount:
        res = d.get("resolution_m")
        try:
            method = CountMethod(str(d.get("method") or "manual").lower())
        except ValueError:
            raise ValidationError(f"count method {d.get('method')!r} is not manual or detector") from None
        return cls(
            site=str(d["site"]),
            area=normalize_area(str(d["area"])),
            time=parse_datetime(d["time"]),
            object_class=parse_count_class(str(d["class"])),
            count=int(d["count"]),
            presence_only=bool(d.get("presence_only", False)),
            sensor=str(d["sensor"]),
            resolution_m=None if res in (None, "") else float(res),
            method=method,
            scene_id=str(d.get("scene_id") or ""),
            provenance=Provenance.from_dict(d["provenance"]),
        )


@dataclass(frozen=True, slots=True)
class SiteArea:
    """A named polygon inside a site (WGS84 lon/lat): 'apron', 'harbour basin', 'airfield'."""

    site: str
    name: str
    geometry: BaseGeometry
    provenance: Provenance
    kind: str = ""  # water | apron | airfield | other: tells detectors what to look for

    def __post_init__(self) -> None:
        from shapely.geometry import MultiPolygon, Polygon  # a geometry exists: shapely is loaded

        if not isinstance(self.geometry, (Polygon, MultiPolygon)) or self.geometry.is_empty:
            raise ValidationError(f"area {self.site}/{self.name}: geometry must be a polygon")
        if not self.name.strip():
            raise ValidationError(f"area of {self.site}: name is required")

    @property
    def key(self) -> tuple[str, str]:
        return (self.site, self.name)

    def to_dict(self) -> dict[str, Any]:
        return {"site": self.site, "name": self.name, "kind": self.kind,
                "geometry": geom_to_json(self.geometry), "provenance": self.provenance.to_dict()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SiteArea:
        geom = geom_from_json(d["geometry"])
        if geom is None:
            raise ValidationError(f"area {d.get('site')}/{d.get('name')}: geometry is required")
        return cls(site=str(d["site"]), name=normalize_area(str(d["name"])), geometry=geom,
                   kind=str(d.get("kind") or ""), provenance=Provenance.from_dict(d["provenance"]))


@dataclass(frozen=True, slots=True)
class Scene:
    """One acquisition found by a STAC search, and what basewatch learned about it over a site.

    ``cloud_cover_scene_pct`` is the provider's figure for the whole tile; ``cloud_cover_site_pct``
    is measured over the site's areas from the scene classification band, which is what decides
    whether the scene is usable. ``bytes_fetched`` counts what the windowed reads downloaded.
    """

    id: str
    collection: str
    time: dt.datetime
    site: str
    footprint: BaseGeometry | None
    provenance: Provenance
    assets: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    platform: str = ""
    cloud_cover_scene_pct: float | None = None
    cloud_cover_site_pct: float | None = None
    bytes_fetched: int = 0
    stac_url: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.site, self.collection, self.id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "collection": self.collection, "time": self.time.isoformat(),
            "site": self.site, "footprint": geom_to_json(self.footprint),
            "assets": dict(self.assets), "platform": self.platform,
            "cloud_cover_scene_pct": self.cloud_cover_scene_pct,
            "cloud_cover_site_pct": self.cloud_cover_site_pct,
            "bytes_fetched": self.bytes_fetched, "stac_url": self.stac_url,
            "provenance": self.provenance.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Scene:
        def opt(k: str) -> float | None:
            v = d.get(k)
            return None if v is None else float(v)

        return cls(
            id=str(d["id"]), collection=str(d["collection"]), time=parse_datetime(d["time"]),
            site=str(d["site"]), footprint=geom_from_json(d.get("footprint")),
            assets={str(k): str(v) for k, v in (d.get("assets") or {}).items()},
            platform=str(d.get("platform") or ""),
            cloud_cover_scene_pct=opt("cloud_cover_scene_pct"),
            cloud_cover_site_pct=opt("cloud_cover_site_pct"),
            bytes_fetched=int(d.get("bytes_fetched") or 0), stac_url=str(d.get("stac_url") or ""),
            provenance=Provenance.from_dict(d["provenance"]),
        )
