"""One-sided control: the other side's ground implied by an outline minus the held ground."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyproj
from shapely.geometry import LineString, Point, box

from basewatch.analysis.control import front_line
from basewatch.analysis.exposure import distances_to_polygon
from basewatch.analysis.hostility import Hostility
from basewatch.analysis.implied import implied_areas, implied_ground
from basewatch.model import ControlArea, Outline, Provenance, Relation, RelationKind, Source

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
