"""Resampling on known geometry: a great circle flown at constant speed, a gap that splits."""

from __future__ import annotations

import numpy as np
import pyproj

from basewatch.analysis.flight_resample import resample
from basewatch.analysis.flights import clean_positions
from tests.analysis.flight_tracks import T0, Track

GEOD = pyproj.Geod(ellps="WGS84")


def test_points_between_fixes_lie_on_the_geodesic_at_the_right_distance() -> None:
    # fixes every 10 s along a geodesic at 250 m/s; resampled every second
    lon0, lat0, az = 35.0, 55.0, 40.0
    rows = []
    for k in range(13):
        lon, lat, _ = GEOD.fwd(lon0, lat0, az, 2500.0 * k)
        rows.append((T0 + 10 * k + 0.4, lat, lon, 1000.0 + 10 * k, 486.0, az, False))
    out = resample(clean_positions(Track(rows, np.nan).table())[0], 1.0)
    t = np.asarray(out.column("time").cast("int64")) / 1e6
    assert t[0] == T0 + 1 and t[-1] == T0 + 120 and np.all(np.diff(t) == 1.0)
    lat, lon = np.asarray(out.column("lat")), np.asarray(out.column("lon"))
    # each resampled point: distance from the start as flown, and on the line (pyproj)
    az_, _, dist = GEOD.inv(np.full(len(t), lon0), np.full(len(t), lat0), lon, lat)
    expected = 250.0 * (t - (T0 + 0.4))
    assert np.max(np.abs(dist - expected)) < 5.0
    assert np.max(np.abs(np.asarray(az_)[1:] - az)) < 0.01
    assert np.allclose(np.asarray(out.column("alt_ft")), 1000.0 + (t - T0 - 0.4))


def test_a_gap_longer_than_the_limit_is_not_filled() -> None:
    rows = [(T0 + k, 35.0 + k * 1e-3, 35.0, 1000.0, 200.0, 0.0, False) for k in range(5)]
    rows += [(T0 + 2000 + k, 36.0 + k * 1e-3, 35.0, 1000.0, 200.0, 0.0, False) for k in range(5)]
    out = resample(clean_positions(Track(rows, np.nan).table())[0], 1.0)
    assert out.num_rows == 10  # two segments of 5 s, nothing in the 33-minute gap
