"""Where the feed, not the aircraft, ends or freezes a track: seeded tracks with known answers
(issue #19, session 6: the faults of real tracks in traffic's ``quickstart`` sample, checked
on the real data by tests/flights_traffic/test_ground_truth.py).

* a track cut by the end of the recording on final is no probable landing, where the feed was
  receiving others until then (a06310 and 3944ee at Roissy); a recording of one flight ends
  where its signal did, and a track lost earlier stays a probable landing;
* a track on one parallel's extended centreline, beyond what counts as its final, is no
  landing on the other parallel (3944ee, put on 08L while on 08R's axis);
* a taxi off the runway reporting a stale ground speed, then frozen, then flagged airborne at
  the frozen spot, is neither a landing nor a take-off (4d22d2 at Le Bourget);
* a lift-off while the feed repeats one row (position, altitude, speed) is not bounded by the
  repeats (39cea8 at Orly); a parked aircraft's reading no altimeter gives at the field is no
  level (7cfa71's 9,600 ft); a climb's first reading is no level (3950cc);
* a track flagged airborne from its first row but holding the field's level along the runway
  is rolling (06a133); a feed sending no altitude under 2,000 ft times the lift-off from the
  first readings of the held climb (4241bb).

Known answers are computed here with pyproj, independently of basewatch.
"""

from __future__ import annotations

import math

import pyarrow as pa
import pytest

from basewatch.analysis.flights import clean_positions, detect_events
from basewatch.model import Provenance, Source
from basewatch.model.flights import Airfield, Runway
from tests.analysis.flight_tracks import (
    CENTRE,
    ELEV,
    FIELD,
    GEOD,
    HDG_07,
    KT,
    T0,
    Track,
    W,
    flypast,
    landing,
    takeoff,
)


def _events(*tracks: tuple[Track, str]) -> list:
    table = pa.concat_tables([tr.table(h) for tr, h in tracks])
    return detect_events(clean_positions(table)[0], [FIELD])


def _final_rows(seed: int, stop_m: float) -> list:
    """:func:`landing`'s final to 07, cut at the last row ``stop_m`` or more short of the
    threshold."""
    tr = landing(seed)
    out = []
    for r in tr.rows:
        az, _, d = GEOD.inv(W[0], W[1], r[2], r[1])
        short = abs(((az - (HDG_07 + 180)) + 180) % 360 - 180) < 90
        if not short or d < stop_m:
            break
        out.append(r)
    return out


def _other_until(t_end: float) -> Track:
    """Another aircraft, a flypast 3,000 ft up, received until ``t_end``."""
    fp = flypast(5, agl_ft=3000.0)
    rows = [(T0 + k, r[1], r[2], r[3], r[4], r[5], r[6]) for k, r in enumerate(fp.rows)]
    rows = [r for r in rows if r[0] <= t_end]
    while rows[-1][0] < t_end:  # circling on, same place: only its times matter here
        last = rows[-1]
        rows.append((last[0] + 1, last[1] + 1e-5, last[2], last[3], last[4], last[5], last[6]))
    return Track(rows, math.nan)


@pytest.mark.parametrize("seed", [1, 2])
def test_a_track_cut_by_the_recordings_end_on_final_is_no_landing(seed: int) -> None:
    rows = _final_rows(seed, 4000.0)
    end = rows[-1][0]
    # the feed received another aircraft up to the same second: the recording stopped
    ev = _events((Track(rows, math.nan), "aaa001"), (_other_until(end), "bbb002"))
    assert [e for e in ev if e.hex == "aaa001"] == []
    # the other aircraft received for 5 more minutes: this one's signal was lost on final
    ev = _events((Track(rows, math.nan), "aaa001"), (_other_until(end + 300), "bbb002"))
    assert [(e.kind, e.runway, e.probable) for e in ev if e.hex == "aaa001"] == [
        ("landing", "07", True)]
    # a recording of this flight alone ends where its signal did
    ev = _events((Track(rows, math.nan), "aaa001"))
    assert [(e.kind, e.runway) for e in ev] == [("landing", "07")]


