"""Each way real ADS-B tripped the detector, reproduced on seeded tracks with known truth.

The faults are those found in the `traffic` library's real samples (see
tests/flights_traffic/test_ground_truth.py, which checks them on the real data): the
on-ground flag lagging the lift-off / touch-down, frozen (forward-filled) positions after a
touch-down, the reported track stale while rolling, tracks starting at lift-off with an
immediate turn, pressure altitude off the field elevation, flypasts and gaps.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from basewatch.analysis.flights import clean_positions, detect_events
from tests.analysis.flight_tracks import FIELD, GEOD, T0, Track, W, landing, takeoff


def _events(track: Track):  # type: ignore[no-untyped-def]
    return detect_events(clean_positions(track.table())[0], [FIELD])


def _one(track: Track, kind: str, runway: str):  # type: ignore[no-untyped-def]
    ev = _events(track)
    assert [(e.kind, e.runway) for e in ev] == [(kind, runway)]
    e = ev[0]
    assert e.time_lo.timestamp() <= track.truth <= e.time_hi.timestamp()
    assert abs(e.time.timestamp() - track.truth) <= 5.0
    return e


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_takeoff_timed_from_the_climb_not_the_lagging_flag(seed: int) -> None:
    e = _one(takeoff(seed, flag_lag_s=18), "takeoff", "25")
    assert e.time_hi.timestamp() - e.time_lo.timestamp() <= 15  # the climb pins it down


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_landing_timed_from_the_descent_not_the_lagging_flag(seed: int) -> None:
    _one(landing(seed, runway="25", flag_lag_s=18), "landing", "25")


def test_frozen_tail_after_touchdown_is_timed_where_the_position_froze() -> None:
    # 391 s of repeated positions flagged airborne, then the flag flips at the last one
    tr = landing(4, frozen_s=391)
    e = _one(tr, "landing", "07")
    assert e.time.timestamp() < tr.rows[-1][0] - 300  # not at the last repeated row


def test_runway_end_from_the_positions_not_the_stale_reported_track() -> None:
    # a west-bound roll (runway 25) whose reported track still reads east (07)
    tr = takeoff(5, stale_track=True)
    assert all(abs(r[5] - 67.0) < 1 for r in tr.rows if r[6] and r[4] > 40)
    _one(tr, "takeoff", "25")


def test_track_starting_at_liftoff_with_an_immediate_turn_is_a_takeoff() -> None:
    tr = takeoff(6, turn_deg=40, start_at_liftoff=True)
    ev = _events(tr)
    assert [(e.kind, e.runway, e.basis) for e in ev] == [("takeoff", "25", "first seen airborne")]
    assert ev[0].time_lo.timestamp() <= tr.truth <= ev[0].time_hi.timestamp()


@pytest.mark.parametrize("qnh_ft", [-200.0, 250.0])
def test_pressure_altitude_off_the_elevation_still_times_both(qnh_ft: float) -> None:
    _one(takeoff(7, qnh_ft=qnh_ft), "takeoff", "25")
    _one(landing(7, qnh_ft=qnh_ft), "landing", "07")


def test_flypast_low_over_the_runway_is_no_event() -> None:
    from tests.analysis.flight_tracks import flypast

    assert _events(flypast(8, agl_ft=100.0)) == []


def test_gap_between_parked_and_cruising_is_no_event() -> None:
    rows: list[tuple[float, float, float, float, float, float, bool | None]] = [
        (T0 + k * 5, W[1], W[0], math.nan, 0.0, 0.0, True) for k in range(60)]  # parked, 5 min
    lon, lat, _ = GEOD.fwd(*W, 90.0, 30000.0)
    t = T0 + 300 + 1200  # 20 min without a position, then cruising 30 km away
    for k in range(60):
        rows.append((t + k * 5, lat, lon, 8000.0, 250.0, 90.0, False))
        lon, lat, _ = GEOD.fwd(lon, lat, 90.0, 250 * 1852 / 3600 * 5)
    assert _events(Track(rows, math.nan)) == []


def test_flag_flip_at_a_frozen_position_is_no_takeoff() -> None:
    tr = landing(9)
    last = tr.rows[-1]
    # the feed repeats the parked position, then says "airborne" there: no new position
    tail = [(last[0] + k, last[1], last[2], last[3], 0.0, last[5], k < 60) for k in range(1, 120)]
    ev = _events(Track(tr.rows + tail, tr.truth))
    assert [e.kind for e in ev] == ["landing"]


def test_seeded_tracks_are_reproducible() -> None:
    a, b, c = (np.asarray(takeoff(s).table().column("alt_ft")) for s in (11, 11, 12))
    np.testing.assert_array_equal(a, b)  # NaN (not reported) compares equal here
    assert not np.array_equal(a, c, equal_nan=True)


@pytest.mark.parametrize("seed", [21, 22])
def test_go_around_is_counted_as_one_go_around(seed: int) -> None:
    from tests.analysis.flight_tracks import go_around

    tr = go_around(seed)
    ev = _events(tr)
    assert [(e.kind, e.runway) for e in ev] == [("go_around", "07")]
    assert abs(ev[0].time.timestamp() - tr.truth) <= 5


@pytest.mark.parametrize("seed", [31, 32])
def test_touch_and_go_is_counted_as_such_not_as_a_landing_and_takeoff(seed: int) -> None:
    from tests.analysis.flight_tracks import touch_and_go

    tr = touch_and_go(seed)
    ev = _events(tr)
    assert [(e.kind, e.runway) for e in ev] == [("touch_and_go", "07")]
    assert ev[0].time_lo.timestamp() <= tr.truth <= ev[0].time_hi.timestamp()


def test_go_around_climbing_into_a_circuit_to_land_is_still_a_go_around() -> None:
    # like traffic's cardiff at 12:04: the climb away (to ~+750 ft) turns into a descent
    # for another approach within two minutes: the climb was held, it is a go-around
    from tests.analysis.flight_tracks import go_around

    tr = go_around(23)
    rows = [r for r in tr.rows if r[0] <= tr.truth + 30]  # 30 s of climb at 1,500 ft/min
    t, lat, lon, alt = rows[-1][0], rows[-1][1], rows[-1][2], rows[-1][3]
    for k in range(80):  # level 20 s, then down at 700 ft/min, turning away from the runway
        t += 1
        alt -= 0.0 if k < 20 else 12.0
        lon, lat, _ = GEOD.fwd(lon, lat, 67.0 + 1.5 * k, 150 * 1852 / 3600)
        rows.append((t, lat, lon, alt, 150.0, (67.0 + 1.5 * k) % 360, False))
    assert rows[-1][3] < rows[0][3]  # well below where the final started
    ev = _events(Track(rows, tr.truth))
    assert [(e.kind, e.runway) for e in ev] == [("go_around", "07")]
    assert abs(ev[0].time.timestamp() - tr.truth) <= 5


def test_altitude_glitch_of_ten_seconds_after_a_low_point_is_no_go_around() -> None:
    # like traffic's airbus_tree at EDHI: a reading 400 ft up for 10 s, then back down;
    # the aircraft itself stays low (here: ends its final over the runway without a flag)
    from tests.analysis.flight_tracks import landing

    tr = landing(24)
    rows = [r if not (tr.truth - 20 <= r[0] <= tr.truth - 10) else
            (r[0], r[1], r[2], r[3] + 400.0, r[4], r[5], r[6]) for r in tr.rows
            if r[0] <= tr.truth - 2]
    assert all(not k for k in (r[6] for r in rows))  # never on the ground: no flag ever
    assert "go_around" not in [e.kind for e in _events(Track(rows, tr.truth))]
