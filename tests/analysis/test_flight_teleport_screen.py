"""Cleaning screens steps for teleports with an upper bound of their length
(``geodesy.step_bound_m``) and measures exactly only those it cannot clear: the bound is never
under the geodesic (pyproj, WGS84), and cleaning keeps exactly the rows it keeps when every
step is measured on the ellipsoid."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyproj
import pytest

import basewatch.analysis.flight_clean as fc
from basewatch.analysis.geodesy import distance_m, step_bound_m

GEOD = pyproj.Geod(ellps="WGS84")


@pytest.mark.parametrize("where", ["anywhere", "poles", "antimeridian", "equator", "short"])
def test_the_step_bound_is_never_under_the_geodesic(where: str) -> None:
    rng = np.random.default_rng(len(where))
    n = 200_001
    if where == "anywhere":
        lon, lat = rng.uniform(-180, 180, n), rng.uniform(-90, 90, n)
    elif where == "poles":
        lon, lat = rng.uniform(-180, 180, n), rng.choice([-1, 1], n) * rng.uniform(80, 90, n)
        lat[::5] = 90.0
    elif where == "antimeridian":
        lon = rng.choice([-1, 1], n) * rng.uniform(179, 180, n)
        lat = rng.uniform(-70, 70, n)
    elif where == "equator":
        lon, lat = rng.uniform(-180, 180, n), rng.uniform(-0.01, 0.01, n)
        lat[::3] = 0.0
    else:  # an aircraft's steps: metres to kilometres, every heading
        lat = 60 * np.sin(np.cumsum(rng.normal(0, 1e-4, n))) + rng.normal(0, 1e-3, n)
        lon = (np.cumsum(rng.normal(0, 2e-3, n)) + 180) % 360 - 180
    bound = step_bound_m(lon, lat)
    _, _, d = GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    assert bound.shape == (n - 1,)
    assert (bound >= d).all()
    # a bound, not a wild one: on an aircraft's steps (short of the poles) the path it
    # measures is at most ~1.42x the geodesic (sqrt(2) across the grid, the cosine's bound
    # and the radius)
    if where in ("short", "equator"):
        assert (bound <= 1.45 * d + 1e-6).all()
    assert step_bound_m([0.0], [0.0]).shape == (0,)
    assert step_bound_m([0.0, 0.0], [0.0, 1.0])[0] == pytest.approx(6.4e6 * np.pi / 180)


def _table(rng: np.random.Generator, n_aircraft: int, rows: int, lat0: float) -> pa.Table:
    hexes, t, lat, lon = [], [], [], []
    for k in range(n_aircraft):
        m = int(rng.integers(5, rows))
        tt = 1.7e9 + np.cumsum(rng.choice([1.0, 5.0, 10.0, 30.0], m))
        speed = rng.uniform(50, 1300) / 3600 * 1852  # m/s: some past the limit
        brg = rng.uniform(0, 360)
        la = np.empty(m)
        lo = np.empty(m)
        la[0], lo[0] = lat0 + rng.uniform(-5, 5), rng.uniform(-180, 180)
        for i in range(1, m):
            x, y, _ = GEOD.fwd(lo[i - 1], la[i - 1], brg + rng.normal(0, 5),
                               speed * (tt[i] - tt[i - 1]))
            lo[i], la[i] = x, y
        jumps = rng.random(m) < 0.03  # teleports: spikes, some next to each other
        lo[jumps] = np.clip(lo[jumps] + rng.uniform(-3, 3, jumps.sum()), -180, 180)
        la[jumps] = np.clip(la[jumps] + rng.uniform(-2, 2, jumps.sum()), -90, 90)
        hexes += [f"{k:06x}"] * m
        t.append(tt)
        lat.append(la)
        lon.append(lo)
    t_a = np.concatenate(t)
    return pa.table({"time": pa.array((t_a * 1e6).astype(np.int64), pa.timestamp("us", "UTC")),
                     "hex": pa.array(hexes), "lat": pa.array(np.concatenate(lat)),
                     "lon": pa.array(np.concatenate(lon))})


def _exact_speed_kt(lon, lat, t, same, limit_kt):
    """Every step measured on the ellipsoid: what the screen must give the same answer as."""
    v = np.asarray(distance_m(lon[:-1], lat[:-1], lon[1:], lat[1:]), float)
    with np.errstate(divide="ignore", invalid="ignore"):
        dt = np.diff(t)
        v = np.where(dt > 0, v / dt / fc.KNOTS, np.nan)
    v[~same] = np.nan
    return v


@pytest.mark.parametrize("lat0", [0.0, 50.0, 84.0])
def test_cleaning_with_the_screen_keeps_what_measuring_every_step_keeps(lat0: float,
                                                                          monkeypatch) -> None:
    rng = np.random.default_rng(int(lat0))
    table = _table(rng, 60, 400, lat0)
    got, rep = fc.clean_positions(table)
    monkeypatch.setattr(fc, "_speed_kt", _exact_speed_kt)
    want, rep_exact = fc.clean_positions(table)
    assert rep == rep_exact
    assert rep.teleports > 0
    assert got.equals(want)