def _parallel_field() -> tuple[Airfield, tuple[float, float]]:
    """FIELD's 07/25 and a parallel 07R/25L 400 m south-east of it whose threshold is 1,500 m
    further out (toward the west); returns the field and 07R's threshold."""
    az_side = HDG_07 + 90
    w2 = GEOD.fwd(*GEOD.fwd(*W, az_side, 400.0)[:2], HDG_07 + 180, 1500.0)[:2]
    e2 = GEOD.fwd(*w2, HDG_07, 3500.0)[:2]
    rw1 = FIELD.runways[0]
    rw1 = Runway("07L", rw1.le_lat, rw1.le_lon, HDG_07, "25R", rw1.he_lat, rw1.he_lon,
                 HDG_07 + 180, rw1.length_ft)
    rw2 = Runway("07R", w2[1], w2[0], HDG_07, "25L", e2[1], e2[0], HDG_07 + 180, 11483)
    return Airfield("TST2", "Parallels", CENTRE[1], CENTRE[0], Provenance(Source("test")),
                    elevation_ft=ELEV, runways=(rw1, rw2)), w2


def _approach_to(thr: tuple[float, float], out_m: float, n: int = 20,
                 glide_deg: float = 3.0) -> Track:
    """Straight in on the extended centreline of the runway whose threshold is ``thr``
    (heading 07), at 140 kt on a ``glide_deg`` path, the last row ``out_m`` short of it."""
    rows = []
    v = 140.0 * KT
    for k in range(n):
        s = out_m + (n - 1 - k) * v
        lon, lat, _ = GEOD.fwd(*thr, HDG_07 + 180, s)
        alt = ELEV + 50.0 + s * math.tan(math.radians(glide_deg)) / 0.3048
        rows.append((T0 + k, lat, lon, 25.0 * round(alt / 25.0), 140.0, HDG_07, False))
    return Track(rows, math.nan)


def test_a_track_on_one_parallels_axis_is_no_landing_on_the_other() -> None:
    field, w2 = _parallel_field()
    # 8.6 km short of 07L on its axis: beyond 8 km of final; 07R's threshold is 1.5 km
    # further out, so the point is 7.1 km short of it, 400 m off its axis; 1,200 ft up (a
    # 2.4 deg path, low enough for a final to either)
    tr = _approach_to(W, 8600.0, glide_deg=2.4)
    _, _, d = GEOD.inv(w2[0], w2[1], tr.rows[-1][2], tr.rows[-1][1])
    assert 7000.0 < d < 8000.0
    assert detect_events(clean_positions(tr.table())[0], [field]) == []
    # on 07R's own axis 7.1 km out: a probable landing on 07R
    ev = detect_events(clean_positions(_approach_to(w2, 7100.0, glide_deg=2.4).table())[0],
                       [field])
    assert [(e.kind, e.runway, e.probable) for e in ev] == [("landing", "07R", True)]


@pytest.mark.parametrize("freeze", [True, False])
def test_a_taxi_reporting_a_stale_speed_is_no_landing_nor_take_off(freeze: bool) -> None:
    tr = landing(11)
    rows = list(tr.rows)
    t, lat, lon = rows[-1][0], rows[-1][1], rows[-1][2]
    # taxi off the runway at 10 kt, 550 m to the side then along it, the feed reporting a
    # stale 99 kt and the vertical course; flagged on the ground
    for k in range(120):
        t += 1
        az = HDG_07 + 90 if k < 107 else HDG_07 + 180
        lon, lat, _ = GEOD.fwd(lon, lat, az, 10 * KT)
        rows.append((t, lat, lon, math.nan, 99.0, HDG_07 + 180, True))
    if freeze:  # the position freezes; 90 s later the flag flips to airborne there
        for k in range(1, 180):
            rows.append((t + k, lat, lon, math.nan, 99.0, HDG_07 + 180, k < 90))
    else:  # the flag flips to airborne while it creeps on
        for k in range(1, 60):
            lon, lat, _ = GEOD.fwd(lon, lat, HDG_07 + 180, 5 * KT)
            rows.append((t + k, lat, lon, math.nan, 99.0, HDG_07 + 180, k < 30))
    ev = detect_events(clean_positions(Track(rows, tr.truth).table())[0], [FIELD])
    assert [(e.kind, e.runway) for e in ev] == [("landing", "07")]


