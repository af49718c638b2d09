"""Landings lost on short final or ended on the runway; courses and destinations of tracks
that went dark. Hand-made tracks with known answers (built independently with pyproj.Geod)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pyproj
import pytest

from basewatch.analysis.flight_ends import (
    BASIS_FINAL,
    BASIS_RUNWAY,
    destination_candidates,
    fit_course,
)
from basewatch.analysis.flights import clean_positions, detect_events
from basewatch.model import Provenance, Source
from basewatch.model.flights import Airfield

from .test_flights import _N, _S, MOSCOW, OSLK, TEHRAN, _table, takeoff_rwy35

GEOD = pyproj.Geod(ellps="WGS84")
PROV = Provenance(Source("test"))
T0 = dt.datetime(2024, 12, 4, 12, 0, tzinfo=dt.UTC).timestamp()
KT = 1852 / 3600


def approach_rwy35(stop_m: float, gs_kt: float = 140.0, hex_: str = "abcdef",
                   on_ground: bool | None = False, glide_deg: float = 3.0
                   ) -> tuple[list[tuple], float]:
    """Fly straight in on runway 35 (from the south, course 356) on a ``glide_deg`` path,
    positions every 5 s, the last one ``stop_m`` from the 35 threshold (negative: short of
    it). Returns the rows and the true touchdown time, 300 m past the threshold."""
    v = gs_kt * KT
    rows = []
    d = -12000.0  # along-track from the 35 threshold
    t = T0
    while d <= stop_m + 1e-6:
        lon, lat, _ = GEOD.fwd(_S[0], _S[1], 356.0, d) if d >= 0 else \
            GEOD.fwd(_S[0], _S[1], 176.0, -d)
        agl_ft = max(0.0, (300.0 - d) * math.tan(math.radians(glide_deg))) / 0.3048
        rows.append((t, hex_, lat, lon, 157.0 + agl_ft, gs_kt, 356.0, on_ground))
        d += v * 5
        t += 5
    return rows, T0 + (300.0 + 12000.0) / v


def test_track_lost_on_short_final_is_a_probable_landing_on_the_right_runway_end() -> None:
    rows, touchdown = approach_rwy35(stop_m=-2500.0)  # dark 2.5 km out, ~560 ft above the field
    ev = detect_events(clean_positions(_table(rows))[0], [OSLK, MOSCOW])
    assert [(e.kind, e.airfield, e.runway, e.basis, e.probable) for e in ev] == [
        ("landing", "OSLK", "35", BASIS_FINAL, True)]
    assert abs(ev[0].time.timestamp() - touchdown) <= 30
    assert ev[0].destination_method == BASIS_FINAL


def test_track_whose_last_points_are_on_the_runway_is_a_landing() -> None:
    # never reported on the ground (no flag, still 120 kt): last point 900 m down runway 35
    rows, touchdown = approach_rwy35(stop_m=900.0, gs_kt=120.0, on_ground=None)
    ev = detect_events(clean_positions(_table(rows))[0], [OSLK])
    assert [(e.kind, e.runway, e.basis, e.probable) for e in ev] == [
        ("landing", "35", BASIS_RUNWAY, False)]
    assert abs(ev[0].time.timestamp() - touchdown) <= 30


def test_track_lost_high_or_far_out_or_off_axis_is_not_a_landing() -> None:
    far, _ = approach_rwy35(stop_m=-9500.0)  # beyond the 8 km of short final
    assert detect_events(clean_positions(_table(far))[0], [OSLK]) == []
    high = [(*r[:4], r[4] + 3000.0, *r[5:]) for r in approach_rwy35(stop_m=-2500.0)[0]]
    assert detect_events(clean_positions(_table(high))[0], [OSLK]) == []
    # 1.5 km east of the centreline, parallel to it
    off = []
    for r in approach_rwy35(stop_m=-2500.0)[0]:
        lon, lat, _ = GEOD.fwd(r[3], r[2], 86.0, 1500.0)
        off.append((r[0], r[1], lat, lon, *r[4:]))
    assert detect_events(clean_positions(_table(off))[0], [OSLK]) == []


@pytest.mark.parametrize(("glide_deg", "landing"), [(3.0, True), (5.5, True), (12.0, False),
                                                   (23.0, False)])
def test_track_lost_on_final_above_any_approach_path_is_not_a_landing(glide_deg: float,
                                                                      landing: bool) -> None:
    """Lost 600 m short of the threshold (900 m from the touch-down zone): on a 3 degree path
    (~155 ft up) or a steep 5.5 degree one (London City's; ~285 ft) a probable landing; on a
    12 or 23 degree "path" (~630 / ~1,260 ft up, higher than a 6 degree approach plus 300 ft
    of unknown pressure) no approach could land from there."""
    rows, _ = approach_rwy35(stop_m=-600.0, glide_deg=glide_deg)
    ev = detect_events(clean_positions(_table(rows))[0], [OSLK])
    assert [(e.kind, e.basis) for e in ev] == ([("landing", BASIS_FINAL)] if landing else [])


def test_departure_climbing_over_the_runway_is_not_a_landing() -> None:
    # coverage lost 10 s after lift-off, over the runway's far end and climbing
    ev = detect_events(clean_positions(_table(takeoff_rwy35()[:10]))[0], [OSLK])
    assert [e.kind for e in ev] == ["takeoff"]


def test_fit_course_recovers_a_geodesic_course_and_small_error() -> None:
    # 10 minutes along the geodesic from Khmeimim to Sheremetyevo, points every 10 s
    az0 = GEOD.inv(35.95, 35.40, 37.4146, 55.9726)[0]
    lons, lats, _ = GEOD.fwd(np.full(61, 35.95), np.full(61, 35.40), np.full(61, az0),
                             np.arange(61) * 1300.0)
    t = T0 + np.arange(61) * 10.0
    fit = fit_course(np.asarray(lons), np.asarray(lats), t)
    assert fit is not None
    # the forward azimuth at the last point, from pyproj, is the answer
    expected = GEOD.inv(lons[-1], lats[-1], 37.4146, 55.9726)[0] % 360
    assert abs((fit.course_deg - expected + 180) % 360 - 180) < 0.2
    assert fit.error_deg == pytest.approx(1.0)  # floored: no scatter on a clean geodesic
    assert fit.n == 61 and fit.span_s == 600.0


def test_fit_course_error_grows_with_scatter() -> None:
    rng = np.random.default_rng(4)
    lons, lats, _ = GEOD.fwd(np.full(31, 36.0), np.full(31, 36.0), np.full(31, 45.0),
                             np.arange(31) * 1000.0)
    lons, lats, _ = GEOD.fwd(lons, lats, np.full(31, 135.0), rng.normal(0, 1500, 31))
    fit = fit_course(np.asarray(lons), np.asarray(lats), T0 + np.arange(31) * 20.0)
    assert fit is not None
    assert abs((fit.course_deg - 45 + 180) % 360 - 180) < 3 * fit.error_deg
    # by hand: sigma 1,500 m across, points every 1 km over 30 km: atan(1500 / sqrt(sum d^2))
    by_hand = math.degrees(math.atan(1500.0 / math.sqrt(sum(((k - 15) * 1000.0) ** 2
                                                            for k in range(31)))))
    assert 0.6 * by_hand < fit.error_deg < 1.5 * by_hand


def test_candidates_in_the_cone_and_range_ranked_by_angle_off_course() -> None:
    fit = fit_course(*_line(35.95, 35.40, 10.0, 60))  # northbound from Latakia
    assert fit is not None
    chkalovsky = Airfield("UUMU", "Chkalovsky", 55.8783, 38.0617, PROV, area="Moscow area")
    kiev = Airfield("UKBB", "Boryspil", 50.345, 30.8947, PROV, area="Kyiv area")
    cands = destination_candidates(fit, [OSLK, MOSCOW, chkalovsky, TEHRAN, kiev],
                                   origin="OSLK")
    got = [a.ident for a, _, _ in cands]
    off = {a.ident: o for a, o, _ in cands}
    for a in (MOSCOW, chkalovsky):  # expected angle off course, from pyproj
        exp = abs((GEOD.inv(fit.lon, fit.lat, a.lon, a.lat)[0] - fit.course_deg + 180) % 360 - 180)
        assert off[a.ident] == pytest.approx(exp, abs=1e-6)
    assert set(got) == {"UUEE", "UUMU"}  # Tehran (east) and Kyiv (~22 deg off) are outside
    assert got == sorted(got, key=lambda i: off[i])
    # a short range (endurance) leaves Moscow (2,300+ km) out
    assert destination_candidates(fit, [MOSCOW, chkalovsky], max_range_km=1500) == []


def _line(lon: float, lat: float, az: float, n: int) -> tuple[np.ndarray, ...]:
    lons, lats, _ = GEOD.fwd(np.full(n, lon), np.full(n, lat), np.full(n, az),
                             np.arange(n) * 1200.0)
    return np.asarray(lons), np.asarray(lats), T0 + np.arange(n) * 10.0


def test_track_that_goes_dark_names_course_error_and_candidates() -> None:
    ev = detect_events(clean_positions(_table(takeoff_rwy35()))[0], [OSLK, MOSCOW, TEHRAN])
    e = ev[0]
    assert (e.destination, e.destination_method) == ("Moscow area", "inferred from bearing")
    assert e.candidates[0] == "UUEE"
    # the last leg flies the geodesic toward Sheremetyevo: course = azimuth to it from the end
    rows = takeoff_rwy35()
    expected = GEOD.inv(rows[-1][3], rows[-1][2], MOSCOW.lon, MOSCOW.lat)[0] % 360
    assert e.course_deg is not None and e.course_error_deg is not None
    assert abs((e.course_deg - expected + 180) % 360 - 180) <= 1.0
    assert e.course_error_deg >= 1.0


def test_best_runway_wins_where_a_neighbours_extended_centreline_crosses() -> None:
    # a second field whose runway axis (heading 45) runs exactly through the first position
    # of a climb-out from runway 35, 8.2 km beyond its 04 threshold; listed first, it must
    # still lose to the runway the aircraft is actually over the extended centreline of
    from basewatch.model.flights import Runway

    rows = [r for r in takeoff_rwy35() if r[7] is False][1:]  # first seen airborne at 10:02:10
    ax, ay, _ = GEOD.fwd(rows[0][3], rows[0][2], 225.0, 7000.0)
    a1 = GEOD.fwd(ax, ay, 45.0, 1200.0)
    a2 = GEOD.fwd(ax, ay, 225.0, 1200.0)
    other = Airfield("XXXX", "neighbour", ay, ax, PROV,
                     runways=(Runway("04", a2[1], a2[0], 45, "22", a1[1], a1[0], 225, 7900),))
    ev = detect_events(clean_positions(_table(rows))[0], [other, OSLK, MOSCOW])
    assert [(e.kind, e.airfield, e.runway) for e in ev] == [("takeoff", "OSLK", "35")]


def test_first_seen_airborne_with_one_second_sampling_and_repeated_altitudes() -> None:
    # 1 s positions whose altitude changes only every 4 s (25 ft steps): adjacent positions
    # often share an altitude; the climb is judged over ~20 s
    lon, lat, _ = GEOD.fwd(_N[0], _N[1], 356.0, 600.0)  # 600 m past the 35 far end
    rows = []
    for k in range(60):
        p = GEOD.fwd(lon, lat, 356.0, 160 * KT * k)
        rows.append((T0 + k, "abc123", p[1], p[0], 400.0 + 25 * (k // 4), 160.0, 356.0, False))
    ev = detect_events(clean_positions(_table(rows))[0], [OSLK])
    assert [(e.kind, e.runway, e.basis) for e in ev] == [("takeoff", "35", "first seen airborne")]


def test_screening_azimuth_is_within_half_a_degree_of_pyproj_away_from_the_poles() -> None:
    from basewatch.analysis.geodesy import approx_azimuth_deg

    rng = np.random.default_rng(2)
    lon1, lat1 = rng.uniform(-180, 180, 2000), rng.uniform(-70, 70, 2000)
    lon2, lat2 = lon1 + rng.uniform(-40, 40, 2000), np.clip(lat1 + rng.uniform(-30, 30, 2000),
                                                            -70, 70)
    exact = np.asarray(GEOD.inv(lon1, lat1, lon2, lat2)[0]) % 360
    diff = np.abs((approx_azimuth_deg(lon1, lat1, lon2, lat2) - exact + 180) % 360 - 180)
    far = np.asarray(GEOD.inv(lon1, lat1, lon2, lat2)[2]) > 100e3  # what the screening sees
    assert np.all(diff[far] < 0.5)  # the screening margin (2 degrees) covers it
