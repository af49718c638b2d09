"""Destination inference for many flights at once equals the per-flight answer.

Generated tracks (random take-off times, destinations, scatter and turns) go dark airborne;
the batched course fits (:func:`fit_courses`, padded rows) and candidate search
(:func:`destination_candidates_many`, screened on the sphere) are checked against a plain
per-flight computation written here with pyproj.Geod on every airfield (no screening), and
:func:`detect_events` on all the tracks together against each track detected alone."""

from __future__ import annotations

import math

import numpy as np
import pyproj
import pytest

from basewatch.analysis.flight_ends import (
    destination_candidates_many,
    fit_course,
    fit_courses,
)
from basewatch.analysis.flights import clean_positions, detect_events
from basewatch.model import Provenance, Source
from basewatch.model.flights import Airfield

from .test_flights import MOSCOW, OSLK, TEHRAN, _table, takeoff_rwy35

GEOD = pyproj.Geod(ellps="WGS84")
PROV = Provenance(Source("test"))


def _airfields(rng: np.random.Generator, n: int) -> list[Airfield]:
    out = [OSLK, MOSCOW, TEHRAN]
    for k in range(n):
        out.append(Airfield(f"X{k:03d}", f"field {k}", float(rng.uniform(20, 62)),
                            float(rng.uniform(10, 70)), PROV,
                            area=f"area {k}" if k % 3 else ""))
    return out


