"""Touch-and-goes in a feed without an on-ground flag (traffic's calibration flights have none):
counted as such only on evidence of the wheels, the readings held at the field's own level (the
same aircraft's readings on the ground there) over the runway at a speed an aeroplane rolls
at; a pass as low but much faster than the aircraft ever flies near the field is a low
approach (go-around), as is a pass with no ground reading of the aircraft to compare with.

Seeded 1 Hz tracks (tests/analysis/flight_tracks.py), every value computed with pyproj.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from basewatch.analysis.flights import clean_positions, detect_events
from tests.analysis.flight_tracks import ELEV, FIELD, GEOD, HDG_07, KT, Track, landing, takeoff

Row = tuple[float, float, float, float, float, float, bool | None]


def _pass(seed: int, *, roll_kt: float, shift_s: float, on_runway_s: float = 12.0
          ) -> tuple[list[Row], float]:
    """The 3 deg final of :func:`landing` (140 kt) to its touch-down, then ``on_runway_s`` at
    ``roll_kt`` along runway 07 reading the field's level, then a climb at 1,500 ft/min; no
    flag. Times shifted by ``shift_s``. Returns the rows and the middle of the runway run."""
    rng = np.random.default_rng(seed)
    tr = landing(seed)
    rows: list[Row] = [(r[0] + shift_s, r[1], r[2], r[3], r[4], r[5], None)
                       for r in tr.rows if r[0] < tr.truth]
    t, lat, lon = rows[-1][0], rows[-1][1], rows[-1][2]
    for _ in range(int(on_runway_s)):
        t += 1
        lon, lat, _ = GEOD.fwd(lon, lat, HDG_07, roll_kt * KT)
        rows.append((t, lat, lon, 25.0 * round((ELEV + rng.normal(0, 6)) / 25.0), roll_kt,
                     HDG_07, None))
    mid = t - on_runway_s / 2
    alt = ELEV
    for _ in range(120):
        t += 1
        alt += 25.0
        lon, lat, _ = GEOD.fwd(lon, lat, HDG_07, 140 * KT)
        rows.append((t, lat, lon, 25.0 * round(alt / 25.0), 140.0, HDG_07, None))
    return rows, mid


def _departure(seed: int) -> list[Row]:
    """A take-off from runway 07 (taxi, roll read at the field's level, climb), no flag."""
    return [(r[0], r[1], r[2], r[3], r[4], r[5], None) for r in takeoff(seed, runway="07").rows]


def _events(rows: list[Row]):  # type: ignore[no-untyped-def]
    return detect_events(clean_positions(Track(rows, math.nan).table())[0], [FIELD])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_touch_and_go_without_a_flag_is_counted_as_such(seed: int) -> None:
    dep = _departure(seed)
    rows, mid = _pass(seed, roll_kt=120.0, shift_s=dep[-1][0] - dep[0][0] + 400.0)
    ev = [e for e in _events(dep + rows) if e.kind != "takeoff"]
    assert [(e.kind, e.runway) for e in ev] == [("touch_and_go", "07")]
    e = ev[0]
    assert e.time_lo.timestamp() <= mid <= e.time_hi.timestamp()
    assert abs(e.time.timestamp() - mid) <= 6.0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_pass_at_the_field_level_far_faster_than_it_flies_is_a_low_approach(seed: int) -> None:
    # 190 kt over the runway, against 140 kt on the final: 1.36x, flying (lift ~1.8x weight)
    dep = _departure(seed)
    rows, _ = _pass(seed, roll_kt=190.0, shift_s=dep[-1][0] - dep[0][0] + 400.0)
    ev = [e for e in _events(dep + rows) if e.kind != "takeoff"]
    assert [(e.kind, e.runway) for e in ev] == [("go_around", "07")]


@pytest.mark.parametrize("seed", [1, 2])
def test_without_the_aircrafts_own_ground_readings_there_is_no_evidence_of_wheels(
        seed: int) -> None:
    rows, _ = _pass(seed, roll_kt=120.0, shift_s=0.0)
    ev = _events(rows)
    assert [(e.kind, e.runway) for e in ev] == [("go_around", "07")]


def test_a_flagged_touch_and_go_is_unchanged() -> None:
    from tests.analysis.flight_tracks import touch_and_go

    tr = touch_and_go(4)
    ev = detect_events(clean_positions(tr.table())[0], [FIELD])
    assert [(e.kind, e.runway) for e in ev] == [("touch_and_go", "07")]
