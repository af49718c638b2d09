"""Ground state from the positions when the feed's speed is stale, and touch-down readings
that the feed repeats or that ground effect lowers: seeded tracks with planted events.

The faults are those of real tracks (traffic's samples, checked on the real data by
tests/flights_traffic/test_ground_truth.py): ``belevingsvlucht`` and ``airbus_tree`` report
a stale ground speed and no on-ground flag through the roll-out and taxi; ``belevingsvlucht``'s
roll reads 59 ft lower than its taxi; ``london_gatwick`` repeats one altitude reading through
the roll-out. Known answers are computed here with pyproj, independently of basewatch.
"""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest

from basewatch.analysis.flight_ground import ground_state, implied_speed_kt
from basewatch.analysis.flight_timing import run_starts
from basewatch.analysis.flights import Detected, clean_positions, detect_events
from tests.analysis.flight_tracks import ELEV, FIELD, GEOD, HDG_07, KT, T0, Track, W, landing

Row = tuple[float, float, float, float, float, float, bool | None]


def _events(rows: list[Row]) -> list[Detected]:
    return detect_events(clean_positions(Track(rows, math.nan).table())[0], [FIELD])


def _taxi_off(rows: list[Row], *, seconds: int = 60, alt: float = math.nan,
              gs_reported: float | None = None) -> list[Row]:
    """Turn off the runway at right angles and taxi 15 kt for ``seconds``."""
    t, lat, lon = rows[-1][0], rows[-1][1], rows[-1][2]
    out = []
    for _ in range(seconds):
        t += 1
        lon, lat, _ = GEOD.fwd(lon, lat, HDG_07 + 90, 15 * KT)
        out.append((t, lat, lon, alt, 15.0 if gs_reported is None else gs_reported,
                    (HDG_07 + 90) % 360, None))
    return out


def _check(ev: list[Detected], truth: float, kind: str = "landing", runway: str = "07",
           within_s: float = 8.0) -> None:
    assert [(e.kind, e.runway) for e in ev] == [(kind, runway)]
    e = ev[0]
    assert e.time_lo.timestamp() <= truth <= e.time_hi.timestamp()
    assert abs(e.time.timestamp() - truth) <= within_s


@pytest.mark.parametrize("seed", [41, 42, 43])
def test_landing_found_when_the_reported_speed_is_stale_and_no_flag_is_sent(seed: int) -> None:
    # like belevingsvlucht: 140 kt reported from the final to the end of the taxi, no flag,
    # and the track ends on a taxiway (not on the runway: no "track ended on runway")
    tr = landing(seed)
    rows: list[Row] = [(r[0], r[1], r[2], r[3], 140.0, r[5], None) for r in tr.rows]
    rows += _taxi_off(rows, gs_reported=140.0)
    _check(_events(rows), tr.truth)


def test_frozen_airborne_positions_with_no_flag_are_not_the_ground() -> None:
    # a flypast at 1,500 ft along the runway whose positions freeze for 40 s (forward-filled):
    # the frozen rows imply 0 kt but carry no news; nothing may be detected
    rows: list[Row] = []
    t = T0
    lon, lat = GEOD.fwd(*W, HDG_07 + 180, 6000.0)[:2]
    for k in range(300):
        if not 100 <= k < 140:  # frozen: the last position repeated
            lon, lat, _ = GEOD.fwd(lon, lat, HDG_07, 160 * KT * (41 if k == 140 else 1))
        rows.append((t, lat, lon, ELEV + 1500.0, 160.0, HDG_07, None))
        t += 1
    assert _events(rows) == []


def test_taxi_reading_above_the_roll_is_not_taken_for_still_flying() -> None:
    # the state comes from the (honest) ground speed at the end of the roll; the roll reads
    # the field, the taxi 75 ft more (belevingsvlucht's roll read -59 ft in ground effect,
    # its taxi 0): a taxi reading is no "last reading above the field"
    tr = landing(44)
    rows: list[Row] = [(r[0], r[1], r[2], r[3], r[4], r[5], None) for r in tr.rows]
    rows += _taxi_off(rows, alt=ELEV + 75.0)
    _check(_events(rows), tr.truth)


def test_altitude_repeated_through_the_roll_out_is_no_evidence_of_flying() -> None:
    # like london_gatwick: the feed repeats the reading of 6 s before the touch-down (about
    # 65 ft up) for 40 s; the flag comes 25 s after the touch-down
    tr = landing(45, flag_lag_s=25)
    stuck = next(r[3] for r in tr.rows if r[0] >= tr.truth - 6)
    assert stuck >= ELEV + 50  # above the field by more than the 50 ft the timing needs
    rows = [(r[0], r[1], r[2], stuck if tr.truth - 6 <= r[0] <= tr.truth + 34 else r[3], r[4],
             r[5], r[6]) for r in tr.rows]
    _check(_events(rows), tr.truth, within_s=10.0)


