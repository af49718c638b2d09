"""Gaps, fills, frozen tails and slow rotorcraft (issue #19, traffic's calfire, perth,
brussels_vor, zero_gravity): seeded tracks around the test field's runway 07/25 with answers
computed here with pyproj, independently of basewatch."""

from __future__ import annotations

import math

import numpy as np

from basewatch.analysis.flight_ends import end_on_runway_or_final, off_the_runway
from basewatch.analysis.flight_fills import straight_fill
from basewatch.analysis.flights import clean_positions, detect_events
from tests.analysis.flight_tracks import ELEV, FIELD, GEOD, HDG_07, KT, T0, Track, W, landing

Row = tuple[float, float, float, float, float, float, bool | None]


def _at(along_m: float, cross_m: float) -> tuple[float, float]:
    """(lat, lon) ``along_m`` from 07's threshold along the runway, ``cross_m`` to its right."""
    lon, lat, _ = GEOD.fwd(*W, HDG_07, along_m) if along_m >= 0 else \
        GEOD.fwd(*W, HDG_07 + 180, -along_m)
    if cross_m:
        lon, lat, _ = GEOD.fwd(lon, lat, HDG_07 + 90, cross_m)
    return lat, lon


def _events(rows: list[Row]) -> list:
    table, _ = clean_positions(Track(rows, math.nan).table())
    return detect_events(table, [FIELD])


def test_a_slow_rotorcraft_beside_the_runway_between_gaps_gives_no_event() -> None:
    # a helicopter, no flag, rows minutes apart: 90 kt 3 km out, then 35 kt 150 ft up 200 m
    # beside the runway's middle, then 4 minutes unseen, then 80 kt 900 ft up 3 km away
    rows: list[Row] = [
        (T0, *_at(-3000, 400), ELEV + 800, 90.0, HDG_07, None),
        (T0 + 240, *_at(1500, 200), ELEV + 150, 35.0, HDG_07, None),
        (T0 + 480, *_at(4500, -300), ELEV + 900, 80.0, HDG_07, None),
    ]
    assert [e.kind for e in _events(rows)] == []


def test_a_roll_out_seen_on_two_slow_rows_after_a_gap_is_still_a_landing() -> None:
    # the same gap before the ground, but the roll-out and the taxi are seen (two rows at 40
    # and 20 kt 20 s apart on the centreline, at the field's level): the aircraft was there
    rows: list[Row] = [
        (T0, *_at(-3000, 0), ELEV + 900, 130.0, HDG_07, None),
        (T0 + 5, *_at(-2660, 0), ELEV + 860, 130.0, HDG_07, None),
        (T0 + 120, *_at(1500, 0), ELEV, 40.0, HDG_07, None),
        (T0 + 140, *_at(1800, 0), ELEV, 20.0, HDG_07, None),
        (T0 + 170, *_at(1900, 0), ELEV, 10.0, HDG_07, None),
    ]
    kinds = [(e.kind, e.runway) for e in _events(rows)]
    assert kinds == [("landing", "07")]


def test_a_first_row_past_the_runway_too_low_for_a_climb_from_it_is_no_take_off() -> None:
    # first seen 7 km past 07's far end (3 km runway: 10 km from its threshold) at 300 ft
    # over the field, 55 kt, climbing 600 ft/min: from the far end at that speed and rate it
    # would be ~2,300 ft up (7,000 m / 28.3 m/s = 247 s x 10 ft/s)
    rows: list[Row] = []
    for k in range(6):
        rows.append((T0 + 5 * k, *_at(10000 + 5 * k * 55 * KT, 0), ELEV + 300 + 50 * k, 55.0,
                     HDG_07, None))
    assert 7000 / (55 * KT) * 10 - 300 > 300  # the hand computation: far lower than that
    assert [e.kind for e in _events(rows)] == []
    # the same first row 1.5 km past the far end (a climb from it: ~530 ft) is a take-off
    near = [(r[0], *_at(4500 + 5 * k * 55 * KT, 0), *r[3:]) for k, r in enumerate(rows)]
    assert [e.kind for e in _events(near)] == ["takeoff"]


def test_a_first_row_whose_climb_is_measured_across_minutes_is_no_take_off() -> None:
    # first row 2 km beyond 07's threshold (5 km past 25's) flying 25's way at 700 ft; the
    # next row 8 minutes later, 200 ft higher: a climb "measured" across the gap
    rows: list[Row] = [
        (T0, *_at(-2000, 100), ELEV + 700, 100.0, (HDG_07 + 180) % 360, None),
        (T0 + 480, *_at(-20000, 300), ELEV + 900, 100.0, (HDG_07 + 180) % 360, None),
    ]
    assert [e.kind for e in _events(rows)] == []


