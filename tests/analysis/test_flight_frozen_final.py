"""A landing whose position froze in the air on final: the lowest reading seen is the
aircraft still flying, not the field's level (seeded tracks with a planted touch-down).

The fault is that of a real track (traffic's ``quickstart``, 398564 at Roissy on 7 Oct 2021,
checked on the real data by tests/flights_traffic/test_ground_truth.py): OpenSky state
vectors with the on-ground flag and no altitude on the ground; the position froze 1,159 m
short of 26L at 136 kt, the altitude was updated once more (200 -> 100 ft, the field reading
about -40 that day, 430 ft under its elevation), then repeated, and the flag said "ground"
two minutes later. Known answers are computed here with pyproj, independently of basewatch.
"""

from __future__ import annotations

import math

import pytest

from basewatch.analysis.flights import clean_positions, detect_events
from tests.analysis.flight_tracks import FIELD, GEOD, HDG_07, Track, W, landing


def _frozen_on_final(seed: int, short_m: float) -> Track:
    """A 3 deg final at 140 kt to runway 07 on a high-pressure day (the field reads 430 ft
    under its elevation); no altitude once on the ground. The position freezes ``short_m``
    short of the threshold; the next row brings one more reading, a 25 ft step lower, then
    the feed repeats that row, flagged airborne, for 110 s, and flagged on the ground for
    20 s more."""
    tr = landing(seed, qnh_ft=-430.0)
    rows = [r for r in tr.rows if not r[6]]
    az = (HDG_07 + 180.0) % 360.0
    cut = 0
    for k, r in enumerate(rows):  # the first row within short_m of the threshold
        _, _, d = GEOD.inv(W[0], W[1], r[2], r[1])
        if d <= short_m and abs(((GEOD.inv(W[0], W[1], r[2], r[1])[0] - az) + 180) % 360
                                - 180) < 30:
            cut = k
            break
    assert cut
    last = rows[cut]
    out = rows[:cut + 1]
    out.append((last[0] + 1, last[1], last[2], last[3] - 25.0, last[4], last[5], False))
    for k in range(2, 131):
        out.append((last[0] + k, last[1], last[2], last[3] - 25.0 if k <= 110 else math.nan,
                    last[4], last[5], k > 110))
    return Track(out, tr.truth)


@pytest.mark.parametrize("seed", [71, 72, 73])
def test_a_position_frozen_in_the_air_short_of_the_runway_is_no_touch_down(seed: int) -> None:
    tr = _frozen_on_final(seed, 1200.0)
    freeze = next(r[0] for r in tr.rows[::-1] if r[1] != tr.rows[-1][1]) + 1
    # the aircraft still had 1,200 m to the threshold and 400 m more to its touch-down, at
    # 140 kt: the touch-down is ~22 s after the freeze
    assert 18.0 <= tr.truth - freeze <= 26.0
    ev = detect_events(clean_positions(Track(tr.rows, tr.truth).table())[0], [FIELD])
    assert [(e.kind, e.runway) for e in ev] == [("landing", "07")]
    e = ev[0]
    assert e.time_lo.timestamp() <= tr.truth <= e.time_hi.timestamp()

