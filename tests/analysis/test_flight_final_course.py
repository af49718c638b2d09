"""A track that ends on an extended centreline is a probable landing only when its course meets
the threshold (issue #19, session 6: traffic's calfire a53602 ended 6.9 km short of KREI 08,
282 m off its axis but crossing it at 19 deg at its 186 kt cruise, and was reported landing).

Seeded tracks on :mod:`tests.analysis.flight_tracks`' runway 07; the geometry each case
expects is computed here with pyproj, independently of basewatch.
"""

from __future__ import annotations

import math

import pytest

from basewatch.analysis.flight_ends import BASIS_FINAL, off_the_runway
from basewatch.analysis.flights import clean_positions, detect_events
from tests.analysis.flight_tracks import ELEV, FIELD, GEOD, HDG_07, KT, T0, Track, W

Row = tuple[float, float, float, float, float, float, bool | None]


def _track_to(short_m: float, cross_m: float, off_deg: float, gs_kt: float, agl_ft: float,
              seconds: int = 90) -> list[Row]:
    """1 Hz rows flown straight on course ``HDG_07 + off_deg`` at ``gs_kt``, descending 900
    ft/min, the last one ``short_m`` short of 07's threshold, ``cross_m`` left of its extended
    centreline (looking along 07) and ``agl_ft`` over the field; no on-ground flag."""
    on_axis = GEOD.fwd(*W, HDG_07 + 180.0, short_m)
    end = GEOD.fwd(on_axis[0], on_axis[1], HDG_07 - 90.0, cross_m) if cross_m else on_axis
    course = (HDG_07 + off_deg) % 360.0
    rows: list[Row] = []
    for k in range(seconds, -1, -1):  # k seconds before the end
        p = GEOD.fwd(end[0], end[1], course + 180.0, gs_kt * KT * k) if k else end
        alt = ELEV + agl_ft + 900.0 / 60.0 * k
        rows.append((T0 + seconds - k, p[1], p[0], 25.0 * round(alt / 25.0), gs_kt, course,
                     None))
    return rows


def _events(rows: list[Row]) -> list:
    return detect_events(clean_positions(Track(rows, math.nan).table("a53602"))[0], [FIELD])


def _miss_at_threshold_m(rows: list[Row]) -> float:
    """How far from 07's threshold the last course, extended, passes abeam it (pyproj: the
    last position's along/cross-track from the threshold, the course's angle to 07's)."""
    (_, la0, lo0, *_), (_, la1, lo1, *_) = rows[-11], rows[-1]
    course = GEOD.inv(lo0, la0, lo1, la1)[0]
    run_az = GEOD.inv(*W, *GEOD.fwd(*W, HDG_07, 1000.0)[:2])[0]
    az, _, d = GEOD.inv(*W, lo1, la1)
    along = d * math.cos(math.radians(az - run_az))
    cross = d * math.sin(math.radians(az - run_az))
    return abs(cross - along * math.tan(math.radians(course - run_az)))


@pytest.mark.parametrize("gs_kt", [186.0, 140.0])
def test_a_track_crossing_the_axis_7_km_out_is_no_landing(gs_kt: float) -> None:
    # a53602's end: 282 m off the axis, crossing it at 19 deg (course 086 onto 07's 067),
    # ~630 ft over the field, at its cruise (186 kt) or at an approach speed: the course,
    # extended, passes the threshold 2.1 km off it, which no final does (at 20 deg or more
    # it is not aligned with 07 at all: that gate is older)
    rows = _track_to(6876.0, 282.0, 19.0, gs_kt, 630.0)
    assert 2000.0 < _miss_at_threshold_m(rows) < 2400.0
    assert _events(rows) == []


@pytest.mark.parametrize("gs_kt", [140.0, 185.0])
def test_a_track_established_on_the_axis_7_km_out_is_a_probable_landing(gs_kt: float) -> None:
    # on the centreline on a 3 deg path (~1,250 ft over the field 7 km out; ATC keeps jets at
    # 160-180 kt to about 4 nm: traffic's quickstart 4d2238 was lost 5.8 km short of LFOB 30
    # at 185 kt and landed): a probable landing, touching down 300 m past the threshold
    agl = (6876.0 + 300.0) * math.tan(math.radians(3.0)) / 0.3048
    rows = _track_to(6876.0, 20.0, 0.0, gs_kt, agl)
    assert _miss_at_threshold_m(rows) < 30.0
    ev = _events(rows)
    assert [(e.kind, e.airfield, e.runway, e.basis) for e in ev] == [
        ("landing", "TEST", "07", BASIS_FINAL)]
    touchdown = rows[-1][0] + (6876.0 + 300.0) / (gs_kt * KT)
    assert abs(ev[0].time.timestamp() - touchdown) < 10.0


def test_an_intercept_aiming_at_the_threshold_7_km_out_is_a_probable_landing() -> None:
    # 500 m off the axis, converging on the threshold at 4 deg (500 m / 7 km): still joining
    # the final, but on a course that meets the runway
    off = math.degrees(math.atan2(500.0, 6876.0))
    agl = (6876.0 + 300.0) * math.tan(math.radians(3.0)) / 0.3048
    rows = _track_to(6876.0, 500.0, off, 150.0, agl)
    assert _miss_at_threshold_m(rows) < 50.0
    assert [(e.kind, e.runway, e.basis) for e in _events(rows)] == [
        ("landing", "07", BASIS_FINAL)]


def test_off_the_runway_above_the_established_height_by_hand() -> None:
    # allowed there: 150 m + tan 8 deg of the distance out (the truth's probable landings aim
    # at most 4.4 deg off beyond the 150 m: calfire a515f1, 222 m abeam KRNM 27 from 945 m out)
    assert not off_the_runway(-945.0, -76.0, 17.5, 605.0)  # -76 + 945 x tan 17.5 = 222 < 150 + 133
    assert not off_the_runway(-4853.0, 61.0, 4.7, 964.0)  # 61 + 399 = 460 < 150 + 682
    # 282 m off, 19.3 deg across, 6,876 m out: -282 + 6876 x tan 19.3 = 2,126 > 150 + 966
    assert off_the_runway(-6876.0, -282.0, 19.3, 529.0)
    # no altitude: judged as the higher case
    assert off_the_runway(-6876.0, -282.0, 19.3, math.nan)
    assert not off_the_runway(-6876.0, -20.0, 0.0, math.nan)
