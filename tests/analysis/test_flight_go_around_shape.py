"""A go-around is a pass flown down the runway's axis: a level run at 300 ft after turning
onto the axis is a flypast, the same descent flown straight in is a low approach. Seeded
tracks (tests/analysis/flight_tracks.py, pyproj), one aircraft, no flag (the calibration
feeds'): the same heights, the same speeds, only the path before the low point differs."""

from __future__ import annotations

import math

import pytest

from basewatch.analysis.flights import clean_positions, detect_events
from tests.analysis.flight_tracks import FIELD, GEOD, HDG_07, W, low_pass


def _events(tr):  # type: ignore[no-untyped-def]
    return detect_events(clean_positions(tr.table())[0], [FIELD])


def _cross_m(row) -> float:  # type: ignore[no-untyped-def]
    az, _, d = GEOD.inv(*W, row[2], row[1])
    return abs(d * math.sin(math.radians(az - HDG_07)))


@pytest.mark.parametrize("seed", [41, 42, 43])
def test_a_level_run_after_turning_onto_the_axis_is_no_go_around(seed: int) -> None:
    tr = low_pass(seed, turn_in=True)
    before = [r for r in tr.rows if tr.truth - 30 <= r[0] < tr.truth]
    assert max(_cross_m(r) for r in before) > 1000.0  # still turning in 30 s before
    assert _events(tr) == []


@pytest.mark.parametrize("seed", [41, 42, 43])
def test_the_same_descent_flown_down_the_axis_is_a_low_approach(seed: int) -> None:
    tr = low_pass(seed, turn_in=False)
    ev = _events(tr)
    assert [(e.kind, e.runway) for e in ev] == [("go_around", "07")]
    assert abs(ev[0].time.timestamp() - tr.truth) <= 10.0
