"""A track first seen airborne is timed from the field's reading that day, read from the
feed's other aircraft there (traffic's quickstart: Roissy read ~430 ft under its elevation,
and three take-offs first seen climbing past its runway ends were timed 9-13 s late)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from basewatch.analysis.flight_runways import field_level
from basewatch.analysis.flights import clean_positions, detect_events
from tests.analysis.flight_tracks import ELEV, FIELD, Track, landing, takeoff

QNH = -430.0  # a high-pressure day: the field reads 430 ft under its elevation


def _first_seen_at(tr: Track, reading_ft: float) -> Track:
    """The take-off's rows from the first reading at or over ``reading_ft``."""
    k = next(i for i, r in enumerate(tr.rows) if r[3] == r[3] and r[3] >= reading_ft)
    return Track(tr.rows[k:], tr.truth)


@pytest.mark.parametrize("seed", [31, 32, 33])
def test_first_seen_airborne_timed_from_the_days_field_reading(seed: int) -> None:
    dep = _first_seen_at(takeoff(seed, qnh_ft=QNH), ELEV + QNH + 600.0)
    assert dep.rows[0][0] - dep.truth > 15  # first seen ~18 s after the lift-off
    others = [landing(seed + 10 * n, qnh_ft=QNH).table(f"ff00{n:02d}") for n in range(3)]
    table = pa.concat_tables([dep.table("abc123"), *others])
    ev = [e for e in detect_events(clean_positions(table)[0], [FIELD]) if e.hex == "abc123"]
    assert [(e.kind, e.runway, e.basis) for e in ev] == [
        ("takeoff", "25", "first seen airborne")]
    e = ev[0]
    assert e.time_lo.timestamp() <= dep.truth <= e.time_hi.timestamp()
    assert abs(e.time.timestamp() - dep.truth) <= 4.0


def test_field_level_needs_three_aircraft_at_one_level() -> None:
    two = pa.concat_tables([landing(41 + n, qnh_ft=QNH).table(f"ee00{n:02d}") for n in range(2)])
    tab = clean_positions(two)[0]
    import numpy as np

    t = np.asarray(tab.column("time").cast(pa.int64()), float) / 1e6
    assert field_level(tab, t, FIELD, float(t[0])) is None
    three = pa.concat_tables([landing(41 + n, qnh_ft=QNH).table(f"ee00{n:02d}") for n in range(3)])
    tab = clean_positions(three)[0]
    t = np.asarray(tab.column("time").cast(pa.int64()), float) / 1e6
    level = field_level(tab, t, FIELD, float(t[0]))
    assert level is not None and abs(level - (ELEV + QNH)) <= 50.0


def test_field_level_leaves_out_the_aircraft_timed_and_readings_off_the_runways() -> None:
    import numpy as np

    three = pa.concat_tables([landing(51 + n, qnh_ft=QNH).table(f"dd00{n:02d}") for n in range(3)])
    tab = clean_positions(three)[0]
    t = np.asarray(tab.column("time").cast(pa.int64()), float) / 1e6
    assert field_level(tab, t, FIELD, float(t[0])) is not None
    assert field_level(tab, t, FIELD, float(t[0]), but=0) is None  # two aircraft left
    # readings count only on a runway's centreline: with no width allowed, none does
    assert field_level(tab, t, FIELD, float(t[0]), cross_m=0.0) is None