def _track(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A track of 20-90 positions, 5-20 s apart, on a course that turns slowly, with
    scatter across it; some short (under 1 km) or of two points (no fit)."""
    n = int(rng.choice([2, 3, int(rng.integers(20, 90))], p=[0.1, 0.1, 0.8]))
    lon, lat = float(rng.uniform(25, 50)), float(rng.uniform(30, 55))
    az, turn = float(rng.uniform(0, 360)), float(rng.normal(0, 1.5))
    step = float(rng.choice([20.0, 1500.0]))
    lons, lats = [], []
    for _ in range(n):
        jlon, jlat, _ = GEOD.fwd(lon, lat, az + 90.0, float(rng.normal(0, 150)))
        lons.append(jlon)
        lats.append(jlat)
        lon, lat, _ = GEOD.fwd(lon, lat, az, step)
        az += turn
    t = 1.7e9 + np.cumsum(rng.uniform(5, 20, n))
    return np.array(lons), np.array(lats), t


def _fit_by_hand(lon: np.ndarray, lat: np.ndarray, t: np.ndarray, window_s: float = 600.0
                 ) -> tuple[float, float] | None:
    """The course fit as the docs state it, one track at a time: the azimuthal equidistant
    plane about the last position, the principal axis of the points (eigenvector of the
    scatter matrix), oriented from the first point to the last; error atan(sigma / sqrt(l1))."""
    use = t >= t[-1] - window_s
    lon, lat = lon[use], lat[use]
    az, _, dist = GEOD.inv(np.full(len(lon), lon[-1]), np.full(len(lat), lat[-1]), lon, lat)
    a = np.radians(np.asarray(az))
    pts = np.c_[dist * np.sin(a), dist * np.cos(a)]
    if len(pts) < 3 or dist[0] < 1000.0:
        return None
    c = pts - pts.mean(axis=0)
    vals, vecs = np.linalg.eigh(c.T @ c)
    u = vecs[:, 1]
    if u @ (pts[-1] - pts[0]) < 0:
        u = -u
    sigma = math.sqrt(max(vals[0], 0.0) / max(len(pts) - 2, 1))
    err = max(1.0, math.degrees(math.atan2(sigma, math.sqrt(vals[1]))))
    return math.degrees(math.atan2(u[0], u[1])) % 360.0, err


def test_batched_course_fits_equal_fits_one_track_at_a_time() -> None:
    rng = np.random.default_rng(19)
    tracks = [_track(rng) for _ in range(300)]
    k = max(len(x[0]) for x in tracks)
    # rows padded at the front (oldest side) with junk that the mask must hide
    lon, lat, t = (np.full((len(tracks), k), 99.0) for _ in range(3))
    valid = np.zeros((len(tracks), k), bool)
    for r, (x, y, tt) in enumerate(tracks):
        lon[r, k - len(x):], lat[r, k - len(x):], t[r, k - len(x):] = x, y, tt
        valid[r, k - len(x):] = True
    course, err, n = fit_courses(lon, lat, t, valid)
    fitted = 0
    for r, (x, y, tt) in enumerate(tracks):
        one = fit_course(x, y, tt)
        by_hand = _fit_by_hand(x, y, tt)
        assert (one is None) == (by_hand is None) == bool(np.isnan(course[r]))
        if one is None:
            continue
        fitted += 1
        assert course[r] == pytest.approx(one.course_deg, abs=1e-9)
        assert err[r] == pytest.approx(one.error_deg, rel=1e-9)
        assert n[r] == one.n
        assert abs((course[r] - by_hand[0] + 180) % 360 - 180) < 1e-6
        assert err[r] == pytest.approx(by_hand[1], rel=1e-6)
    assert fitted > len(tracks) / 3  # the fit is exercised, not only the refusals


def _candidates_by_hand(lon: float, lat: float, course: float, error: float,
                        airfields: list[Airfield], origin: str, *, min_km: float = 100.0,
                        max_range_km: float = 5000.0, min_cone_deg: float = 10.0
                        ) -> list[tuple[str, float, float]]:
    cone = max(min_cone_deg, 2.0 * error)
    out = []
    for a in airfields:
        brg, _, d = GEOD.inv(lon, lat, a.lon, a.lat)
        off = abs((brg % 360.0 - course + 180.0) % 360.0 - 180.0)
        if a.ident != origin and off <= cone and min_km <= d / 1e3 <= max_range_km:
            out.append((a.ident, off, d / 1e3))
    return sorted(out, key=lambda c: (round(c[1], 1), c[2]))


def test_batched_candidates_equal_a_search_of_every_airfield_per_flight() -> None:
    rng = np.random.default_rng(7)
    fields = _airfields(rng, 400)
    m = 500
    lon, lat = rng.uniform(25, 50, m), rng.uniform(30, 55, m)
    course, error = rng.uniform(0, 360, m), rng.choice([1.0, 3.0, 8.0], m)
    origins = [str(fields[int(i)].ident) for i in rng.integers(0, len(fields), m)]
    got = destination_candidates_many(lon, lat, course, error, fields, origins)
    total = 0
    for r in range(m):
        want = _candidates_by_hand(lon[r], lat[r], course[r], error[r], fields, origins[r])
        total += len(want)
        assert [a.ident for a, _, _ in got[r]] == [w[0] for w in want]
        for (_, off, km), (_, off2, km2) in zip(got[r], want):
            assert off == pytest.approx(off2, abs=1e-9) and km == pytest.approx(km2, rel=1e-12)
    assert total > 1000  # the cones hold many fields: the ranking is exercised


def test_detecting_all_flights_together_equals_each_flight_alone() -> None:
    rng = np.random.default_rng(3)
    fields = _airfields(rng, 60)
    rows: list[tuple] = []
    alone = []
    for k in range(60):
        dest = fields[int(rng.integers(1, len(fields)))]
        track = takeoff_rwy35(f"{0x100000 + k:06x}", dest=(dest.lon, dest.lat))
        shift = float(rng.uniform(-3600, 3600))
        track = [(r[0] + shift, *r[1:]) for r in track]
        rows += track
        alone += detect_events(clean_positions(_table(track))[0], fields)
    together = detect_events(clean_positions(_table(rows))[0], fields)
    key = lambda e: (e.hex, e.time, e.kind)  # noqa: E731
    assert [e.to_dict() for e in sorted(together, key=key)] == \
        [e.to_dict() for e in sorted(alone, key=key)]
    inferred = [e for e in together if e.destination_method == "inferred from bearing"]
    assert len(inferred) >= 40 and sum(len(e.candidates) > 1 for e in inferred) >= 1
