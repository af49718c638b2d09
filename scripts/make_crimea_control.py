"""Build docs/examples/crimea/control.geojson (and outlines.geojson) from the hand-drawn front lines of
docs/examples/crimea/control_facts.json: on each date, the land of Ukraine and Crimea in
Natural Earth 1:50m (world-atlas, built into the dashboard's vendor folder by
scripts/build_web.sh) on Russia's side of the line. Deterministic (no randomness, seed 0);
every area is marked synthetic and names this script. outlines.geojson is the same land,
Ukraine's where Russia holds none of it (one-sided control): Natural Earth's public-domain
outline, not synthetic. Run from the repository root:

    .venv/bin/python scripts/make_crimea_control.py
"""

from __future__ import annotations

import json
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping

from basewatch.exports.basemap import WORLD_ATLAS, decode_topojson

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "docs" / "examples" / "crimea"
#: Only land north of this latitude in the Russia multipolygon is taken: Crimea (which
#: Natural Earth draws as Russian) is the part of Russia inside CRIMEA_BOX.
CRIMEA_BOX = shapely.box(32.3, 44.3, 36.7, 46.3)


def land() -> shapely.Geometry:
    """Ukraine and Crimea as Natural Earth draws them, dissolved into one area."""
    world = dict(decode_topojson(json.loads(WORLD_ATLAS.read_text("utf-8")), "countries"))
    crimea = shapely.intersection(shapely.make_valid(world["Russia"]), CRIMEA_BOX)
    return shapely.union(shapely.make_valid(world["Ukraine"]), crimea)


def held(front: list[list[float]], closure: list[list[float]], ground: shapely.Geometry
         ) -> shapely.Geometry:
    ring = [tuple(p) for p in front] + [tuple(p) for p in closure if tuple(p) != tuple(front[-1])]
    zone = shapely.make_valid(Polygon(ring))
    out = shapely.intersection(ground, zone)
    polys = [p for p in shapely.get_parts(out) if isinstance(p, Polygon) and p.area > 1e-6]
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)


def main() -> None:
    facts = json.loads((FOLDER / "control_facts.json").read_text("utf-8"))
    ground = land()
    features = []
    for snap in facts["snapshots"]:
        geom = shapely.set_precision(held(snap["front"], facts["closure"]["coords"], ground), 1e-5)
        src = snap["sources"][0]
        features.append({"type": "Feature", "properties": {
            "faction": facts["faction"], "date": snap["date"], "status": "assessed",
            "source": src["publisher"], "source_title": src["title"], "source_url": src["url"],
            "location_precision": "area", "synthetic": True,
            "generator": "scripts/make_crimea_control.py", "seed": 0,
            "notes": "hand-drawn coarse approximation (errors of 10-30 km) around: " + snap["note"]
                     + "; sources: " + "; ".join(f"{s['publisher']}, {s['title']}, {s['url']}"
                                                 for s in snap["sources"])},
            "geometry": mapping(geom)})
    doc = {"type": "FeatureCollection", "name": "Russian-held area of Ukraine (hand-drawn, synthetic)",
           "features": features}
    text = json.dumps(doc, separators=(",", ":"))
    (FOLDER / "control.geojson").write_text(text + "\n", "utf-8")
    print(f"wrote {len(features)} areas, {len(text) // 1024} KiB")
    outline = {"type": "FeatureCollection", "name": "Ukraine's outline (Natural Earth 1:50m)",
               "features": [{"type": "Feature", "properties": {
                   "id": "ukraine", "faction": "ukraine",
                   "source": "Natural Earth", "source_title": "Admin 0 countries 1:50m, as the "
                   "world-atlas package (countries-50m) ships it: Ukraine, with Crimea (drawn "
                   "there as Russian) added back", "source_url": "https://www.naturalearthdata.com/",
                   "location_precision": "area",
                   "notes": "the land of Ukraine: Ukraine's ground wherever the control file "
                            "gives no other faction's area"},
                   "geometry": mapping(shapely.set_precision(ground, 1e-5))}]}
    (FOLDER / "outlines.geojson").write_text(json.dumps(outline, separators=(",", ":")) + "\n",
                                             "utf-8")


if __name__ == "__main__":
    main()