def test_implied_speed_is_the_distance_over_the_baseline_geodesic_near_50_kt() -> None:
    # 1 Hz positions at 49 kt then 140 kt along 067: speeds computed with pyproj here; near
    # the 50 kt line the distance is geodesic, elsewhere a great-circle screen (0.6 %)
    lon, lat, t = [W[0]], [W[1]], [T0]
    for k in range(60):
        v = 49.0 if k < 30 else 140.0
        lo, la, _ = GEOD.fwd(lon[-1], lat[-1], HDG_07, v * KT)
        lon.append(lo)
        lat.append(la)
        t.append(t[-1] + 1)
    n = len(t)
    table = pa.table({"lon": pa.array(lon), "lat": pa.array(lat),
                      "alt_ft": pa.array(np.full(n, np.nan))})
    seg = np.zeros(n, np.int64)
    tt = np.array(t, float)
    rs = run_starts(table, seg)
    rows = np.arange(n)
    got = implied_speed_kt(table, seg, tt, rs, rows)
    assert np.isnan(got[:10]).all()  # no position 10 s back
    for i, rel in ((15, 1e-9), (25, 1e-9), (45, 6e-3), (60, 6e-3)):
        d = GEOD.inv(lon[i - 10], lat[i - 10], lon[i], lat[i])[2]
        assert got[i] == pytest.approx(d / 10 / KT, rel=rel)
    assert got[25] == pytest.approx(49.0, rel=1e-6)
    assert got[60] == pytest.approx(140.0, rel=6e-3)


def test_ground_state_believes_a_reported_flag_over_any_speed() -> None:
    nan = math.nan
    og = np.array([1.0, 0.0, 0.0, nan, nan, nan, nan])
    gs = np.array([150.0, 30.0, 150.0, 140.0, 140.0, nan, 30.0])
    imp = np.array([10.0, nan, 10.0, 20.0, 130.0, nan, nan])
    # flag ground; flag air but reported 30 kt; flag air and the positions slow (the flag
    # wins); no flag, stale 140 kt but positions at 20 kt; no flag, flying; nothing known;
    # no flag, reported 30 kt
    assert ground_state(og, gs, imp).tolist() == [True, True, False, True, False, True, True]


def test_a_straight_line_fill_crawling_after_a_low_point_is_no_ground_roll() -> None:
    # like traffic's brussels_ils at 14:09 (no flag; 5 s rows): a low approach whose
    # climb-out the feed lost and filled with straight lines, first 38 m in 35 s while the
    # altitude rises 150 ft (positions "crawling" at 2 kt over the runway), then a jump to
    # where the track resumes. A filled position is no measurement: it implies the speed the
    # filler chose, not the aircraft's, so the pass is one go-around, not a stop
    from tests.analysis.flight_tracks import go_around

    tr = go_around(24)
    rows = [(r[0], r[1], r[2], r[3], r[4], r[5], None) for r in tr.rows]
    k0 = next(i for i, r in enumerate(rows) if r[0] == tr.truth)
    low = rows[k0]
    lon_k, lat_k, _ = GEOD.fwd(low[2], low[1], HDG_07, 38.0)
    knot = (low[0] + 35, lat_k, lon_k, low[3] + 150.0)
    k1 = k0 + 50
    end = rows[k1]

    def line(a: tuple[float, ...], b: tuple[float, ...], tt: float) -> tuple[float, ...]:
        f = (tt - a[0]) / (b[0] - a[0])
        return tuple(a[i] + (b[i] - a[i]) * f for i in (1, 2, 3))

    for i in range(k0 + 1, k1):
        tt = rows[i][0]
        la, lo, al = line(low, knot, tt) if tt <= knot[0] else line(knot, end, tt)
        rows[i] = (tt, la, lo, al, 150.0, HDG_07, None)  # the ground speed stale at 150 kt
    ev = _events(rows)
    assert [(e.kind, e.runway) for e in ev] == [("go_around", "07")]
    assert abs(ev[0].time.timestamp() - tr.truth) <= 5


