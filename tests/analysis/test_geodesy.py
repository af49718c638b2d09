import numpy as np
import pyproj
import pytest
from shapely.geometry import LineString, Polygon, box

from basewatch.analysis.geodesy import area_km2, distance_m, geodesic_circle, length_km

GEOD = pyproj.Geod(ellps="WGS84")


def test_one_degree_of_latitude_at_the_equator_is_110_574_km():
    assert distance_m(0, 0, 0, 1) == pytest.approx(110_574.4, abs=0.5)


def test_distance_broadcasts_and_matches_geod_inv():
    rng = np.random.default_rng(1)
    lon1, lat1 = rng.uniform(-180, 180, 50), rng.uniform(-89, 89, 50)
    lon2, lat2 = rng.uniform(-180, 180, 50), rng.uniform(-89, 89, 50)
    _, _, expected = GEOD.inv(lon1, lat1, lon2, lat2)
    np.testing.assert_allclose(distance_m(lon1, lat1, lon2, lat2), expected, rtol=0, atol=1e-6)
    assert distance_m(0, 0, [0, 0], [1, 2]).shape == (2,)


def test_hama_homs_is_about_44_km():
    # Hama and Homs centres as in the demo gazetteer; the article rounds to 40 km.
    assert distance_m(36.7578, 35.1318, 36.7137, 34.7324) / 1000 == pytest.approx(44.5, abs=0.3)


def test_area_of_a_one_degree_box_matches_geod():
    poly = box(36.0, 35.0, 37.0, 36.0)
    lons, lats = poly.exterior.xy
    expected, _ = GEOD.polygon_area_perimeter(lons, lats)
    assert area_km2(poly) == pytest.approx(abs(expected) / 1e6, rel=1e-12)
    # Orientation does not matter.
    assert area_km2(Polygon(list(poly.exterior.coords)[::-1])) == pytest.approx(area_km2(poly))


def test_length_of_a_line_is_the_sum_of_geodesic_segments():
    line = LineString([(36.0, 35.0), (36.5, 35.2), (37.0, 34.8)])
    _, _, d1 = GEOD.inv(36.0, 35.0, 36.5, 35.2)
    _, _, d2 = GEOD.inv(36.5, 35.2, 37.0, 34.8)
    assert length_km(line) == pytest.approx((d1 + d2) / 1000, rel=1e-9)


@pytest.mark.parametrize("lon,lat", [(35.949, 35.401), (179.9, 10.0), (0.0, 89.5)])
def test_geodesic_circle_vertices_are_at_the_radius(lon, lat):
    ring = geodesic_circle(lon, lat, 70_000, 90)
    xs, ys = np.array(ring.exterior.xy)
    _, _, d = GEOD.inv(np.full(xs.size, lon), np.full(xs.size, lat), xs, ys)
    np.testing.assert_allclose(d, 70_000, atol=1e-3)


def test_approx_step_is_approx_distance_between_neighbours_to_the_bit():
    # cleaning uses the step form (one cosine per latitude); the pairwise form is the
    # reference, at every length (vector loops and their tails) and across the antimeridian
    from basewatch.analysis.geodesy import approx_distance_m, approx_step_m

    rng = np.random.default_rng(19)
    for n in (2, 3, 5, 8, 17, 64, 1001, 65_537):
        lon = rng.uniform(-180, 180, n)
        lat = rng.uniform(-90, 90, n)
        lon[::7] = 179.9999  # neighbours either side of the antimeridian
        lon[1::7] = -179.9999
        want = approx_distance_m(lon[:-1], lat[:-1], lon[1:], lat[1:])
        got = approx_step_m(lon, lat)
        assert got.shape == (n - 1,)
        assert got.tobytes() == want.tobytes()
    assert approx_step_m([0.0, 1.0], [0.0, 0.0])[0] == pytest.approx(111_195, rel=1e-3)


def test_along_cross_track_with_an_origin_per_point_is_one_call_per_point_to_the_bit():
    # the final-approach bound measures every landing against its own runway at once
    from basewatch.analysis.geodesy import along_cross_track_m

    rng = np.random.default_rng(7)
    n = 257
    lon0, lat0 = rng.uniform(-180, 180, n), rng.uniform(-80, 80, n)
    az0 = rng.uniform(0, 360, n)
    lon, lat = lon0 + rng.normal(0, 0.05, n), lat0 + rng.normal(0, 0.05, n)
    along, cross = along_cross_track_m(lon, lat, lon0, lat0, az0)
    for k in range(n):
        a1, c1 = along_cross_track_m(lon[k], lat[k], float(lon0[k]), float(lat0[k]),
                                     float(az0[k]))
        assert (float(a1), float(c1)) == (along[k], cross[k])
        # independently: the geodesic from the origin, split along and across the line
        az, _, d = GEOD.inv(lon0[k], lat0[k], lon[k], lat[k])
        assert along[k] == pytest.approx(d * np.cos(np.radians(az - az0[k])), abs=1e-6)
        assert cross[k] == pytest.approx(d * np.sin(np.radians(az - az0[k])), abs=1e-6)
    # one line for several points: unchanged shape
    a2, c2 = along_cross_track_m(lon[:5], lat[:5], float(lon0[0]), float(lat0[0]), 90.0)
    assert a2.shape == c2.shape == (5,)
