"""Surface reports are a mark of the ground, not the field's level: traffic's calibration
feeds send 0 ft on the ground whatever the field's pressure reading (Munich, 1,487 ft;
Guatemala, 4,952 ft), and no on-ground flag. Seeded landings with known answers (pyproj,
independently of basewatch)."""

from __future__ import annotations

import math

import pytest

from basewatch.analysis.flights import Detected, clean_positions, detect_events
from tests.analysis.flight_tracks import FIELD, T0, Track, landing


def _surface(tr: Track, *, every_s: int = 5) -> Track:
    """No flag; from the touch-down on, the altitude is a surface report (0) every
    ``every_s`` seconds and missing otherwise; before it, 5 s rows (the calibration feeds')."""
    rows = []
    for r in tr.rows:
        if r[0] >= tr.truth:
            rows.append((r[0], r[1], r[2], 0.0 if int(r[0]) % every_s == 0 else math.nan,
                         r[4], r[5], None))
        elif int(r[0]) % 5 == 0:
            rows.append((r[0], r[1], r[2], r[3], r[4], r[5], None))
    return Track(rows, tr.truth)


def _landing(tr: Track) -> Detected:
    ev = [e for e in detect_events(clean_positions(tr.table())[0], [FIELD])
          if e.kind == "landing"]
    assert len(ev) == 1
    return ev[0]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("qnh_ft", [0.0, -60.0, 150.0])
def test_a_surface_report_bounds_the_touch_down_and_is_no_level(seed: int,
                                                                qnh_ft: float) -> None:
    # the field (157 ft) reads 97-307 ft that day; its surface reports read 0
    tr = _surface(landing(seed, qnh_ft=qnh_ft))
    e = _landing(tr)
    first_zero = min(r[0] for r in tr.rows if r[3] == 0.0)
    assert e.time_lo.timestamp() <= tr.truth <= e.time_hi.timestamp()
    assert e.time_hi.timestamp() <= first_zero + 0.01  # surface reports never precede it
    assert abs(e.time.timestamp() - tr.truth) <= 10.0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_at_a_field_reading_about_0_a_0_is_a_reading(seed: int) -> None:
    # the field reads 37 ft: the flare passes 50 ft, and 0 may be a pressure reading in
    # ground effect as well as a surface report; either way the truth is inside
    tr = _surface(landing(seed, qnh_ft=-120.0))
    e = _landing(tr)
    assert e.time_lo.timestamp() <= tr.truth <= e.time_hi.timestamp()
    assert abs(e.time.timestamp() - tr.truth) <= 10.0


def _ten_s(tr: Track) -> Track:
    """No flag, 10 s rows (124 ft apart on a 3 deg final at 140 kt: a reading of 0 has no
    neighbour within 50 ft of 0); on the ground the feed sends the field's pressure reading
    (no surface reports)."""
    return Track([(r[0], r[1], r[2], r[3], r[4], r[5], None) for r in tr.rows
                  if int(r[0] - T0) % 10 == 0], tr.truth)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_0_passed_on_the_way_down_to_lower_readings_is_no_surface_report(seed: int) -> None:
    # the field (157 ft) reads -186 ft that day, and the descent reads 125, 0, -125 (traffic's
    # tour_de_france at Arcachon: 100, 0, -100 in a descent, the field reading -100/-125):
    # the 0 is a pressure reading ~186 ft up, ~17 s before the touch-down, and bounds nothing
    tr = _ten_s(landing(seed, qnh_ft=-343.0))
    zero = [r[0] for r in tr.rows if r[3] == 0.0]
    assert len(zero) == 1 and tr.truth - zero[0] >= 10.0
    assert any(r[3] < 0 for r in tr.rows if zero[0] < r[0] <= zero[0] + 10)
    e = _landing(tr)
    assert e.time_lo.timestamp() <= tr.truth <= e.time_hi.timestamp()
    assert abs(e.time.timestamp() - tr.truth) <= 10.0
