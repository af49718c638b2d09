"""A track whose first rows are the take-off roll starts on the ground: its first row at a
rolling speed (traffic's lisbon 4070f4: 52 kt 474 m down 02 at the field's reading), or its
first readings held at one level while it accelerates along the runway (london_gatwick
4076f1: 25 ft at 67, 82 and 90 kt down 26L). Seeded take-offs (tests/analysis/flight_tracks.py:
roll at 2 kt/s, lift-off at 150 kt, climb at 2,000 ft/min), no on-ground flag, the track cut
to start in the roll; the truth is the generator's lift-off."""

from __future__ import annotations

import math

import pytest

from basewatch.analysis.flights import clean_positions, detect_events
from tests.analysis.flight_tracks import FIELD, Track, takeoff


def _from(tr: Track, min_kt: float) -> Track:
    """No flag; the rows from the first with a reading at ``min_kt`` or more."""
    rows = [(r[0], r[1], r[2], r[3], r[4], r[5], None) for r in tr.rows]
    k = next(i for i, r in enumerate(rows) if r[4] >= min_kt and math.isfinite(r[3]))
    return Track(rows[k:], tr.truth)


def _takeoff(tr: Track):  # type: ignore[no-untyped-def]
    ev = detect_events(clean_positions(tr.table())[0], [FIELD])
    assert [(e.kind, e.runway) for e in ev] == [("takeoff", "25")]
    return ev[0]


@pytest.mark.parametrize("seed", [61, 62, 63])
def test_a_first_row_at_rolling_speed_is_on_the_ground(seed: int) -> None:
    # one row at 60 kt (the aircraft flies at 150 kt or more), then nothing until 10 s after
    # the lift-off (lisbon: one row, then a 25 s straight-line fill): no level held
    tr = _from(takeoff(seed), 60.0)
    tr = Track([tr.rows[0]] + [r for r in tr.rows if r[0] >= tr.truth + 10.0], tr.truth)
    assert tr.truth - tr.rows[0][0] > 30.0
    e = _takeoff(tr)
    assert e.basis == "ground state change"
    assert e.time_lo.timestamp() <= tr.truth <= e.time_hi.timestamp()
    assert abs(e.time.timestamp() - tr.truth) <= 5.0


@pytest.mark.parametrize("seed", [61, 62, 63])
def test_a_level_held_while_accelerating_along_the_runway_is_the_roll(seed: int) -> None:
    # first row at 125 kt (over 0.8 x its slowest flying speed): only the held level says
    # it is still rolling, for the ~12 s to its lift-off at 150 kt
    tr = _from(takeoff(seed), 125.0)
    assert 8.0 < tr.truth - tr.rows[0][0] < 15.0
    e = _takeoff(tr)
    assert e.basis == "ground state change"
    assert e.time_lo.timestamp() <= tr.truth <= e.time_hi.timestamp()
    assert abs(e.time.timestamp() - tr.truth) <= 5.0


@pytest.mark.parametrize("seed", [61, 62, 63])
def test_a_track_starting_just_after_lift_off_is_still_first_seen_airborne(seed: int) -> None:
    tr = takeoff(seed, start_at_liftoff=True)
    tr = Track([(r[0], r[1], r[2], r[3], r[4], r[5], None) for r in tr.rows], tr.truth)
    e = _takeoff(tr)
    assert e.basis == "first seen airborne"
    assert e.time_lo.timestamp() <= tr.truth <= e.time_hi.timestamp()
