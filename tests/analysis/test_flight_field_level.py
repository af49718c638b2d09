"""The field's level for a lift-off with no on-ground flag: the reading the aircraft holds on
the ground, not a lone low reading (seeded tracks with a planted lift-off).

The fault is that of a real track (traffic's ``tour_de_france`` at Valence, LFLU, on 2 Sep
2020, checked on the real data by tests/flights_traffic/test_ground_truth.py): taxiing in
surface position messages, which carry no altitude, the feed gives one reading of 300 ft
at the taxi's start and then fills the altitude linearly, off the 25 ft grid, to the 425 ft
the roll reads for 15 s. Known answers are computed here with pyproj, independently of
basewatch.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from basewatch.analysis.flights import clean_positions, detect_events
from tests.analysis.flight_tracks import ELEV, FIELD, GEOD, HDG_07, KT, E, Track, takeoff

Row = tuple[float, float, float, float, float, float, bool | None]


def _quantised(alt: float) -> float:
    return 25.0 * round(alt / 25.0)


def _taxi_with_a_lone_low_reading_then_a_fill(seed: int, low_by_ft: float) -> Track:
    """No flag, a row every 5 s; the field reads 100 ft under its elevation that day. The
    aircraft taxis 70 s at 10 kt along runway 25's extended centreline toward its threshold
    and starts its roll, its ground speed not reported under 50 kt; the taxi's first
    reading is ``low_by_ft`` under the field's level, then the feed fills the altitude in a
    straight line (off the 25 ft grid) up to the roll's reading at 50 kt, which the roll
    then holds to the lift-off."""
    rng = np.random.default_rng(seed)
    tr = takeoff(seed, qnh_ft=-100.0)
    level = _quantised(ELEV - 100.0)
    hdg = (HDG_07 + 180.0) % 360.0  # runway 25
    roll = tr.rows[30:]
    t0 = roll[0][0]
    rows: list[Row] = []
    n = 14
    for k in range(n):  # 70 s of taxi, 10 kt, ending at the threshold
        back = 10 * KT * 5.0 * (n - k) + rng.normal(0.0, 3.0)  # real positions: noise
        lon, lat, _ = GEOD.fwd(E[0], E[1], HDG_07, back)
        rows.append((t0 - 5.0 * (n - k), lat, lon, math.nan, math.nan, hdg, None))
    for r in roll[::5]:
        alt = level if r[0] < tr.truth or math.isnan(r[3]) else r[3]
        rows.append((r[0], r[1], r[2], alt, r[4] if r[4] >= 50 else math.nan, r[5], None))
    end = next(k for k, r in enumerate(rows) if r[4] >= 50)
    for k in range(end):  # the fill, from the lone low reading to the roll's at 50 kt
        alt = level - low_by_ft * (1.0 - k / end)
        rows[k] = rows[k][:3] + (alt,) + rows[k][4:]
    return Track(rows, tr.truth)


@pytest.mark.parametrize("seed", [61, 62, 63])
def test_a_lone_low_reading_before_an_altitude_fill_is_not_the_fields_level(seed: int) -> None:
    tr = _taxi_with_a_lone_low_reading_then_a_fill(seed, 125.0)
    ev = detect_events(clean_positions(tr.table())[0], [FIELD])
    assert [(e.kind, e.runway) for e in ev] == [("takeoff", "25")]
    e = ev[0]
    assert e.time_lo.timestamp() <= tr.truth <= e.time_hi.timestamp()
    assert abs(e.time.timestamp() - tr.truth) <= 6.0


@pytest.mark.parametrize("seed", [61, 62])
def test_a_field_level_read_only_once_is_still_used(seed: int) -> None:
    # the same take-off whose only ground reading is the one at the taxi's start, at the
    # field's level, with nothing after it until the climb: no held level anywhere, so the
    # lone reading stands (as before), and the lift-off is still found
    tr = _taxi_with_a_lone_low_reading_then_a_fill(seed, 0.0)
    rows = [r if (r[0] >= tr.truth or r is tr.rows[0]) else r[:3] + (math.nan,) + r[4:]
            for r in tr.rows]
    ev = detect_events(clean_positions(Track(rows, tr.truth).table())[0], [FIELD])
    assert [(e.kind, e.runway) for e in ev] == [("takeoff", "25")]
    e = ev[0]
    assert e.time_lo.timestamp() - 5.0 <= tr.truth <= e.time_hi.timestamp() + 5.0
