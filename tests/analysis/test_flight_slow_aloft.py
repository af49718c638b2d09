"""A slow aircraft aloft is not on the ground: where the feed sends no on-ground flag, a ground
speed under 50 kt is read as the ground, but a loitering type flying into a headwind (traffic's
``border_control``: 25-57 kt at 775 ft over Lydd) or a helicopter is slow too. Seeded tracks
with known answers computed here with pyproj, independently of basewatch."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa

from basewatch.analysis.flight_ground import drop_aloft
from basewatch.analysis.flights import clean_positions, detect_events, segment_ids
from tests.analysis.flight_tracks import ELEV, FIELD, GEOD, HDG_07, KT, T0, Track, W

Row = tuple[float, float, float, float, float, float, bool | None]


def _loiter_then_land(*, loiter_agl_ft: float = 800.0) -> tuple[list[Row], float]:
    """10 minutes back and forth along runway 07's line at ``loiter_agl_ft`` and 30-45 kt
    (ground speed into and out of wind), then a 6 deg final at 40 kt onto 07, touch-down 300 m
    past the threshold, surface reports (0 ft) on the roll to a stop. 10 s rows, no flag;
    positions with a few metres of noise and readings in 25 ft steps with a little noise, as
    real ones (a perfectly straight line in both is what a filled gap looks like)."""
    rng = np.random.default_rng(7)

    def noisy(lon: float, lat: float) -> tuple[float, float]:
        return GEOD.fwd(lon, lat, float(rng.uniform(0, 360)), float(rng.uniform(0, 5)))[:2]

    rows: list[Row] = []
    t = T0
    lon, lat = GEOD.fwd(*W, HDG_07, 500.0)[:2]
    hdg = HDG_07
    for k in range(60):
        gs = 30.0 if hdg == HDG_07 else 45.0
        nlon, nlat = noisy(lon, lat)
        rows.append((t, nlat, nlon, 25.0 * round((ELEV + loiter_agl_ft) / 25.0), gs, hdg % 360,
                     None))
        if k % 12 == 11:
            hdg = (hdg + 180) % 360
        lon, lat = GEOD.fwd(lon, lat, hdg, gs * KT * 10)[:2]
        t += 10
    # final: from where 6 deg reaches loiter height, straight in at 40 kt
    dist = loiter_agl_ft * 0.3048 / math.tan(math.radians(6.0))
    s = -dist
    v = 40.0 * KT
    t_td = t + (dist + 300.0) / v
    while s < 300.0:
        h = (300.0 - s) * math.tan(math.radians(6.0)) / 0.3048
        p = GEOD.fwd(*W, HDG_07, s) if s >= 0 else GEOD.fwd(*W, HDG_07 + 180, -s)
        nlon, nlat = noisy(p[0], p[1])
        rows.append((t, nlat, nlon, 25.0 * round((ELEV + h + rng.normal(0, 6)) / 25.0), 40.0,
                     HDG_07, None))
        t += 10
        s += v * 10
    gs = 40.0
    s_now = s
    while gs > 3:
        p = GEOD.fwd(*W, HDG_07, s_now)
        rows.append((t, p[1], p[0], 0.0, gs, HDG_07, None))  # surface reports
        s_now += gs * KT * 10
        gs -= 12.0
        t += 10
    return rows, t_td


def test_loitering_slow_over_the_runway_is_no_landing_the_landing_is_found() -> None:
    rows, t_td = _loiter_then_land()
    ev = detect_events(clean_positions(Track(rows, math.nan).table())[0], [FIELD])
    assert [(e.kind, e.runway) for e in ev] == [("landing", "07")]
    e = ev[0]
    # 10 s rows: the touch-down is known to the row spacing
    assert e.time_lo.timestamp() - 10 <= t_td <= e.time_hi.timestamp() + 10
    assert abs(e.time.timestamp() - t_td) <= 15


def _table(rows: list[tuple[float, float, float, float]]) -> pa.Table:
    """(t, lat, lon, alt) rows of one aircraft, 40 kt reported, no flag."""
    return Track([(t, la, lo, a, 40.0, 0.0, None) for t, la, lo, a in rows],
                 math.nan).table()


def _aloft(rows: list[tuple[float, float, float, float]]) -> list[bool]:
    table = _table(rows)
    t = np.asarray(table.column("time").cast(pa.int64()).to_numpy(), float) / 1e6
    codes = np.zeros(len(t), np.int64)
    seg = segment_ids(codes, t, max_gap_s=900.0)
    ground = np.ones(len(t), bool)
    return (~drop_aloft(ground, np.zeros(len(t), bool), table, seg, t)).tolist()


def test_a_reading_100_ft_above_the_same_place_minutes_apart_is_aloft() -> None:
    lat, lon = 50.0, 1.0
    # 125 ft over the spot then 25 ft there 4 minutes later: the first is 100 ft up, not more
    assert _aloft([(T0, lat, lon, 125.0), (T0 + 240, lat, lon, 25.0)]) == [False, False]
    assert _aloft([(T0, lat, lon, 150.0), (T0 + 240, lat, lon, 25.0)]) == [True, False]
    # 600 m away is the same place (cells of ~1.1 km and their neighbours)
    lon2, lat2 = GEOD.fwd(lon, lat, 90.0, 600.0)[:2]
    assert _aloft([(T0, lat2, lon2, 775.0), (T0 + 240, lat, lon, 25.0)]) == [True, False]


def test_hours_apart_only_a_change_beyond_any_pressure_drift_counts() -> None:
    lat, lon = 50.0, 1.0
    # 4 hours apart (segments break at 15 min gaps: rows every 10 min keep one track)
    rows = [(T0 + 600.0 * k, lat, lon, 250.0) for k in range(24)] + [(T0 + 600.0 * 24, lat,
                                                                       lon, 25.0)]
    assert not any(_aloft(rows))  # 225 ft (8 hPa) in 4 hours: perhaps the weather
    rows[0] = (T0, lat, lon, 350.0)
    assert _aloft(rows)[0]


def test_lower_readings_elsewhere_or_surface_reports_prove_nothing() -> None:
    # taxiing at a mountain field, then flying down a valley 5 km away below it
    lat, lon = 46.5, 9.88
    far = GEOD.fwd(lon, lat, 180.0, 5000.0)[:2]
    rows = [(T0 + 10.0 * k, lat, lon, 5600.0) for k in range(6)]
    rows += [(T0 + 120.0, far[1], far[0], 4500.0)]
    assert not any(_aloft(rows)[:6])
    # a surface report (exactly 0) is no reading: a taxi at 1,500 ft next to 0s stays
    rows = [(T0, lat, lon, 1500.0), (T0 + 10, lat, lon, 0.0)]
    assert _aloft(rows) == [False, False]


def _glider(elev_ft: float) -> list[Row]:
    """A glider 3,000 ft over the field flying along runway 07's line, 70 kt for 2 minutes
    then 45 kt (into wind) for 3, never lower: 5 s rows, no flag."""
    rng = np.random.default_rng(11)
    lon, lat = GEOD.fwd(*W, HDG_07 + 180, 4000.0)[:2]
    rows: list[Row] = []
    t = T0
    for k in range(60):
        gs = 70.0 if k < 24 else 45.0
        alt = 25.0 * round((elev_ft + 3000.0 + rng.normal(0, 20)) / 25.0)
        rows.append((t, lat, lon, alt, gs, HDG_07, None))
        lon, lat = GEOD.fwd(lon, lat, HDG_07 + float(rng.normal(0, 1)), gs * KT * 5)[:2]
        t += 5
    return rows


def test_slow_3000_ft_over_a_field_is_aloft_at_any_qnh() -> None:
    import dataclasses

    table = clean_positions(Track(_glider(ELEV), math.nan).table())[0]
    assert detect_events(table, [FIELD]) == []
    # a field whose elevation is unknown (0: the default) judges nothing: the slow rows are
    # the ground as before (a landing), rather than a real landing dropped at a high field
    unknown = dataclasses.replace(FIELD, elevation_ft=0.0)
    table = clean_positions(Track(_glider(0.0), math.nan).table())[0]
    assert [e.kind for e in detect_events(table, [unknown])] == ["landing"]


def test_a_reading_repeated_from_the_cruise_to_the_taxi_proves_nothing() -> None:
    # a feed repeating 25,975 ft from a 298 kt descent to a 22 kt taxi (traffic's
    # tour_de_france at Valence), with one real reading of 450 ft on the taxiway: the taxi is
    # on the ground; a reading of 13,200 ft given only while slow is judged as before
    lat, lon = 44.92, 4.97
    far = GEOD.fwd(lon, lat, 200.0, 30000.0)[:2]
    rows = [(T0 + 5.0 * k, far[1], far[0], 25975.0, 298.0) for k in range(10)]
    rows += [(T0 + 300.0 + 5.0 * k, lat, lon, 25975.0 if k != 3 else 450.0, 22.0)
             for k in range(8)]
    rows += [(T0 + 345.0, lat, lon, 13200.0, 22.0)]
    table = Track([(t, la, lo, a, g, 0.0, None) for t, la, lo, a, g in rows],
                  math.nan).table()
    t = np.asarray(table.column("time").cast(pa.int64()).to_numpy(), float) / 1e6
    seg = np.zeros(len(t), np.int64)
    slow = np.asarray([r[4] < 50 for r in rows])
    ground = drop_aloft(slow.copy(), np.zeros(len(t), bool), table, seg, t)
    assert ground[10:18].all()  # the repeated 25,975 and the real 450 on the taxiway
    assert not ground[18]  # 13,200 ft, 12,750 above a reading there minutes before
