"""Seeded generator of a long daily control series with slow, realistic change (synthetic).

For tests and the history benchmark (benchmarks/bench_history.py): one faction ("opp") holds a
jagged region of a few hundred km whose front moves a little on most days (a local push or
withdrawal somewhere along it, a slow advance in one sector) and not at all on others (the
same geometry again, as real daily archives repeat themselves); a second faction ("sdf")
holds a static region; the government ("gov") operates the watched sites. Every record is
marked synthetic with this generator and its seed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from basewatch.analysis.geodesy import GEOD
from basewatch.model import (
    ControlArea,
    Facility,
    FacilityType,
    Faction,
    Provenance,
    Relation,
    RelationKind,
    Source,
)
from basewatch.model._util import geom_to_json

__all__ = ["GENERATOR", "History", "generate_history"]

GENERATOR = "basewatch.demo.history_gen"
CENTRE = (38.0, 35.5)


@dataclass
class History:
    """A generated series: daily areas, sites, factions and relations (all synthetic)."""

    areas: list[ControlArea]
    facilities: list[Facility]
    factions: list[Faction]
    relations: list[Relation]
    seed: int

    def dates(self) -> list[dt.date]:
        return sorted({a.date for a in self.areas})

    def geometry(self, faction: str, day: dt.date) -> BaseGeometry:
        return next(a.geometry for a in self.areas if a.faction == faction and a.date == day)

    def control_geojson(self) -> dict[str, Any]:
        """The areas as an importable GeoJSON FeatureCollection (docs/formats.md, control)."""
        return {"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": geom_to_json(a.geometry),
             "properties": {"faction": a.faction, "date": a.date.isoformat(),
                            "source": "basewatch generator", "synthetic": "true",
                            "generator": GENERATOR, "seed": self.seed}}
            for a in self.areas]}


def _prov(seed: int) -> Provenance:
    return Provenance(Source("basewatch generator", "synthetic daily control series"),
                      synthetic=True, generator=GENERATOR, seed=seed)


def _ring(radii_m: np.ndarray, theta_deg: np.ndarray) -> Polygon:
    lon, lat, _ = GEOD.fwd(np.full(theta_deg.size, CENTRE[0]), np.full(theta_deg.size, CENTRE[1]),
                           theta_deg, radii_m)
    return Polygon(np.column_stack([lon, lat]))


def generate_history(days: int = 769, vertices: int = 3000, sites: int = 12, seed: int = 7,
                     start: dt.date = dt.date(2023, 1, 1), still_share: float = 0.3) -> History:
    """``days`` daily snapshots of ~``vertices`` boundary vertices each; ``sites`` sites
    between 2 and 120 km outside the first day's front, one of them overrun for a while."""
    rng = np.random.default_rng(seed)
    prov = _prov(seed)
    theta = np.linspace(0.0, 360.0, vertices, endpoint=False)
    # A jagged outline: smooth lobes plus vertex-scale roughness (kept fixed: terrain).
    lobes = sum(rng.normal(0, 0.06) * np.cos(np.radians(k * theta) + rng.uniform(0, 6.3))
                for k in range(2, 12))
    rough = rng.normal(0, 400.0, vertices)
    radius = 150_000.0 * (1 + lobes) + rough
    island = _ring(np.full(64, 12_000.0), np.linspace(0, 360, 64, endpoint=False))
    island = Polygon(np.asarray(island.exterior.coords) + [2.6, -0.2])  # an enclave 230 km east
    sdf = _ring(np.full(400, 60_000.0) + rng.normal(0, 300, 400),
                np.linspace(0, 360, 400, endpoint=False))
    sdf = Polygon(np.asarray(sdf.exterior.coords) + [0.0, 3.2])  # static, ~350 km north
    push_sector = rng.uniform(0, 360)
    areas: list[ControlArea] = []
    geom: BaseGeometry | None = None
    dates = [start + dt.timedelta(days=i) for i in range(days)]
    first = _ring(radius, theta)
    for i, day in enumerate(dates):
        if geom is None or rng.random() >= still_share:
            # One local push or withdrawal (a few km over ~10-40 degrees), and the slow advance.
            c, w, amp = rng.uniform(0, 360), rng.uniform(3, 12), rng.normal(0, 1500.0)
            dtheta = (theta - c + 180) % 360 - 180
            radius = radius + amp * np.exp(-((dtheta / w) ** 2))
            dpush = (theta - push_sector + 180) % 360 - 180
            radius = radius + 40.0 * np.exp(-((dpush / 15) ** 2))
            geom = MultiPolygon([_ring(radius, theta), island])
        areas.append(ControlArea("opp", day, geom, prov))
        areas.append(ControlArea("sdf", day, sdf, prov))
    # Sites outside the first front, along rays from the centre; the first on the push sector,
    # just beyond the front, so the advance overruns it.
    facs: list[Facility] = []
    first_r = np.asarray(first.exterior.coords)
    for k in range(sites):
        az = push_sector if k == 0 else rng.uniform(0, 360)
        j = int(np.argmin(np.abs((theta - az + 180) % 360 - 180)))
        _, _, r0 = GEOD.inv(CENTRE[0], CENTRE[1], first_r[j, 0], first_r[j, 1])
        off = 6_000.0 if k == 0 else rng.uniform(2_000, 120_000)
        lon, lat, _ = GEOD.fwd(CENTRE[0], CENTRE[1], theta[j], r0 + off)
        facs.append(Facility(f"site{k:02d}", f"Site {k}", "gov", FacilityType.BASE,
                             round(float(lon), 6), round(float(lat), 6), prov))
    factions = [Faction(f, f.upper(), prov) for f in ("gov", "opp", "sdf")]
    relations = [Relation("gov", "opp", RelationKind.HOSTILE, prov),
                 Relation("gov", "sdf", RelationKind.NEUTRAL, prov)]
    return History(areas, facs, factions, relations, seed)