def _liftoff_rows(seed: int, **kw) -> tuple[list, float]:
    tr = takeoff(seed, **kw)
    return list(tr.rows), tr.truth


@pytest.mark.parametrize("seed", [21, 22, 23])
def test_a_lift_off_while_the_feed_repeats_one_row_is_bounded_by_real_rows(seed: int) -> None:
    rows, truth = _liftoff_rows(seed, flag_lag_s=-15.0)
    # every roll row reads the field (the taxi's level is known from the flagged rows); from
    # 2 s before the lift-off the feed repeats that row, whole, for 9 s
    rows = [(r[0], r[1], r[2], ELEV if r[6] or r[0] < truth and math.isnan(r[3]) else r[3],
             r[4], r[5], r[6]) for r in rows]
    k0 = next(i for i, r in enumerate(rows) if r[0] >= truth - 2)
    rep = rows[k0]
    rows = rows[:k0 + 1] + [(rep[0] + j, *rep[1:]) for j in range(1, 10)] + [
        r for r in rows[k0 + 10:]]
    ev = detect_events(clean_positions(Track(rows, truth).table())[0], [FIELD])
    assert [(e.kind, e.runway) for e in ev] == [("takeoff", "25")]
    e = ev[0]
    assert e.time_lo.timestamp() <= truth <= e.time_hi.timestamp()


@pytest.mark.parametrize("seed", [31, 32])
def test_a_parked_reading_no_altimeter_gives_there_is_no_level(seed: int) -> None:
    rows, truth = _liftoff_rows(seed)
    # parked and taxiing, the feed sends 9,600 ft (another aircraft's, or garbage)
    rows = [(r[0], r[1], r[2], 9600.0 if r[0] < T0 + 30 else r[3], *r[4:]) for r in rows]
    ev = detect_events(clean_positions(Track(rows, truth).table())[0], [FIELD])
    assert [(e.kind, e.runway) for e in ev] == [("takeoff", "25")]
    e = ev[0]
    assert abs(e.time.timestamp() - truth) <= 4.0
    assert e.time_lo.timestamp() <= truth <= e.time_hi.timestamp()


@pytest.mark.parametrize("seed", [41, 42, 43])
def test_a_climbs_first_reading_is_no_level(seed: int) -> None:
    # a high-pressure day (the field reads 300 ft under its elevation); no altitude on the
    # ground, none in the first 3 s airborne: the first reading is ~100 ft up, climbing
    rows, truth = _liftoff_rows(seed, qnh_ft=-300.0)
    rows = [(r[0], r[1], r[2], math.nan if r[0] < truth + 3 else r[3], *r[4:]) for r in rows]
    ev = detect_events(clean_positions(Track(rows, truth).table())[0], [FIELD])
    assert [(e.kind, e.runway) for e in ev] == [("takeoff", "25")]
    e = ev[0]
    assert e.time_lo.timestamp() <= truth <= e.time_hi.timestamp()


@pytest.mark.parametrize("seed", [51, 52, 53])
def test_a_track_flagged_airborne_but_holding_the_fields_level_is_rolling(seed: int) -> None:
    rows, truth = _liftoff_rows(seed)
    # the track starts 12 s before the lift-off (about 126 kt), flagged airborne throughout,
    # every row reading the field's level until the lift-off
    rows = [(r[0], r[1], r[2], ELEV if r[0] < truth else r[3], r[4], r[5], False)
            for r in rows if r[0] >= truth - 12]
    ev = detect_events(clean_positions(Track(rows, truth).table())[0], [FIELD])
    # its first rows are the roll (flight_rolls.rolling_starts): a state change, timed from
    # the climb, not a start first seen airborne
    assert [(e.kind, e.runway, e.basis) for e in ev] == [("takeoff", "25", "ground state change")]
    e = ev[0]
    assert e.time_lo.timestamp() <= truth <= e.time_hi.timestamp()
    assert abs(e.time.timestamp() - truth) <= 4.0


