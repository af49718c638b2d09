"""The prepared ground: edge cases of the inside test and the display simplification."""

from __future__ import annotations

import numpy as np
import pyproj
import pytest
from shapely.geometry import Polygon, box

from basewatch.analysis.ground import Ground, GroundCache, simplify_for_display

GEOD = pyproj.Geod(ellps="WGS84")


def test_a_point_between_a_long_edge_in_lon_lat_and_its_geodesic_is_inside():
    # The geodesic from (0, 60) to (10, 60) bulges north of the 60th parallel to about
    # 60.083 N at 5 E (atan(tan 60 / cos 5) on the sphere), so (5, 60.05) is inside the ground
    # although a lon/lat test would put it outside.
    g = Ground(Polygon([(0, 50), (10, 50), (10, 60), (0, 60)]))
    d, lon, lat, inside = g.distances([5.0, 5.0], [60.05, 60.5])
    assert inside.tolist() == [True, False]
    assert d[0] == 0.0 and (lon[0], lat[0]) == (5.0, 60.05)
    # Outside: the nearest point lies on the geodesic edge, north of the parallel.
    _, _, expected = GEOD.inv(5.0, 60.5, lon[1], lat[1])
    assert d[1] == pytest.approx(expected, abs=0.01) and lat[1] > 60.07


def test_no_points_and_empty_ground():
    g = Ground(box(0, 0, 1, 1))
    d, _, _, inside = g.distances([], [])
    assert d.size == 0 and inside.size == 0
    e = Ground(Polygon())
    d, _, _, inside = e.distances([0.5], [0.5])
    assert np.isinf(d[0]) and not inside[0]


def test_ground_cache_prepares_each_key_once():
    loads: list[str] = []
    cache = GroundCache(size=2)

    def load(name: str):
        loads.append(name)
        return box(0, 0, 1, 1)

    a = cache.get("a", lambda: load("a"))
    assert cache.get("a", lambda: load("a")) is a
    cache.get("b", lambda: load("b"))
    cache.get("c", lambda: load("c"))  # evicts a (least recently used)
    cache.get("a", lambda: load("a"))
    assert loads == ["a", "b", "c", "a"]


def test_display_simplification_keeps_topology_and_tolerance():
    theta = np.linspace(0, 2 * np.pi, 4000, endpoint=False)
    r = 1 + 0.01 * np.sin(40 * theta)
    outer = Polygon(np.column_stack([36 + r * np.cos(theta), 35 + 0.8 * r * np.sin(theta)]),
                    [box(35.9, 34.9, 36.1, 35.1).exterior.coords])
    simple = simplify_for_display(outer, 500.0)
    assert simple.is_valid and len(simple.interiors) == 1
    assert len(simple.exterior.coords) < len(outer.exterior.coords) / 4
    # No vertex of the original outline is farther than the tolerance from the simplified one.
    xy = np.asarray(outer.exterior.coords)[::10]
    shell = Polygon(simple.exterior)
    d, _, _, ins = Ground(shell).distances(xy[:, 0], xy[:, 1])
    outside = Ground(box(30, 30, 42, 40).difference(shell))  # from inside: to the same ring
    both = np.where(ins, outside.distances(xy[:, 0], xy[:, 1])[0], d)
    assert float(both.max()) <= 500.0


def test_the_quantile_of_the_split_is_numpys():
    import numpy as np

    from basewatch.analysis.ground import _quantile

    rng = np.random.default_rng(7)
    for n in (1, 2, 3, 50, 101, 1000, 4097):
        x = rng.lognormal(7, 2, size=n)
        for q in (0.0, 0.5, 0.99, 1.0):
            assert _quantile(x, q) == float(np.quantile(x, q))
