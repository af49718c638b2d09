"""Seeded 1 Hz tracks around a runway with known lift-off / touch-down, and the feed faults
seen in real ADS-B (traffic's samples): on-ground flag lag, frozen (forward-filled) tails,
stale reported track while rolling, 25 ft altitude steps, tracks starting at lift-off.

Everything is measured with pyproj on the ellipsoid, independently of basewatch.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyproj

from basewatch.analysis.flights import POSITION_SCHEMA
from basewatch.model import Provenance, Source
from basewatch.model.flights import Airfield, Runway

GEOD = pyproj.Geod(ellps="WGS84")
KT = 1852.0 / 3600.0
T0 = dt.datetime(2024, 12, 4, 10, 0, tzinfo=dt.UTC).timestamp()
ELEV = 157.0  # ft
CENTRE = (35.9487, 35.4011)  # lon, lat
HDG_07 = 67.0  # runway 07/25: 3,000 m, low end 07 at the west


def _end(az: float) -> tuple[float, float]:
    lon, lat, _ = GEOD.fwd(*CENTRE, az, 1500.0)
    return lon, lat


W, E = _end(HDG_07 + 180), _end(HDG_07)
FIELD = Airfield("TEST", "Test field", CENTRE[1], CENTRE[0], Provenance(Source("test")),
                 elevation_ft=ELEV, runways=(Runway("07", W[1], W[0], HDG_07, "25", E[1], E[0],
                                                    HDG_07 + 180, 9843),))


@dataclass
class Track:
    """Rows (time, lat, lon, alt_ft, gs_kt, track, on_ground) and the true event time."""

    rows: list[tuple[float, float, float, float, float, float, bool | None]]
    truth: float

    def table(self, hex_: str = "abc123") -> pa.Table:
        cols = list(zip(*self.rows))
        return pa.table({
            "time": pa.array([int(t * 1e6) for t in cols[0]], pa.int64()).cast(
                POSITION_SCHEMA.field("time").type),
            "hex": pa.array([hex_] * len(self.rows)), "lat": pa.array(cols[1], pa.float64()),
            "lon": pa.array(cols[2], pa.float64()), "alt_ft": pa.array(cols[3], pa.float64()),
            "gs_kt": pa.array(cols[4], pa.float64()), "track_deg": pa.array(cols[5], pa.float64()),
            "on_ground": pa.array(cols[6], pa.bool_()), "callsign": pa.nulls(len(self.rows), pa.string()),
            "synthetic": pa.array([True] * len(self.rows)),
        }, schema=POSITION_SCHEMA)


def _q(alt: float, rng: np.random.Generator) -> float:
    """Barometric reading: 25 ft steps, a little noise."""
    return float(25.0 * round((alt + rng.normal(0, 6)) / 25.0))


def takeoff(seed: int, *, runway: str = "25", flag_lag_s: float = 0.0, turn_deg: float = 0.0,
            stale_track: bool = False, qnh_ft: float = 0.0, start_at_liftoff: bool = False
            ) -> Track:
    """Taxi 30 s, roll from the threshold (2 kt/s), lift off at 150 kt, climb 2,000 ft/min
    (turning ``turn_deg`` over the first 20 s airborne). The flag says airborne
    ``flag_lag_s`` after lift-off; altitudes read ``qnh_ft`` above the truth."""
    rng = np.random.default_rng(seed)
    hdg = HDG_07 if runway == "07" else (HDG_07 + 180) % 360
    lon, lat = W if runway == "07" else E
    rows: list[tuple[float, float, float, float, float, float, bool | None]] = []
    t, gs, alt = T0, 8.0, ELEV
    for _ in range(30):  # taxi toward the threshold on the taxiway, 200 m off
        p = GEOD.fwd(lon, lat, hdg - 90, 200.0)
        rows.append((t, p[1], p[0], math.nan, gs, (hdg - 90) % 360, True))
        t += 1
    truth = math.nan
    crs = hdg
    for k in range(200):
        airborne = gs >= 150.0
        if airborne and math.isnan(truth):
            truth = t
        if airborne:
            alt += 2000.0 / 60.0
            if t - truth <= 20:
                crs = hdg + turn_deg * (t - truth) / 20.0
            gs = min(gs + 1.0, 200.0)
        else:
            gs += 2.0 + 0.5 * (k < 5)
        flag = not (airborne and t >= truth + flag_lag_s)
        reported = (hdg + 180) % 360 if stale_track and not airborne else crs % 360
        rows.append((t, lat, lon, _q(alt + qnh_ft, rng) if airborne or k % 3 == 0 else math.nan,
                     round(gs), reported, flag))
        lon, lat, _ = GEOD.fwd(lon, lat, crs, gs * KT)
        t += 1
    if start_at_liftoff:
        rows = [r for r in rows if r[0] >= truth + 1]
    return Track(rows, truth)


def landing(seed: int, *, runway: str = "07", flag_lag_s: float = 0.0, frozen_s: float = 0.0,
            qnh_ft: float = 0.0) -> Track:
    """A 3 deg final from 8 km at 140 kt, flare over the last 30 ft, touch-down 400 m past
    the threshold, roll-out at -3 kt/s to 20 kt. The flag says ground ``flag_lag_s`` after
    touch-down. ``frozen_s``: from 2 s after touch-down the feed repeats the last position
    (flag still airborne) for that long, then flips the flag at the last repeated row."""
    rng = np.random.default_rng(seed)
    hdg = HDG_07 if runway == "07" else (HDG_07 + 180) % 360
    thr = W if runway == "07" else E
    v = 140.0 * KT
    d_td = 400.0
    rows: list[tuple[float, float, float, float, float, float, bool | None]] = []
    # along-track distance s from the threshold: -8000 .. d_td, glide 3 deg to 50 ft at the
    # threshold, flare: 50 ft -> 0 over the last d_td metres
    t_td = T0 + (8000.0 + d_td) / v
    t = T0
    s = -8000.0
    while s < d_td:
        h = 50.0 - s * math.tan(math.radians(3.0)) / 0.3048 if s < 0 else 50.0 * (1 - s / d_td) ** 1.5
        p = GEOD.fwd(*thr, hdg, s) if s >= 0 else GEOD.fwd(*thr, hdg + 180, -s)
        rows.append((t, p[1], p[0], _q(ELEV + h + qnh_ft, rng), 140.0, hdg, False))
        t += 1
        s += v
    gs = 140.0
    while gs > 20:
        p = GEOD.fwd(*thr, hdg, s)
        flag = t >= t_td + flag_lag_s
        rows.append((t, p[1], p[0], _q(ELEV + qnh_ft, rng) if int(t) % 4 == 0 else math.nan,
                     round(gs), hdg, flag))
        s += gs * KT
        gs -= 3.0
        t += 1
    if frozen_s:
        cut = next(i for i, r in enumerate(rows) if r[0] >= t_td + 2)
        last = rows[cut]
        rows = rows[:cut + 1] + [(last[0] + k, last[1], last[2], last[3], last[4], last[5],
                                  k >= frozen_s) for k in range(1, int(frozen_s) + 1)]
    return Track(rows, t_td)


def flypast(seed: int, *, agl_ft: float = 100.0) -> Track:
    """Along the runway at ``agl_ft`` and 160 kt, never on the ground."""
    rng = np.random.default_rng(seed)
    rows = []
    t = T0
    for s in np.arange(-6000.0, 9000.0, 160 * KT):
        p = GEOD.fwd(*W, HDG_07, s) if s >= 0 else GEOD.fwd(*W, HDG_07 + 180, -s)
        rows.append((t, p[1], p[0], _q(ELEV + agl_ft, rng), 160.0, HDG_07, False))
        t += 1
    return Track(rows, math.nan)


def go_around(seed: int) -> Track:
    """The 3 deg final of :func:`landing`, abandoned 8 s before touch-down (about 20 ft up),
    then climbing away at 1,500 ft/min; ``truth`` is the low point's time."""
    tr = landing(seed)
    rows = [r for r in tr.rows if r[0] < tr.truth - 8]
    t, lat, lon, alt = rows[-1][0], rows[-1][1], rows[-1][2], rows[-1][3]
    truth = t
    for _ in range(120):
        t += 1
        alt += 25.0
        lon, lat, _ = GEOD.fwd(lon, lat, HDG_07, 150 * KT)
        rows.append((t, lat, lon, alt, 150.0, HDG_07, False))
    return Track(rows, truth)


