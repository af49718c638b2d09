"""Take-offs, landings and cleaning on hand-made tracks with known answers."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pyarrow as pa
import pyproj
import pytest

from basewatch.analysis.flights import (
    POSITION_SCHEMA,
    clean_positions,
    daily_sorties,
    detect_events,
    poisson_tail,
)
from basewatch.model import Provenance, Source
from basewatch.model.flights import Airfield, Runway

GEOD = pyproj.Geod(ellps="WGS84")
PROV = Provenance(Source("test"))
# a runway 17/35 of 2,800 m centred on Khmeimim, built independently with pyproj
_N = GEOD.fwd(35.9487, 35.4011, 356, 1400)
_S = GEOD.fwd(35.9487, 35.4011, 176, 1400)
OSLK = Airfield("OSLK", "Khmeimim", 35.4011, 35.9487, PROV, area="Latakia area",
                runways=(Runway("17", _N[1], _N[0], 176, "35", _S[1], _S[0], 356, 9186),))
MOSCOW = Airfield("UUEE", "Sheremetyevo", 55.9726, 37.4146, PROV, area="Moscow area")
TEHRAN = Airfield("OIII", "Mehrabad", 35.6892, 51.3134, PROV, area="Tehran area")
T_TAKEOFF = dt.datetime(2024, 12, 4, 10, 2, tzinfo=dt.UTC)


def _table(rows: list[tuple]) -> pa.Table:
    cols = list(zip(*rows))
    return pa.table({
        "time": pa.array([int(t * 1e6) for t in cols[0]], pa.int64()).cast(POSITION_SCHEMA.field("time").type),
        "hex": pa.array(cols[1]), "lat": pa.array(cols[2], pa.float64()),
        "lon": pa.array(cols[3], pa.float64()), "alt_ft": pa.array(cols[4], pa.float64()),
        "gs_kt": pa.array(cols[5], pa.float64()), "track_deg": pa.array(cols[6], pa.float64()),
        "on_ground": pa.array(cols[7], pa.bool_()), "callsign": pa.nulls(len(rows), pa.string()),
        "synthetic": pa.array([False] * len(rows)),
    }, schema=POSITION_SCHEMA)


def takeoff_rwy35(hex_: str = "1533ff", dest: tuple[float, float] = (37.4146, 55.9726),
                  ground_flag: bool = True) -> list[tuple]:
    """Roll north from the south threshold (runway 35), lift off at 10:02:00, climb, fly on."""
    lon, lat = _S[0], _S[1]
    t = T_TAKEOFF.timestamp() - 40
    rows = []
    for k in range(8):
        rows.append((t, hex_, lat, lon, np.nan, 17.5 * k, 356.0, True if ground_flag else None))
        lon, lat, _ = GEOD.fwd(lon, lat, 356, (17.5 * k + 9) * 1852 / 3600 * 5)
        t += 5
    az = GEOD.inv(lon, lat, *dest)[0]
    for k in range(60):  # 10 minutes straight toward dest after the first 2 min on heading
        crs = 356.0 if k < 12 else az
        rows.append((t, hex_, lat, lon, 500.0 + 250 * k, 160.0 + 4 * k, crs % 360,
                     False if ground_flag else None))
        lon, lat, _ = GEOD.fwd(lon, lat, crs, (160 + 4 * k) * 1852 / 3600 * 10)
        t += 10
    return rows


def test_takeoff_at_1002_on_runway_35_found_within_30_s() -> None:
    table, _ = clean_positions(_table(takeoff_rwy35()))
    ev = detect_events(table, [OSLK, MOSCOW, TEHRAN])
    assert [(e.kind, e.airfield, e.runway) for e in ev] == [("takeoff", "OSLK", "35")]
    assert abs((ev[0].time - T_TAKEOFF).total_seconds()) <= 30


def test_track_that_goes_dark_toward_moscow_is_inferred_not_observed() -> None:
    ev = detect_events(clean_positions(_table(takeoff_rwy35()))[0], [OSLK, MOSCOW, TEHRAN])
    assert ev[0].destination == "Moscow area"
    assert ev[0].destination_method == "inferred from bearing"
    ev2 = detect_events(clean_positions(_table(takeoff_rwy35(dest=(51.3134, 35.6892))))[0],
                        [OSLK, MOSCOW, TEHRAN])
    assert ev2[0].destination == "Tehran area"


def test_takeoff_without_ground_flag_uses_ground_speed() -> None:
    ev = detect_events(clean_positions(_table(takeoff_rwy35(ground_flag=False)))[0], [OSLK])
    assert [(e.kind, e.runway) for e in ev] == [("takeoff", "35")]
    assert abs((ev[0].time - T_TAKEOFF).total_seconds()) <= 30


def test_landing_on_runway_17_from_the_north() -> None:
    # approach from 10 km north on heading 176, touch down 300 m past the 17 threshold
    t0 = T_TAKEOFF.timestamp()
    rows = []
    for k in range(20, 0, -1):
        lon, lat, _ = GEOD.fwd(_N[0], _N[1], 356, k * 500)
        rows.append((t0, "abcdef", lat, lon, 150.0 + k * 160, 150.0, 176.0, False))
        t0 += 6.5
    for k in range(6):
        lon, lat, _ = GEOD.fwd(_N[0], _N[1], 176, 300 + 200 * k)
        rows.append((t0, "abcdef", lat, lon, np.nan, 130.0 - 20 * k, 176.0, True))
        t0 += 5
    ev = detect_events(clean_positions(_table(rows))[0], [OSLK])
    assert [(e.kind, e.airfield, e.runway) for e in ev] == [("landing", "OSLK", "17")]
    expected = T_TAKEOFF.timestamp() + 20 * 6.5 - 2.5  # midpoint of last air / first ground
    assert abs(ev[0].time.timestamp() - expected) <= 30


def test_flight_far_from_runway_makes_no_event() -> None:
    rows = [(r[0], r[1], r[2] + 0.05, r[3], *r[4:]) for r in takeoff_rwy35()]  # ~5.5 km north
    assert detect_events(clean_positions(_table(rows))[0], [OSLK]) == []


def test_teleport_duplicate_out_of_order_and_bad_coordinates_counted_good_rows_kept() -> None:
    rows = takeoff_rwy35()
    n = len(rows)
    bad = list(rows)
    bad[30] = (bad[30][0], "1533ff", bad[30][2] + 5.0, *bad[30][3:])  # 555 km jump in 10 s
    bad.append(rows[10])  # duplicate
    bad.append((rows[5][0] + 1, "1533ff", 95.0, 35.0, np.nan, 0.0, 0.0, True))  # lat 95
    bad[40], bad[41] = bad[41], bad[40]  # out of order (the appended duplicate is too: 2)
    table, rep = clean_positions(_table(bad))
    assert rep.to_dict() == {"rows_in": n + 2, "kept": n - 1, "bad_coordinates": 1,
                             "duplicates": 1, "out_of_order": 2, "teleports": 1}
    t = table.column("time").cast(pa.int64()).to_numpy()
    assert (np.diff(t) > 0).all()


def test_poisson_tail_matches_hand_computation() -> None:
    lam = 0.25
    by_hand = 1 - np.exp(-lam) * (1 + lam + lam**2 / 2)
    assert poisson_tail(3, lam) == pytest.approx(by_hand)
    assert poisson_tail(0, lam) == 1.0


def test_daily_sorties_flags_a_surge_against_a_quiet_baseline() -> None:
    day0 = dt.datetime(2024, 11, 1, 9, tzinfo=dt.UTC)
    offs = [(day0 + dt.timedelta(days=d), "heavy transport", False) for d in range(0, 28, 7)]
    offs += [(day0 + dt.timedelta(days=30, hours=h), "heavy transport", False) for h in range(4)]
    rows = daily_sorties(offs, "OSLK")
    last = rows[-1]
    assert last.count == 4
    # window = days 2..29: the take-offs of days 7, 14, 21 (day 0 is out of it)
    assert last.baseline_rate == pytest.approx((3 + 0.5) / 28)
    assert last.p_value == pytest.approx(poisson_tail(4, (3 + 0.5) / 28))
    assert last.surge
    assert not any(r.surge for r in rows[:-1])


def test_screening_distance_is_within_0_6_percent_of_pyproj() -> None:
    from basewatch.analysis.geodesy import approx_distance_m

    rng = np.random.default_rng(1)
    lon1, lat1 = rng.uniform(-180, 180, 1000), rng.uniform(-80, 80, 1000)
    lon2, lat2 = lon1 + rng.uniform(-1, 1, 1000), np.clip(lat1 + rng.uniform(-1, 1, 1000), -89, 89)
    exact = GEOD.inv(lon1, lat1, lon2, lat2)[2]
    assert np.all(np.abs(approx_distance_m(lon1, lat1, lon2, lat2) / exact - 1) < 0.006)


def test_events_do_not_depend_on_row_order() -> None:
    rows = takeoff_rwy35() + takeoff_rwy35(hex_="abc123", dest=(51.3134, 35.6892))
    expected = detect_events(clean_positions(_table(rows))[0], [OSLK, MOSCOW, TEHRAN])
    rng = np.random.default_rng(3)
    for _ in range(3):
        shuffled = [rows[i] for i in rng.permutation(len(rows))]
        got = detect_events(clean_positions(_table(shuffled))[0], [OSLK, MOSCOW, TEHRAN])
        assert got == expected
    assert {(e.hex, e.destination) for e in expected} == {("1533ff", "Moscow area"),
                                                          ("abc123", "Tehran area")}


def test_track_first_seen_airborne_after_liftoff_is_a_takeoff_with_its_basis() -> None:
    rows = [r for r in takeoff_rwy35() if r[7] is False][1:]  # coverage starts at 10:02:10
    ev = detect_events(clean_positions(_table(rows))[0], [OSLK, MOSCOW, TEHRAN])
    assert [(e.kind, e.airfield, e.runway, e.basis) for e in ev] == [
        ("takeoff", "OSLK", "35", "first seen airborne")]
    # the first position (10:02:10) bounds the lift-off from above; the climb extrapolated
    # down to the field gives the estimate, and the interval holds the true 10:02:00
    assert ev[0].time_hi == T_TAKEOFF + dt.timedelta(seconds=10)
    assert ev[0].time_lo <= T_TAKEOFF <= ev[0].time_hi
    assert ev[0].time < ev[0].time_hi
    assert ev[0].destination == "Moscow area"


def test_approach_first_seen_airborne_is_not_a_takeoff() -> None:
    t0 = T_TAKEOFF.timestamp()
    rows = []
    for k in range(20, 0, -1):  # descending toward runway 17 from the north
        lon, lat, _ = GEOD.fwd(_N[0], _N[1], 356, k * 300)
        rows.append((t0, "abcdef", lat, lon, 100.0 + k * 60, 150.0, 176.0, False))
        t0 += 4
    ev = detect_events(clean_positions(_table(rows))[0], [OSLK])
    # no take-off; the track ends 300 m short of the 17 threshold at 160 ft: a probable landing
    assert [(e.kind, e.runway, e.probable) for e in ev] == [("landing", "17", True)]


def test_days_without_coverage_are_left_out_of_the_baseline_and_not_judged() -> None:
    from basewatch.analysis.sorties import daily_sorties as sorties

    day0 = dt.datetime(2024, 11, 1, 9, tzinfo=dt.UTC)
    # one take-off every covered day for 20 days; days 20-27 the receivers saw nothing
    offs = [(day0 + dt.timedelta(days=d), "fighter", False) for d in range(20)]
    offs += [(day0 + dt.timedelta(days=28, hours=h), "fighter", False) for h in range(2)]
    coverage = {(day0 + dt.timedelta(days=d)).date(): (0 if 20 <= d <= 27 else 50)
                for d in range(29)}
    rows = sorties(offs, "OSLK", coverage=coverage)
    by_day = {(r.day - day0.date()).days: r for r in rows}
    # day 28: window days 0..27, of which 20 covered, with 20 take-offs
    assert by_day[28].baseline_days == 20
    assert by_day[28].baseline_rate == pytest.approx((20 + 0.5) / 20)
    assert not by_day[28].surge  # 2 against ~1/day: ordinary
    for d in range(20, 28):
        assert by_day[d].covered is False and by_day[d].positions == 0
        assert math.isnan(by_day[d].p_value) and not by_day[d].surge
    # without coverage the gap reads as 8 quiet days: the baseline is diluted
    blind = {(r.day - day0.date()).days: r for r in sorties(offs, "OSLK")}
    assert blind[28].baseline_rate == pytest.approx((20 + 0.5) / 28)
    assert blind[28].covered is None


def test_coverage_counts_positions_within_the_radius_on_the_ellipsoid() -> None:
    from basewatch.analysis.sorties import daily_coverage

    geod = pyproj.Geod(ellps="WGS84")
    lon0, lat0 = 35.948, 35.401  # OSLK
    # positions 149.9 and 150.1 km away (by pyproj) on two days, and one at 10 km
    az = np.array([10.0, 200.0, 90.0, 300.0])
    dist = np.array([149_900.0, 150_100.0, 10_000.0, 149_900.0])
    lon, lat, _ = geod.fwd(np.full(4, lon0), np.full(4, lat0), az, dist)
    days = np.array(["2024-12-03", "2024-12-03", "2024-12-04", "2024-12-05"], "datetime64[D]")
    got = daily_coverage(lon, lat, days, {"OSLK": (lon0, lat0)}, radius_km=150)
    assert got == {"OSLK": {dt.date(2024, 12, 3): 1, dt.date(2024, 12, 4): 1,
                            dt.date(2024, 12, 5): 1}}