def test_a_single_interpolated_row_is_a_fill_where_the_feed_sends_no_flag() -> None:
    # 5 s rows; row 2 is the exact midpoint of rows 1 and 3 in every column
    t = np.array([0.0, 5.0, 10.0, 15.0, 20.0])
    lat = np.array([0.0, 0.001, 0.0023, 0.0036, 0.0047])
    lon = np.array([0.0, 0.002, 0.0041, 0.0062, 0.0080])
    alt = np.array([400.0, 250.0, 125.0, 0.0, 0.0])
    gs = np.array([90.0, 74.0, 64.0, 54.0, 46.0])
    lat[2], lon[2] = (lat[1] + lat[3]) / 2, (lon[1] + lon[3]) / 2
    idx = np.arange(5)[None, :]
    same = np.ones((1, 5), bool)
    for flag, want in ((math.nan, True), (1.0, False)):
        cols = {"lat": lat, "lon": lon, "gs_kt": gs, "on_ground": np.full(5, flag)}
        got = straight_fill(idx, same, t, alt[None, :], lambda c, ix, cols=cols: cols[c][ix])
        assert got[0].tolist() == [False, False, want, False, False]
    # a real row is off the midpoint in some column: 1 kt of speed is enough
    gs2 = gs.copy()
    gs2[2] += 1.0
    cols = {"lat": lat, "lon": lon, "gs_kt": gs2, "on_ground": np.full(5, math.nan)}
    assert not straight_fill(idx, same, t, alt[None, :], lambda c, ix: cols[c][ix]).any()


def _frozen_tail(cross_m: float, last_along_m: float, floor_ft: float, top_ft: float = 700.0
                 ) -> list[Row]:
    """Along 07 ``cross_m`` right of its centreline at 130 kt, 90 m a second, descending from
    ``top_ft`` over the field 1 km short of the threshold to ``floor_ft``, the last fresh fix
    ``last_along_m`` down the runway; then every column frozen for 5 minutes (no flag)."""
    rows: list[Row] = []
    n = int((last_along_m + 1000) / 90.0) + 1
    for k in range(n):
        s = -1000 + k * 90.0
        h = max(floor_ft, top_ft - 0.2 * (s + 1000))
        rows.append((T0 + k, *_at(s, cross_m), ELEV + 25 * round(h / 25), 130.0, HDG_07, None))
    last = rows[-1]
    return rows + [(last[0] + k, *last[1:]) for k in range(1, 300)]


def test_a_frozen_tail_aloft_beside_the_runway_is_no_landing() -> None:
    # zero_gravity at LFBD 23: 200 m beside the centreline, the last fresh fix 100 ft up
    # (the reading: the QNH unknown) 2.6 km down the 3 km runway, then frozen
    assert [e.kind for e in _events(_frozen_tail(200.0, 2600.0, 100.0))] == []
    # on the centreline there it is no landing either: 400 m left at 130 kt (67 m/s) needs
    # 560 m even braking at 4 m/s^2 (67^2 / 8)
    assert (130 * KT) ** 2 / 8.0 > 400.0
    assert [e.kind for e in _events(_frozen_tail(0.0, 2600.0, 25.0))] == []
    # on the centreline 1 km down the runway at 25 ft, it is (the track ended on the runway)
    ev = _events(_frozen_tail(0.0, 1000.0, 25.0, top_ft=300.0))
    assert [(e.kind, e.basis) for e in ev] == [("landing", "track ended on runway")]


def test_off_the_runway_by_hand() -> None:
    # over the runway: 150 m from the centreline is the limit
    assert not off_the_runway(500.0, 140.0, 0.0, 50.0)
    assert off_the_runway(500.0, 160.0, 0.0, 50.0)
    # on final under 500 ft: 63 m off 838 m out but 17 deg across: 63 - 838 x tan 17 = -193 m
    # at the threshold; 345 m off 1.8 km out flying parallel stays 345 m off
    assert off_the_runway(-838.0, 63.0, -17.0, 190.0)
    assert off_the_runway(-1815.0, -345.0, 0.0, 340.0)
    assert not off_the_runway(-838.0, 63.0, -3.0, 190.0)  # 63 - 44 = 19 m
    # higher than 500 ft over the field: still turning in, perhaps
    assert not off_the_runway(-2850.0, -75.0, 8.2, 1100.0)


