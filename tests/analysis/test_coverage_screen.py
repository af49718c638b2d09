"""Coverage counts (positions within 150 km of a field, per day) against the ellipsoidal
distance measured for every position with pyproj: the latitude and longitude screens drop
nothing at the antimeridian or near a pole, with few fields (one comparison per field) or many
(positions sorted by latitude once)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyproj
import pytest

from basewatch.analysis.sorties import daily_coverage

FIELDS = {"DATELINE": (179.9, -16.5), "NORTH": (15.5, 80.2), "SOUTH": (-70.0, -75.0),
          "MID": (35.95, 35.4)}


@pytest.mark.parametrize("extra_fields", [0, 30])
def test_counts_equal_the_ellipsoidal_distance_of_every_position(extra_fields: int) -> None:
    rng = np.random.default_rng(5)
    geod = pyproj.Geod(ellps="WGS84")
    fields = dict(FIELDS)
    for i in range(extra_fields):  # far from the others: many fields, same answers
        fields[f"X{i}"] = (float(rng.uniform(-60, -20)), float(rng.uniform(-40, 40)))
    lon, lat = [], []
    for x, y in FIELDS.values():  # positions 100-200 km away in every direction, and around
        n = 3000
        plon, plat, _ = geod.fwd(np.full(n, x), np.full(n, y), rng.uniform(0, 360, n),
                                 rng.uniform(100e3, 200e3, n))
        lon.append(plon)
        lat.append(plat)
    lon.append(rng.uniform(-180, 180, 4000))
    lat.append(rng.uniform(-89, 89, 4000))
    lon_a, lat_a = np.concatenate(lon), np.concatenate(lat)
    days = np.datetime64("2024-12-01") + rng.integers(0, 5, len(lon_a)).astype("timedelta64[D]")
    got = daily_coverage(lon_a, lat_a, days, fields, radius_km=150)
    for ident, (x, y) in fields.items():
        _, _, d = geod.inv(np.full(len(lon_a), x), np.full(len(lon_a), y), lon_a, lat_a)
        near = days[np.asarray(d) <= 150e3]
        uniq, n = np.unique(near, return_counts=True)
        want = {u.astype(dt.date): int(k) for u, k in zip(uniq, n)}
        assert got[ident] == want, ident
    assert sum(sum(v.values()) for v in got.values()) > 4 * 1000  # the rings were populated