def test_first_fast_position_past_the_runway_end_is_no_take_off_roll() -> None:
    # like traffic's calfire a606a2 over Riverside (no flag, rows minutes apart): slow
    # (30 kt) 600 m beside the runway, then first fast (60 kt) 1.2 km past its end on the
    # extended centreline, 3 minutes later. The first fast position stands for the roll only
    # when it is on the runway; past its end it is flying and nothing says where it rolled
    lon0, lat0, _ = GEOD.fwd(*W, HDG_07 + 90, 600.0)
    rows: list[Row] = []
    t = T0
    for _ in range(40):  # creeping along at 30 kt, 600 m to the side
        lon0, lat0, _ = GEOD.fwd(lon0, lat0, HDG_07, 30 * KT)
        rows.append((t, lat0, lon0, math.nan, 30.0, HDG_07, None))
        t += 1
    t += 180
    lon1, lat1, _ = GEOD.fwd(*W, HDG_07 + 180, 1200.0)
    for _ in range(60):  # 60 kt westward along the extended centreline, beyond the 07 end
        rows.append((t, lat1, lon1, math.nan, 60.0, (HDG_07 + 180) % 360, None))
        lon1, lat1, _ = GEOD.fwd(lon1, lat1, HDG_07 + 180, 60 * KT)
        t += 1
    assert [e.kind for e in _events(rows)] == []
    # the same, first fast on the runway 300 m inside its end: a take-off on 25
    lon2, lat2, _ = GEOD.fwd(*W, HDG_07, 300.0)
    rows2 = rows[:40]
    t = rows[40][0]
    for _ in range(60):
        rows2.append((t, lat2, lon2, math.nan, 60.0, (HDG_07 + 180) % 360, None))
        lon2, lat2, _ = GEOD.fwd(lon2, lat2, HDG_07 + 180, 60 * KT)
        t += 1
    assert [(e.kind, e.runway) for e in _events(rows2)] == [("takeoff", "25")]


def test_an_altitude_filled_off_the_25_ft_grid_while_taxiing_is_no_climb() -> None:
    # like traffic's tour_de_france at LFLU on 2 Sep 2020 (no flag): taxiing to the runway
    # in surface position messages, which carry no altitude, the feed fills the altitude
    # with a straight line (300 -> 418 ft in 6.94 ft steps) while the positions are real. A
    # barometric reading comes in 25 ft steps: those are made up, not a climb, and the taxi
    # stays on the ground; the same climb on the 25 ft grid (a real one) is aloft
    from basewatch.analysis.flight_ground import drop_aloft

    n = 90
    lon, lat = [W[0]], [W[1]]
    for _ in range(n - 1):  # 10 kt along the taxiway, real positions (a little noise)
        lo, la, _ = GEOD.fwd(lon[-1], lat[-1], HDG_07, 10 * KT + (len(lon) % 3))
        lon.append(lo)
        lat.append(la)
    filled = np.array([300.0 + 125.0 * k / (n - 1) for k in range(n)])
    stepped = 25.0 * np.round(filled / 25.0)  # the same path read in 25 ft steps
    seg = np.zeros(n, np.int64)
    tt = T0 + 5.0 * np.arange(n)
    ground = np.ones(n, bool)
    # the fill's two ends are real readings, judged: 425 is more than 100 ft above 300 (one
    # row, which the debounce then removes); the rows between are not judged
    for alt, aloft_rows in ((filled, 1), (stepped, int((stepped > 400.0).sum()))):
        table = pa.table({"lon": pa.array(lon), "lat": pa.array(lat),
                          "alt_ft": pa.array(alt), "gs_kt": pa.array(np.full(n, np.nan))})
        got = drop_aloft(ground, np.zeros(n, bool), table, seg, tt)
        assert int((~got).sum()) == aloft_rows


def test_a_climb_levelling_off_soon_after_lift_off_keeps_the_lift_off_in_the_interval() -> None:
    # like traffic's tour_de_france at Lannion (no flag, 5 s rows): the climb levels off
    # 450 ft up within half a minute, so the rate fitted over 30 s is too slow and the
    # extrapolation falls before the last reading at the field's level; the readings then
    # bound the lift-off: after that reading, before the first one clear of the field
    from tests.analysis.flight_tracks import takeoff

    tr = takeoff(51)
    rows: list[Row] = []
    for r in tr.rows:
        up = r[0] - tr.truth
        # a high pressure (the field reads 200 ft under its elevation, a known level)
        alt = ELEV - 200.0 + (450.0 * (1.0 - math.exp(-up / 12.0)) if up > 0 else 0.0)
        keep = int(r[0] - tr.truth + 2) % 5 == 0  # a reading every 5 s, one 2 s before
        rows.append((r[0], r[1], r[2], 25.0 * round(alt / 25.0) if keep else math.nan,
                     r[4], r[5], None))
    ev = _events(rows)
    assert [(e.kind, e.runway) for e in ev] == [("takeoff", "25")]
    assert ev[0].time_lo.timestamp() <= tr.truth <= ev[0].time_hi.timestamp()
