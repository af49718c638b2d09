import datetime as dt

import numpy as np
import pyproj
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Point, Polygon, box

from basewatch.analysis.exposure import distances_to_polygon, exposure_on, reach_timeline
from basewatch.analysis.hostility import Hostility
from basewatch.analysis.reach import reach_area, split_antimeridian
from basewatch.model import ControlArea, Facility, FacilityType, Relation, RelationKind, Source
from basewatch.model.weapons import Holding, Munition, WeaponClass, WeaponSystem

GEOD = pyproj.Geod(ellps="WGS84")


def brute_force(lon, lat, poly, step_m=100.0):
    """Reference: every ring densified along geodesics every ~100 m, Geod.inv to every vertex,
    then refined by a fine search along the two segments next to the best vertex. Edges are
    geodesics, so "inside" is tested on the densified polygon too (the lon/lat polygon with
    straight edges differs from it by tens of metres along a 100 km edge)."""
    if _densified(poly, step_m).contains(Point(lon, lat)):
        return 0.0
    best = np.inf
    for ring in [p.exterior for p in getattr(poly, "geoms", [poly])]:
        xy = np.asarray(ring.coords)
        for (x0, y0), (x1, y1) in zip(xy[:-1], xy[1:]):
            _, _, length = GEOD.inv(x0, y0, x1, y1)
            n = max(int(length // step_m), 1)
            pts = [(x0, y0)] + GEOD.npts(x0, y0, x1, y1, n) + [(x1, y1)]
            px, py = np.array(pts).T
            _, _, d = GEOD.inv(np.full(px.size, lon), np.full(py.size, lat), px, py)
            k = int(np.argmin(d))
            lo, hi = pts[max(k - 1, 0)], pts[min(k + 1, len(pts) - 1)]
            fine = np.array(GEOD.npts(*lo, *hi, 400) + [lo, hi])
            _, _, dd = GEOD.inv(np.full(len(fine), lon), np.full(len(fine), lat), fine[:, 0], fine[:, 1])
            best = min(best, float(dd.min()))
    return best


def _densified(poly, step_m):
    def ring(coords):
        xy = np.asarray(coords)
        out = []
        for (x0, y0), (x1, y1) in zip(xy[:-1], xy[1:]):
            n = max(int(GEOD.inv(x0, y0, x1, y1)[2] // step_m), 1)
            out += [(x0, y0), *GEOD.npts(x0, y0, x1, y1, n)]
        return out + [tuple(xy[-1])]

    parts = [Polygon(ring(p.exterior.coords), [ring(h.coords) for h in p.interiors])
             for p in getattr(poly, "geoms", [poly])]
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def star(lon, lat, radii_km, rotation=0.0):
    az = np.linspace(0, 360, len(radii_km), endpoint=False) + rotation
    x, y, _ = GEOD.fwd(np.full(len(az), lon), np.full(len(az), lat), az, np.asarray(radii_km) * 1000)
    return Polygon(np.column_stack([x, y]))


def test_one_degree_of_latitude_from_an_edge_on_the_equator():
    d, nlon, nlat = distances_to_polygon([0.0], [1.0], box(-1.0, -1.0, 1.0, 0.0))
    assert d[0] == pytest.approx(110_574.389, abs=0.01)
    assert (nlon[0], nlat[0]) == pytest.approx((0.0, 0.0), abs=1e-7)


def test_points_inside_are_at_distance_zero():
    d, _, _ = distances_to_polygon([36.5, 37.5], [35.5, 35.5], box(36, 35, 37, 36))
    assert d[0] == 0.0
    assert d[1] == pytest.approx(brute_force(37.5, 35.5, box(36, 35, 37, 36)), abs=1.0)


def test_polygon_across_the_antimeridian():
    poly = Polygon([(179, -1), (181, -1), (181, 1), (179, 1)])  # lon 181 = -179
    d, nlon, _ = distances_to_polygon([-179.5, -178.0, 178.0], [0.0, 0.0, 0.0], poly)
    assert d[0] == 0.0
    _, _, one_degree = GEOD.inv(-178.0, 0.0, -179.0, 0.0)
    assert d[1] == pytest.approx(one_degree, abs=0.01) and nlon[1] == pytest.approx(-179.0)
    assert d[2] == pytest.approx(one_degree, abs=0.01)


def test_nearest_part_of_a_multipolygon():
    mp = MultiPolygon([box(36, 35, 36.1, 35.1), box(38, 35, 38.1, 35.1)])
    d, nlon, _ = distances_to_polygon([37.9], [35.05], mp)
    _, _, expected = GEOD.inv(37.9, 35.05, 38.0, 35.05)
    assert d[0] == pytest.approx(expected, abs=0.5) and nlon[0] == pytest.approx(38.0, abs=1e-5)


@settings(max_examples=40, deadline=None)
@given(lon=st.floats(-170, 170), lat=st.floats(-70, 70),
       radii=st.lists(st.floats(5, 150), min_size=3, max_size=9),
       az=st.floats(0, 360), off_km=st.floats(0, 400), rot=st.floats(0, 90))
def test_matches_the_brute_force_geodesic_reference_within_1_m(lon, lat, radii, az, off_km, rot):
    poly = star(lon, lat, radii, rot)
    if not poly.is_valid:
        return
    plon, plat, _ = GEOD.fwd(lon, lat, az, off_km * 1000)
    d, _, _ = distances_to_polygon([plon], [plat], poly)
    assert d[0] == pytest.approx(brute_force(plon, plat, poly), abs=1.0)


def prov():
    from basewatch.model import Provenance

    return Provenance(Source("test"))


SMERCH = WeaponSystem("smerch", "BM-30 Smerch", WeaponClass.MRL,
                      (Munition("long", 20, 90, Source("w")), Munition("short", 20, 70, Source("w"))),
                      prov(), 300)


def test_reach_on_a_hand_made_three_day_scenario():
    """Hostile ground creeps east toward a site at 37.0E; the hostile gets the system on day 2."""
    site = Facility("s", "Site", "blue", FacilityType.BASE, 37.0, 35.0, prov())
    days = [dt.date(2024, 12, d) for d in (1, 2, 3)]
    edges = [36.0, 36.0, 36.3]  # the hostile polygon's east edge (longitude)
    rel = Hostility([Relation("red", "blue", RelationKind.HOSTILE, prov())])
    holdings = [Holding("red", "smerch", prov(), valid_from=days[1], captured=True)]
    series = []
    for day, edge in zip(days, edges):
        areas = [ControlArea("red", day, box(35.0, 34.5, edge, 35.5), prov())]
        (e,) = exposure_on([site], areas, rel, {"smerch": SMERCH}, holdings, day)
        series.append(e)
    _, _, d1 = GEOD.inv(37.0, 35.0, 36.0, 35.0)
    _, _, d3 = GEOD.inv(37.0, 35.0, 36.3, 35.0)
    assert series[0].nearest.distance_km == pytest.approx(d1 / 1000, abs=0.01)  # ~91.1 km
    assert series[0].reach == ()  # not held yet, and out of range anyway
    assert [r.munition for r in series[1].reach] == []  # held, but 91 km > 90 km
    assert {r.munition for r in series[2].reach} == {"long", "short"}  # 63.8 km
    assert series[2].reach[0].margin_km == pytest.approx(90 - d3 / 1000, abs=0.01)
    assert reach_timeline(series) == {("smerch", "long"): days[2], ("smerch", "short"): days[2]}


def test_reach_area_edge_lies_at_the_range():
    ground = box(36.0, 35.0, 36.8, 35.6)
    area = reach_area(ground, 70_000)
    xy = np.asarray(area.exterior.coords)[::7]
    d, _, _ = distances_to_polygon(xy[:, 0], xy[:, 1], ground)
    assert np.all(d >= 70_000) and np.allclose(d, 70_000, rtol=0.005)


@pytest.mark.parametrize("ground,range_km", [
    (box(33.0, 46.0, 36.0, 47.5), 40.0),                  # long E-W edges: geodesics bulge
    (star(30.0, 50.0, [80, 300, 150, 400, 120, 250, 60]), 300.0),
])
def test_reach_area_is_never_short_of_the_range(ground, range_km):
    """Along rays from the ground's centre, the last point within the range (bisected on the
    geodesic distance) lies inside the area; the area ends at most 0.5 % beyond the range.
    Spot checks of those distances against pyproj.Geod by brute force."""
    from shapely.prepared import prep

    r = range_km * 1000
    area = prep(reach_area(ground, r))
    c = ground.centroid
    az = np.linspace(0, 360, 36, endpoint=False)

    def along(t):
        x, y, _ = GEOD.fwd(np.full(az.size, c.x), np.full(az.size, c.y), az, t)
        return x, y

    lo, hi = np.zeros(az.size), np.full(az.size, 3e6)
    for _ in range(36):
        mid = (lo + hi) / 2
        d, _, _ = distances_to_polygon(*along(mid), ground)
        lo, hi = np.where(d <= r, mid, lo), np.where(d <= r, hi, mid)
    x, y = along(lo)
    assert all(area.contains(Point(a, b)) for a, b in zip(x, y))
    for k in range(0, az.size, 12):
        assert brute_force(x[k], y[k], ground, step_m=500.0) <= r + 1.0
    x, y = along(lo * 1.005 + r * 0.006)  # beyond 0.5 % (plus the ray's slant) it is outside
    d, _, _ = distances_to_polygon(x, y, ground)
    assert np.sum(d > r * 1.005) >= az.size // 2
    assert all(not area.contains(Point(a, b)) for a, b, dd in zip(x, y, d) if dd > r * 1.005)


def test_rings_across_the_antimeridian_are_split_for_geojson():
    from basewatch.analysis.geodesy import geodesic_circle

    ring = split_antimeridian(geodesic_circle(179.8, 10.0, 100_000, 128))
    assert isinstance(ring, MultiPolygon)
    minx, _, maxx, _ = ring.bounds
    assert minx >= -180 and maxx <= 180
