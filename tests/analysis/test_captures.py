"""What a capture takes, rule by rule (analysis/captures.py); areas checked with pyproj.Geod."""

import math

import numpy as np
import pyproj
import pytest
from shapely.geometry import Polygon, box

from basewatch.analysis.captures import KIND_RADIUS_M, capture_area, radius_for
from basewatch.analysis.corridors import captured_ground
from basewatch.model import Place, Provenance, Source
from basewatch.model.roads import Extent

P = Provenance(Source("test"))
OSM = Provenance(Source("OpenStreetMap contributors", "x.osm.pbf"))
GEOD = pyproj.Geod(ellps="WGS84")


def town(**kw):
    return Place("t", "Triesen", 9.53, 47.10, P, **{"kind": "town", **kw})


def radius_of(cap):
    xy = np.asarray(cap.area.exterior.coords)
    return GEOD.inv(np.full(len(xy), 9.53), np.full(len(xy), 47.10), xy[:, 0], xy[:, 1])[2]


def admin(name, geom, level=8):
    return Extent(f"osm-relation-{level}{name}", "admin", name, geom, OSM, level)


def test_the_call_radius_beats_the_place_extent_which_beats_the_extract():
    ext = [admin("Triesen", box(9.5, 47.0, 9.6, 47.2))]
    c = capture_area(town(extent_km=3.0), ext, radius_m=1500)
    assert (c.extent, c.source) == ("disc 1.5 km", "--capture-radius")
    assert np.allclose(radius_of(c), 1500, atol=0.5)
    c = capture_area(town(extent_km=3.0), ext)
    assert (c.extent, c.source) == ("disc 3.0 km", "the place's extent_km")
    c = capture_area(town(), ext)
    assert c.extent == "administrative boundary (admin_level 8)" and "osm-relation-8Triesen" in c.source
    assert c.area.equals(box(9.5, 47.0, 9.6, 47.2))


def test_an_admin_area_counts_only_with_the_places_name_and_containing_it():
    far = admin("Triesen", box(10.0, 47.0, 10.1, 47.1))
    other = admin("Vaduz", box(9.5, 47.0, 9.6, 47.2))
    country = admin("Triesen", box(9.0, 46.0, 10.0, 48.0), level=4)  # too coarse
    assert capture_area(town(), [far, other, country]).extent == "disc 2.0 km"


def test_the_built_up_area_around_the_place_merges_blocks_within_100_m():
    # Two blocks 40 m apart (merged) and one 3 km away (not the town).
    d = 0.0005  # ~40 m of longitude at 47°N
    a = box(9.525, 47.095, 9.53, 47.105)
    b = box(9.53 + d, 47.095, 9.535, 47.105)
    far = box(9.57, 47.095, 9.575, 47.105)
    ext = [Extent(f"osm-way-{i}", "built_up", "", g, OSM) for i, g in enumerate((a, b, far))]
    c = capture_area(town(), ext)
    assert c.extent == "built-up area (2 landuse polygons)"
    assert c.area.covers(a.buffer(-5e-5)) and c.area.covers(b.buffer(-5e-5))  # to ~5 m
    assert not c.area.intersects(far)


def test_without_an_extent_the_radius_follows_population_then_kind():
    r, why = radius_for(town(population=100_000))
    assert r == pytest.approx(math.sqrt(100_000 / 2000 / math.pi) * 1000) and "population 100,000" in why
    assert radius_for(town(kind="village"))[0] == KIND_RADIUS_M["village"]
    c = capture_area(town(population=100_000))
    assert np.allclose(radius_of(c), r, atol=0.5)


def test_captured_ground_is_a_geodesic_disc():
    g = captured_ground([Place("h", "Hama", 36.7578, 35.1318, P)], 10_000)
    xy = np.asarray(g.exterior.coords)
    _, _, d = GEOD.inv(np.full(len(xy), 36.7578), np.full(len(xy), 35.1318), xy[:, 0], xy[:, 1])
    assert np.allclose(d, 10_000, atol=0.01)


def test_an_extent_must_be_a_polygon():
    from basewatch.errors import ValidationError

    with pytest.raises(ValidationError, match="extent x: kind 'forest' not one of"):
        Extent("x", "forest", "", Polygon([(0, 0), (1, 0), (1, 1)]), OSM)
