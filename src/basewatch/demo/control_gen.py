"""Seeded generator of daily control polygons for the demo, from documented facts.

No exact public control polygons can be fetched in an offline build, so the demo's are made
here from ``data/control_facts.json``: a coarse outline of the country, the zones each faction
held before the offensive, and the captures with their dates. Each capture is a geodesic disc
around the place (radius jittered by the seed) joined to the ground it was taken from by a
hull. Ground is assigned in date order (a later capture takes the ground from whoever held it);
the government holds whatever is left. Every area is marked synthetic with this generator, the
seed and the facts it used.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from typing import Any

import numpy as np
import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from basewatch.analysis.geodesy import GEOD, geodesic_circle
from basewatch.model._util import geom_to_json

__all__ = ["DEFAULT_SEED", "GENERATOR", "generate_control", "load_facts"]

GENERATOR = "basewatch.demo.control_gen"
DEFAULT_SEED = 20241127


def load_facts() -> dict[str, Any]:
    text = resources.files("basewatch.demo").joinpath("data/control_facts.json").read_text("utf-8")
    facts: dict[str, Any] = json.loads(text)
    return facts


def _places() -> dict[str, tuple[float, float]]:
    import csv
    import io

    text = resources.files("basewatch.demo").joinpath("data/places.csv").read_text("utf-8")
    return {r["id"]: (float(r["lon"]), float(r["lat"])) for r in csv.DictReader(io.StringIO(text))}


def _event_shape(ev: dict[str, Any], places: dict[str, tuple[float, float]],
                 rng: np.random.Generator) -> BaseGeometry:
    lon, lat = places[ev["place"]] if "place" in ev else (ev["lon"], ev["lat"])
    # Jitter: the centre moves up to 1.5 km, the radius by +-10 %; the place itself stays inside
    # because the shift is far smaller than the smallest radius (4 km).
    az, shift = rng.uniform(0, 360), rng.uniform(0, 1500)
    clon, clat, _ = GEOD.fwd(lon, lat, az, shift)
    radius_m = ev["radius_km"] * 1000 * rng.uniform(0.9, 1.1)
    disc = geodesic_circle(float(clon), float(clat), radius_m, 64)
    if "anchor" not in ev:
        return disc
    alon, alat = ev["anchor"]
    foot = geodesic_circle(alon, alat, radius_m * 0.5, 32)
    return shapely.convex_hull(shapely.union(disc, foot))


def generate_control(seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of daily control areas, one feature per faction and day."""
    facts = load_facts()
    places = _places()
    rng = np.random.default_rng(seed)
    outline = Polygon(facts["outline"]["coords"])
    start = dt.date.fromisoformat(facts["period"]["start"])
    end = dt.date.fromisoformat(facts["period"]["end"])
    src = facts["sources"]["timeline"]

    held: dict[str, BaseGeometry] = {}

    def assign(faction: str, shape: BaseGeometry) -> None:
        shape = shapely.intersection(shape, outline)
        for other in list(held):
            if other != faction:
                held[other] = shapely.difference(held[other], shape)
        held[faction] = shapely.union(held.get(faction, Polygon()), shape)

    for z in facts["zones"]:
        if "circle" in z:
            c = z["circle"]
            shape = geodesic_circle(c["lon"], c["lat"], c["radius_km"] * 1000, 64)
        else:
            shape = Polygon(z["coords"])
        assign(z["faction"], shape)

    events = sorted(facts["events"], key=lambda e: e["date"])
    shapes = [(e, _event_shape(e, places, rng)) for e in events]
    features: list[dict[str, Any]] = []
    day = start
    while day <= end:
        used: list[str] = []
        for ev, shape in shapes:
            if dt.date.fromisoformat(ev["date"]) == day:
                assign(ev["faction"], shape)
        used = [ev["id"] for ev, _ in shapes if dt.date.fromisoformat(ev["date"]) <= day]
        others = shapely.union_all([g for g in held.values() if not g.is_empty])
        government = shapely.difference(outline, others)
        snapshot = {**held, "government": government}
        for faction in sorted(snapshot):
            geom = shapely.make_valid(snapshot[faction])
            polys = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and p.area > 1e-6]
            if not polys:
                continue
            features.append({
                "type": "Feature",
                "properties": {
                    "faction": faction, "date": day.isoformat(), "status": "assessed",
                    "source": src["publisher"], "source_title": src["title"], "source_url": src["url"],
                    "date_precision": "day", "location_precision": "area",
                    "synthetic": True, "generator": GENERATOR, "seed": seed,
                    "notes": "synthetic polygon from control_facts.json; captures used: "
                             + (", ".join(used) or "none") + "; outline and zones hand-digitised",
                },
                "geometry": geom_to_json(shapely.MultiPolygon(polys)),
            })
        day += dt.timedelta(days=1)
    return {"type": "FeatureCollection", "name": "control (synthetic demo)", "features": features}
