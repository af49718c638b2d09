"""A track first seen airborne is timed from the level the same aircraft reads at the field
that day (its landing there), where it has one: on a low-pressure day the field reads far
above its elevation (traffic's kiruna: 1,737-1,750 ft at a 1,508 ft field; vasaloppet ~1,500
at 634), and a climb extrapolated down to the elevation put the lift-off 32-39 s early. And a
lift-off is never earlier than the time to fly from the runway's start to the first position
at the speed observed there. Seeded tracks (tests/analysis/flight_tracks.py)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from basewatch.analysis.flight_starts import own_floor, runway_start_bound
from basewatch.analysis.flight_timing import run_starts
from basewatch.analysis.flights import clean_positions, detect_events, segment_ids
from tests.analysis.flight_tracks import ELEV, FIELD, Track, flypast, landing, takeoff

QNH = 600.0  # a deep low: the field (157 ft) reads 757 ft
LATER_S = 2.5 * 3600.0


def _first_seen_at(tr: Track, reading_ft: float) -> Track:
    k = next(i for i, r in enumerate(tr.rows) if r[3] == r[3] and r[3] >= reading_ft)
    return Track(tr.rows[k:], tr.truth)


def _later(tr: Track) -> Track:
    return Track([(r[0] + LATER_S,) + r[1:] for r in tr.rows], tr.truth + LATER_S)


@pytest.mark.parametrize("seed", [71, 72, 73])
def test_first_seen_airborne_timed_from_its_own_landing_floor(seed: int) -> None:
    dep = _first_seen_at(takeoff(seed, qnh_ft=QNH), ELEV + QNH + 500.0)
    assert dep.rows[0][0] - dep.truth > 12  # first seen ~15 s after the lift-off
    arr = _later(landing(seed, qnh_ft=QNH))
    table = pa.concat_tables([dep.table("abc123"), arr.table("abc123")])
    ev = [e for e in detect_events(clean_positions(table)[0], [FIELD]) if e.kind == "takeoff"]
    assert [(e.runway, e.basis) for e in ev] == [("25", "first seen airborne")]
    e = ev[0]
    assert e.time_lo.timestamp() <= dep.truth <= e.time_hi.timestamp()
    assert abs(e.time.timestamp() - dep.truth) <= 4.0  # from the elevation: ~18 s early


def _floor(*tracks: pa.Table) -> tuple[float, float] | None:
    tab = clean_positions(pa.concat_tables(list(tracks)))[0]
    t = np.asarray(tab.column("time").cast(pa.int64()), float) / 1e6
    hexes = np.asarray(tab.column("hex").to_pylist())
    seg = segment_ids(np.r_[0, np.cumsum(hexes[1:] != hexes[:-1])], t)
    return own_floor(tab, t, run_starts(tab, seg), FIELD, 0)


def test_own_floor_is_the_landing_level_and_a_low_pass_gives_none() -> None:
    dep = _first_seen_at(takeoff(74, qnh_ft=QNH), ELEV + QNH + 500.0)
    got = _floor(dep.table("abc123"), _later(landing(74, qnh_ft=QNH)).table("abc123"))
    assert got is not None
    level, u = got
    assert abs(level - (ELEV + QNH)) <= 50.0  # the flare reads a step low at most
    assert 40.0 + 30.0 * 2.0 <= u <= 40.0 + 30.0 * 3.0  # 40 ft and the drift over ~2.5 h
    # the same aircraft passing 100 ft over the runway, never on the ground there: no floor
    assert _floor(dep.table("abc123"), _later(flypast(74, agl_ft=100.0)).table("abc123")) is None
    # another aircraft's landing is not this one's floor
    assert _floor(dep.table("abc123"), _later(landing(74, qnh_ft=QNH)).table("fff000")) is None


def test_a_lift_off_is_no_earlier_than_the_roll_from_the_runways_start_allows() -> None:
    # first seen 1,200 m down the runway at 120 kt (61.7 m/s): off no earlier than 19.4 s
    # before; a climb fitted at 10 ft/s from 400 ft puts it 40 s before: too slow, the
    # lift-off is between 19.4 s before and the latest 400 +- 100 ft allows at 6,000 ft/min
    t0 = 1000.0
    est, lo, hi = runway_start_bound(t0 - 40.0, t0 - 50.0, t0 - 30.0, t0=t0, along_m=1200.0,
                                     speed_kt=120.0, agl_ft=400.0, u_ft=100.0)
    bound = t0 - 1200.0 / (120.0 * 1852.0 / 3600.0)
    assert lo == pytest.approx(bound)
    assert hi == pytest.approx(t0 - 3.0)
    assert est == pytest.approx((bound + t0 - 3.0) / 2)
    # a climb that agrees with the runway keeps its estimate; only the interval is cut
    est, lo, hi = runway_start_bound(t0 - 10.0, t0 - 25.0, t0 - 5.0, t0=t0, along_m=1200.0,
                                     speed_kt=120.0, agl_ft=100.0, u_ft=100.0)
    assert (est, hi) == (t0 - 10.0, t0 - 5.0) and lo == pytest.approx(bound)