def test_a_course_across_a_gap_is_not_taken_for_the_runway_s() -> None:
    # two positions 6 minutes apart that line up with 07, the last over the runway 100 m off
    # its centreline at 100 ft, while the reported track crosses it at 60 deg
    p0, p1 = _at(-15000, 100), _at(600, 100)
    args = ([p0[1], p1[1]], [p0[0], p1[0]], [ELEV + 1500, ELEV + 100], [60.0, 60.0])
    assert end_on_runway_or_final(*args, [T0, T0 + 2], [FIELD],
                                  course_deg=(HDG_07 + 60) % 360) is not None
    assert end_on_runway_or_final(*args, [T0, T0 + 360], [FIELD],
                                  course_deg=(HDG_07 + 60) % 360) is None


def test_landing_timing_unchanged_on_a_clean_final() -> None:
    tr = landing(3)
    ev = [e for e in _events([(*r[:6], None) for r in tr.rows]) if e.kind == "landing"]
    assert len(ev) == 1 and abs(ev[0].time.timestamp() - tr.truth) < 10


def _filled_final(seed: int, *, fill_from_m: float = -3900.0, roll_s: float = 40.0
                  ) -> tuple[list[Row], float, float]:
    """:func:`landing` without a flag, its rows from ``fill_from_m`` short of the threshold to
    ``roll_s`` after the touch-down replaced by a straight-line fill (position, altitude and
    speed at once, 5 s rows) ending on a surface report (0 ft), then surface reports on the
    roll-out; 5 s rows throughout (a calibration feed). Returns the rows, the touch-down and
    the time of the last real row."""
    tr = landing(seed)
    v = 140.0 * KT
    t_real = tr.truth - (400.0 - fill_from_m) / v  # the touch-down is 400 m past
    t_end = tr.truth + roll_s
    real = [r for r in tr.rows if r[0] <= t_real and round(r[0] - T0) % 5 == 0]
    a = real[-1]
    b = min(tr.rows, key=lambda r: abs(r[0] - t_end))
    rows: list[Row] = [(*r[:6], None) for r in real]
    n = round((b[0] - a[0]) / 5.0)
    for k in range(1, n):
        f = k / n
        rows.append((a[0] + 5 * k, *(a[j] + (b[j] - a[j]) * f for j in (1, 2)),
                     a[3] + (0.0 - a[3]) * f, a[4] + (b[4] - a[4]) * f, a[5], None))
    rows += [(r[0], r[1], r[2], 0.0, r[4], r[5], None) for r in tr.rows
             if r[0] >= a[0] + 5 * n and round(r[0] - T0) % 5 == 0]
    return rows, tr.truth, a[0]


def test_no_touch_down_before_the_last_real_position_on_final_could_reach_the_threshold() -> None:
    rows, truth, t_real = _filled_final(11)
    ev = [e for e in _events(rows) if e.kind == "landing"]
    assert len(ev) == 1 and ev[0].runway == "07"
    # 3,900 m at 140 kt (72 m/s): the threshold no earlier than 54 s after the last real row
    earliest = t_real + 3900.0 / (140.0 * KT)
    assert ev[0].time_lo.timestamp() >= earliest - 1.0
    assert ev[0].time_lo.timestamp() <= truth <= ev[0].time_hi.timestamp()
    assert abs(ev[0].time.timestamp() - truth) < 15.0


def test_a_track_ending_on_a_braking_roll_is_timed_back_at_the_speed_flown() -> None:
    # landing(): touch-down 400 m past 07's threshold at 140 kt, braking 3 kt/s; no flag,
    # the track ends 18 s into the roll (86 kt, over the runway at the field's level)
    tr = landing(4)
    rows = [(*r[:6], None) for r in tr.rows if r[0] <= tr.truth + 18]
    ev = [e for e in _events(rows) if e.kind == "landing"]
    assert len(ev) == 1 and ev[0].basis == "track ended on runway"
    # at the last speed, 86 kt, the 1,100-odd metres rolled since 300 m past the threshold
    # take ~26 s: ~7.5 s early; the mean speed of the last 10 s (~105 kt) is nearer the truth
    # (the mean since the touch-down, ~113 kt, is not known from the last rows)
    last = rows[-1]
    along = GEOD.inv(*W, last[2], last[1])[2]
    at_last_speed = last[0] - (along - 300.0) / (last[4] * KT)
    assert tr.truth - at_last_speed > 6.0
    assert abs(ev[0].time.timestamp() - tr.truth) < tr.truth - at_last_speed - 1.5
    assert ev[0].time_lo.timestamp() <= tr.truth <= ev[0].time_hi.timestamp()