@pytest.mark.parametrize("seed", [61, 62])
def test_a_lift_off_with_no_altitude_under_2000_ft_is_timed_from_the_held_climb(
        seed: int) -> None:
    rows, truth = _liftoff_rows(seed)
    # the flag flips 14 s early in the roll; no altitude under 2,000 ft above the field
    rows = [(r[0], r[1], r[2], r[3] if r[3] >= ELEV + 2000 else math.nan, r[4], r[5],
             r[6] and r[0] < truth - 14) for r in rows]
    ev = detect_events(clean_positions(Track(rows, truth).table())[0], [FIELD])
    assert [(e.kind, e.runway) for e in ev] == [("takeoff", "25")]
    e = ev[0]
    assert e.time_lo.timestamp() <= truth <= e.time_hi.timestamp()
    assert abs(e.time.timestamp() - truth) <= 10.0


def _displaced_field(disp_ft: float) -> Airfield:
    rw = FIELD.runways[0]
    return Airfield("TST3", "Displaced", CENTRE[1], CENTRE[0], Provenance(Source("test")),
                    elevation_ft=ELEV, runways=(Runway(
                        "07", rw.le_lat, rw.le_lon, HDG_07, "25", rw.he_lat, rw.he_lon,
                        HDG_07 + 180, rw.length_ft, le_displaced_ft=disp_ft),))


@pytest.mark.parametrize("disp_ft", [0.0, 1969.0])
def test_a_probable_landing_touches_down_past_a_displaced_threshold(disp_ft: float) -> None:
    # lost 2.5 km short of 07's end at 140 kt on a 3 deg path to the landing threshold; the
    # touch-down zone is 300 m past the landing threshold (600 m past the end when displaced)
    disp_m = disp_ft * 0.3048
    thr = GEOD.fwd(*W, HDG_07, disp_m)[:2] if disp_m else W
    tr = _approach_to(thr, 2500.0 + disp_m)
    truth = tr.rows[-1][0] + (2500.0 + disp_m + 300.0) / (140.0 * KT)
    ev = detect_events(clean_positions(tr.table())[0], [_displaced_field(disp_ft)])
    assert [(e.kind, e.runway, e.probable) for e in ev] == [("landing", "07", True)]
    e = ev[0]
    assert abs(e.time.timestamp() - truth) <= 1.0
    assert e.time_lo.timestamp() <= truth <= e.time_hi.timestamp()


def test_the_runways_parser_keeps_displaced_thresholds_and_the_store_round_trips_them() -> None:
    from pathlib import Path

    from basewatch.sources.aircraftdb import parse_runways

    text = ("airport_ident,length_ft,closed,le_ident,le_latitude_deg,le_longitude_deg,"
            "le_heading_degT,le_displaced_threshold_ft,he_ident,he_latitude_deg,"
            "he_longitude_deg,he_heading_degT,he_displaced_threshold_ft\n"
            "LFPG,13780,0,09R,49.0206,2.51306,86,,27L,49.0237,2.57029,266,1969\n")
    out, skipped = parse_runways(Path("runways.csv"), text)
    rw = out["LFPG"][0]
    assert (rw.le_displaced_ft, rw.he_displaced_ft, skipped) == (0.0, 1969.0, [])
    assert Runway.from_dict(rw.to_dict()) == rw
    # a runway stored before the field existed reads as not displaced
    old = {k: v for k, v in rw.to_dict().items() if "displaced" not in k}
    assert Runway.from_dict(old).he_displaced_ft == 0.0