def touch_and_go(seed: int) -> Track:
    """The final of :func:`landing`, 12 s on the runway at 120 kt (flagged on the ground),
    then a climb; ``truth`` is the middle of the ground run."""
    tr = landing(seed)
    rows = [r for r in tr.rows if r[0] < tr.truth]
    t, lat, lon = rows[-1][0], rows[-1][1], rows[-1][2]
    for _ in range(12):
        t += 1
        lon, lat, _ = GEOD.fwd(lon, lat, HDG_07, 120 * KT)
        rows.append((t, lat, lon, math.nan, 120.0, HDG_07, True))
    truth = t - 6
    alt = ELEV
    for _ in range(90):
        t += 1
        alt += 25.0
        lon, lat, _ = GEOD.fwd(lon, lat, HDG_07, 140 * KT)
        rows.append((t, lat, lon, alt, 140.0, HDG_07, False))
    return Track(rows, truth)


def low_pass(seed: int, *, turn_in: bool, agl_ft: float = 300.0) -> Track:
    """A descent at 700 ft/min and 140 kt to ``agl_ft`` 400 m short of 07's threshold, then
    45 s level along the runway and a climb at 600 ft/min; ``truth`` is the time it levels.

    ``turn_in``: the last 30 s of the descent are a rate-one right turn (3 deg/s, radius
    1,375 m) from a heading square to the runway onto its axis, after 40 s on that heading
    (traffic's london_gatwick 4076f1 at 03:24, a flypast); else the same descent is flown
    straight down the extended centreline (a low approach)."""
    rng = np.random.default_rng(seed)
    v = 140.0 * KT
    r = v / math.radians(3.0)
    x_low = -400.0

    def at(x: float, y: float) -> tuple[float, float]:  # along 07 from W, y to the left
        lon, lat, _ = GEOD.fwd(*W, HDG_07 if x >= 0 else HDG_07 + 180, abs(x))
        lon, lat, _ = GEOD.fwd(lon, lat, HDG_07 - 90 if y >= 0 else HDG_07 + 90, abs(y))
        return lon, lat

    rows: list[tuple[float, float, float, float, float, float, bool | None]] = []
    t, h = T0, agl_ft + 70 * 700.0 / 60.0
    for k in range(70):  # the descent: 40 s straight, 30 s turning (or all on the axis)
        if not turn_in:
            x, y, crs = x_low - (70 - k) * v, 0.0, HDG_07
        elif k < 40:
            x, y, crs = x_low - r, -r - (40 - k) * v, HDG_07 - 90
        else:
            th = math.radians(3.0 * (k - 40))
            x, y = x_low - r * math.cos(th), -r + r * math.sin(th)
            crs = HDG_07 - 90 + 3.0 * (k - 40)
        lon, lat = at(x, y)
        rows.append((t, lat, lon, _q(ELEV + h, rng), 140.0, crs % 360, None))
        t, h = t + 1, h - 700.0 / 60.0
    truth = t
    for k in range(135):  # level 45 s, then climbing
        if k >= 45:
            h += 10.0
        lon, lat = at(x_low + k * v, 0.0)
        rows.append((t, lat, lon, _q(ELEV + h, rng), 140.0, HDG_07, None))
        t += 1
    return Track(rows, truth)
