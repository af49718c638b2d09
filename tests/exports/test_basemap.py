"""The report's basemap: Natural Earth countries decoded from world-atlas' TopoJSON, checked on
a hand-made topology and on places whose country is known."""

from __future__ import annotations

import pytest
from shapely.geometry import Point

from basewatch.exports.basemap import WORLD_ATLAS, countries, decode_topojson


def test_arcs_are_delta_decoded_dequantized_and_reversed() -> None:
    # a unit square from two arcs, the second used reversed: (0,0)->(1,0)->(1,1) and
    # (0,0)->(0,1)->(1,1) reversed; quantized with scale 0.5 and translate (10, 20)
    doc = {"type": "Topology", "transform": {"scale": [0.5, 0.5], "translate": [10, 20]},
           "arcs": [[[0, 0], [2, 0], [0, 2]], [[0, 0], [0, 2], [2, 0]]],
           "objects": {"c": {"type": "GeometryCollection", "geometries": [
               {"type": "Polygon", "arcs": [[0, ~1]], "properties": {"name": "Square"}}]}}}
    [(name, poly)] = decode_topojson(doc, "c")
    assert name == "Square"
    assert list(poly.exterior.coords) == [(10, 20), (11, 20), (11, 21), (10, 21), (10, 20)]
    assert poly.area == pytest.approx(1.0)


@pytest.mark.skipif(not WORLD_ATLAS.exists(), reason="world-atlas not built (scripts/build_web.sh)")
def test_places_fall_in_their_countries() -> None:
    got = dict(countries((34.0, 31.0, 43.0, 38.0)))
    assert {"Syria", "Lebanon", "Turkey", "Iraq", "Jordan"} <= set(got)
    assert got["Syria"].contains(Point(36.29, 33.51))  # Damascus
    assert got["Lebanon"].contains(Point(35.90, 33.85))  # Zahle, in the Beqaa
    assert not got["Syria"].contains(Point(35.90, 33.85))
    assert all(g.bounds[0] >= 34.0 and g.bounds[3] <= 38.0 for g in got.values())
