"""A landing whose last seconds of descent were filled by a straight line (as traffic's
calibration flights are: brussels_ils "descends" 375 -> 250 -> 125 -> 0 ft in 15 s between two
real rows): the filled rows are no readings, so the interval must span the gap the fill hides
and contain the real touch-down; where nothing is filled the interval stays as narrow as it was.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from basewatch.analysis.flights import clean_positions, detect_events
from tests.analysis.flight_tracks import ELEV, FIELD, Track, landing


def _no_flag(tr: Track) -> Track:
    return Track([(t, la, lo, a, g, c, None) for t, la, lo, a, g, c, _ in tr.rows], tr.truth)


def _fill_gap(tr: Track, before_s: float, after_s: float) -> tuple[Track, float, float]:
    """Rows strictly between the last one ``before_s`` before the touch-down and the first
    ``after_s`` after it replaced by a linear fill (time, position, altitude, speed); the
    first real row after reads the field (a surface report)."""
    rows = list(tr.rows)
    ia = max(i for i, r in enumerate(rows) if r[0] <= tr.truth - before_s)
    ib = min(i for i, r in enumerate(rows) if r[0] >= tr.truth + after_s)
    b = rows[ib]
    rows[ib] = (b[0], b[1], b[2], 25.0 * round(ELEV / 25.0), b[4], b[5], b[6])
    a, b = rows[ia], rows[ib]
    for i in range(ia + 1, ib):
        f = (rows[i][0] - a[0]) / (b[0] - a[0])
        rows[i] = (rows[i][0], a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2]),
                   a[3] + f * (b[3] - a[3]), a[4] + f * (b[4] - a[4]), a[5], rows[i][6])
    return Track(rows, tr.truth), float(a[0]), float(b[0])


def _landing(tr: Track):  # type: ignore[no-untyped-def]
    ev = [e for e in detect_events(clean_positions(tr.table())[0], [FIELD])
          if e.kind == "landing"]
    assert len(ev) == 1
    return ev[0]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("gap", [(12.0, 5.0), (10.0, 8.0)])
def test_touchdown_hidden_by_a_linear_fill_is_inside_its_interval(
        seed: int, gap: tuple[float, float]) -> None:
    tr, _, _ = _fill_gap(_no_flag(landing(seed)), *gap)
    assert not math.isnan(tr.truth)
    e = _landing(tr)
    lo, hi, at = e.time_lo.timestamp(), e.time_hi.timestamp(), e.time.timestamp()
    assert lo <= tr.truth <= hi
    assert abs(at - tr.truth) <= 10.0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_long_fill_after_a_steady_descent_is_timed_by_that_descent(seed: int) -> None:
    # 30 s filled: the real descent before it (3 deg, steady) still says when it reached
    # the runway, and the interval holds the truth
    tr, _, _ = _fill_gap(_no_flag(landing(seed)), 30.0, 8.0)
    e = _landing(tr)
    assert e.time_lo.timestamp() <= tr.truth <= e.time_hi.timestamp()
    assert abs(e.time.timestamp() - tr.truth) <= 10.0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_without_a_fill_the_interval_is_not_widened(seed: int) -> None:
    e = _landing(_no_flag(landing(seed)))
    assert e.time_lo.timestamp() <= landing(seed).truth <= e.time_hi.timestamp()
    assert e.time_hi.timestamp() - e.time_lo.timestamp() <= 15.0


def test_a_real_descent_in_25_ft_steps_is_not_a_fill() -> None:
    from basewatch.analysis.flight_fills import straight_fill as filled

    rng = np.random.default_rng(5)
    n = 40
    t = np.arange(n, dtype=float) * 5.0
    alt = 25.0 * np.round((1000.0 - 11.7 * t + rng.normal(0, 6, n)) / 25.0)
    lon = 4.5 + 0.0009 * np.arange(n) + rng.normal(0, 3e-5, n)  # a few metres of noise
    lat = 50.9 + 0.0004 * np.arange(n) + rng.normal(0, 3e-5, n)
    cols = {"lon": lon, "lat": lat}
    idx = np.arange(n)[None, :]
    got = filled(idx, np.ones((1, n), bool), t, alt[None, :],
                 lambda c, ix: cols[c][ix])
    assert not got.any()
    # the same rows with rows 10..20 replaced by a straight line are
    for c in (alt, lon, lat):
        c[11:20] = c[10] + (c[20] - c[10]) * (np.arange(11, 20) - 10) / 10.0
    got = filled(idx, np.ones((1, n), bool), t, alt[None, :], lambda c, ix: cols[c][ix])
    assert got[0, 11:20].all() and not got[0, :10].any() and not got[0, 21:].any()


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("qnh_ft", [230.0, -150.0])
def test_without_a_flag_the_field_level_is_the_floor_the_aircraft_holds(
        seed: int, qnh_ft: float) -> None:
    # a low-pressure day: the field reads 230 ft over its elevation (traffic's kiruna reads
    # 1,737 ft at a 1,508 ft field); the roll's readings hold that floor, and no flag says
    # "ground": the touch-down is timed from the descent to that floor, not to the elevation
    tr = landing(seed, qnh_ft=qnh_ft)
    e = _landing(_no_flag(tr))
    assert e.time_lo.timestamp() <= tr.truth <= e.time_hi.timestamp()
    assert abs(e.time.timestamp() - tr.truth) <= 5.0
    assert e.time_hi.timestamp() - e.time_lo.timestamp() <= 15.0
