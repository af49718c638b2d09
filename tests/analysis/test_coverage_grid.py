"""The coverage grid (cells wholly inside or outside a circle, counted without a distance)
gives the counts of measuring every position: checked against a brute force over all
positions and fields, at the poles, across the antimeridian, with NaN and off-globe rows."""

import numpy as np
import pytest

from basewatch.analysis import sorties
from basewatch.analysis.geodesy import approx_distance_m, distance_m
from basewatch.analysis.sorties import daily_coverage


def _brute(lon, lat, days, fields, r):
    out = {}
    for ident, (x, y) in fields.items():
        with np.errstate(invalid="ignore"):
            d = approx_distance_m(lon, lat, x, y)
            near = d <= r * 0.99
            edge = np.flatnonzero((d > r * 0.99) & (d <= r * 1.01))
        exact = np.asarray(distance_m(lon[edge], lat[edge], np.full(len(edge), x),
                                      np.full(len(edge), y)))
        near[edge[exact <= r]] = True
        got = {}
        for day in days[near]:
            got[day.astype(object)] = got.get(day.astype(object), 0) + 1
        out[ident] = got
    return out


@pytest.mark.parametrize("seed", [0, 1])
def test_grid_counts_equal_measuring_every_position(seed, monkeypatch):
    rng = np.random.default_rng(seed)
    fields = {"N_POLE": (10.0, 89.5), "S_POLE": (-70.0, -89.2), "EAST_AM": (179.8, 60.0),
              "WEST_AM": (-179.5, -10.0), "EQ": (0.0, 0.0), "HIGH": (33.0, 80.0)}
    for i in range(6):
        fields[f"F{i}"] = (rng.uniform(-180, 180), rng.uniform(-85, 85))
    lons, lats = [], []
    for x, y in fields.values():  # dense out to twice the radius, most near the edge
        n = 6_000
        ang, dist = rng.uniform(0, 2 * np.pi, n), rng.uniform(0, 2.8, n)
        lats.append(np.clip(y + dist * np.sin(ang), -90, 90))
        lons.append((x + dist * np.cos(ang) / max(np.cos(np.radians(y)), 0.02) + 180) % 360
                    - 180)
    lon = np.concatenate(lons + [rng.uniform(-180, 180, 20_000), [np.nan, 0, 180, -180, 10]])
    lat = np.concatenate(lats + [rng.uniform(-90, 90, 20_000), [0, np.nan, 60, -10, 90]])
    days = (np.datetime64("2024-02-27") + rng.integers(0, 4, len(lon))).astype("datetime64[D]")
    monkeypatch.setattr(sorties, "_GRID_FROM", 1)
    got = daily_coverage(lon, lat, days, fields)
    want = _brute(lon, lat, days, fields, sorties.COVERAGE_RADIUS_KM * 1000.0)
    assert got == want
    assert sum(sum(v.values()) for v in got.values()) > 30_000  # the circles were reached
