"""One-sided control: the other side's ground implied by an outline minus the held ground."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyproj
import pytest
from shapely.geometry import LineString, Point, Polygon, box

from basewatch.analysis.control import front_line
from basewatch.analysis.exposure import distances_to_polygon
from basewatch.analysis.hostility import Hostility
from basewatch.analysis.implied import implied_areas, implied_ground
from basewatch.model import (
    ControlArea,
    ControlStatus,
    Outline,
    Provenance,
    Relation,
    RelationKind,
    Source,
)

GEOD = pyproj.Geod(ellps="WGS84")
P = Provenance(Source("test"))
DAY = dt.date(2025, 1, 1)
# The country: a coarse outline whose south coast (lat 48.99) lies ~1.1 km south of the held
# ground's finer coast (lat 49.0). Red holds the west (lon 30-31).
COUNTRY = box(30.0, 48.99, 33.0, 50.0)
RED = box(30.0, 49.0, 31.0, 50.0)


def test_a_strip_narrower_than_the_sliver_width_is_dropped_a_wide_one_kept():
    g = implied_ground(COUNTRY, RED, 3000.0)
    # The 1.1 km strip south of Red is gone (but for a stub of under 0.75 km at its root) ...
    assert not g.intersects(Point(30.5, 48.995)) and not g.intersects(Point(30.985, 48.995))
    assert g.intersects(Point(31.5, 49.5)) and g.intersects(Point(32.9, 48.995))
    # ... while every boundary kept is the held polygon's or the outline's, exactly.
    assert g.buffer(1e-9).covers(LineString([(31.0, 49.05), (31.0, 49.95)]))
    narrow = implied_ground(COUNTRY, RED, 500.0)  # a 1.1 km strip is ground at 0.5 km
    assert narrow.intersects(Point(30.5, 48.995))


def test_no_phantom_hostile_ground_next_to_a_coastal_site():
    (blue,) = implied_areas([ControlArea("red", DAY, RED, P)],
                            [Outline("country", "blue", COUNTRY, P)], DAY)
    assert blue.faction == "blue" and blue.status.value == "implied"
    site = (30.5, 49.0005)  # on Red's coast, 55 m from the water
    d, _, _ = distances_to_polygon([site[0]], [site[1]], blue.geometry)
    # The nearest Blue ground is across the front at lon 31 (~36 km), not the 1 km sliver
    # (but for the stub of under 0.75 km where the sliver joined Blue's ground).
    lats = np.linspace(49.0, 50.0, 20_000)
    true = GEOD.inv(np.full(lats.size, site[0]), np.full(lats.size, site[1]),
                    np.full(lats.size, 31.0), lats)[2].min()
    assert true - 750 <= d[0] <= true + 50


def test_the_front_is_the_shared_boundary_not_the_coast_or_the_border():
    areas = [ControlArea("red", DAY, RED, P)]
    areas += implied_areas(areas, [Outline("country", "blue", COUNTRY, P)], DAY)
    h = Hostility([Relation("red", "blue", RelationKind.HOSTILE, P)])
    (seg,) = front_line(areas, h, DAY)
    xy = np.asarray([c for line in getattr(seg.geometry, "geoms", [seg.geometry])
                     for c in line.coords])
    # Only along lon 31 (but for the stub along Red's coast): no coast, no border.
    off = xy[~np.isclose(xy[:, 0], 31.0, atol=1e-6)]
    assert np.all(np.isclose(off[:, 1], 49.0, atol=1e-6) & (off[:, 0] > 30.99))
    assert 111.1 <= seg.length_km <= 112.0  # the 111.2 km meridian and the stub


def test_a_faction_with_its_own_areas_gets_no_implied_ground():
    areas = [ControlArea("red", DAY, RED, P), ControlArea("blue", DAY, box(31, 49, 33, 50), P)]
    assert implied_areas(areas, [Outline("country", "blue", COUNTRY, P)], DAY) == []


def test_narrow_ground_away_from_the_held_ground_is_kept():
    # A spit 0.9 km wide reaching 15 km east of Blue's ground and an islet 0.55 km wide,
    # 10 km off the coast: narrow, but no strip along Red's ground.
    spit, islet = box(33.0, 49.5, 33.2, 49.508), box(32.0, 48.90, 32.1, 48.905)
    g = implied_ground(COUNTRY.union(spit).union(islet), RED, 3000.0)
    assert g.intersects(Point(33.19, 49.504)) and g.intersects(Point(32.05, 48.9025))
    assert not g.intersects(Point(30.5, 48.995))  # while the strip along Red's coast goes


def test_the_implied_edge_is_the_held_edge_where_a_held_vertex_is_a_metre_off_the_outline():
    # Red's front runs from the coast to the border, 220 km; its northern vertex lies 0.4 m
    # beyond the outline's border (held areas and outlines are digitised apart). The implied
    # ground must share the whole drawn edge: the front is all of it.
    red = Polygon([(30.0, 49.0), (31.0, 49.0), (32.0, 50.0000035), (30.0, 50.0000035)])
    blue = implied_ground(box(30.0, 49.0, 33.0, 50.0), red, 3000.0)
    edge = LineString([(31.0, 49.0), (32.0, 50.0000035)])
    shared = blue.boundary.intersection(red.boundary)
    assert shared.length == pytest.approx(edge.length, rel=1e-6)
    areas = [ControlArea("red", DAY, red, P), ControlArea("blue", DAY, blue, P,
                                                          ControlStatus.IMPLIED)]
    h = Hostility([Relation("red", "blue", RelationKind.HOSTILE, P)])
    (seg,) = front_line(areas, h, DAY)
    true = GEOD.geometry_length(edge) / 1000
    assert true - 0.01 <= seg.length_km <= true + 0.01



def test_a_coast_drawn_from_the_same_line_but_rounded_apart_is_not_shared():
    # Red's area cut from the outline, its vertices every ~300 m and rounded to 1e-5 degrees
    # (as files are): along the diagonal coast they lie up to ~0.7 m off the outline's edge.
    # Even with no sliver width, Blue's ground must not follow Red's coast in hairlines: the
    # only boundary they share is the 111.2 km front at lon 31.
    import shapely

    country = Polygon([(30.0, 49.5), (30.8, 49.0), (33.0, 49.0), (33.0, 50.0), (30.0, 50.0)])
    red = shapely.set_precision(shapely.segmentize(country.intersection(box(29, 48, 31, 51)),
                                                   0.003), 1e-5)
    off = shapely.distance(shapely.points(shapely.get_coordinates(red)), country.boundary)
    coast = off[off < 1e-3]  # (not the front's vertices)
    assert 1e-7 < coast.max() < 1e-5  # some vertices off the outline's coast, none by > ~1 m
    blue = implied_ground(country, red, 0.0)
    areas = [ControlArea("red", DAY, red, P), ControlArea("blue", DAY, blue, P,
                                                          ControlStatus.IMPLIED)]
    (seg,) = front_line(areas, Hostility([Relation("red", "blue", RelationKind.HOSTILE, P)]),
                        DAY)
    true = GEOD.geometry_length(LineString([(31.0, 49.0), (31.0, 50.0)])) / 1000
    assert true - 0.01 <= seg.length_km <= true + 0.01
