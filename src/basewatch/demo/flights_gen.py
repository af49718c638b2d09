"""Seeded synthetic ADS-B tracks at Khmeimim (OSLK): a baseline of sorties and the Dec 2024 airlift.

No public source gives Khmeimim's daily departures, so the baseline is made up here, marked
synthetic in every row, and reproducible from the seed. The one track tied to the public
record is RA-78847 (hex 1533ff), whose departure to Moscow was posted on 4 Dec 2024; its
track shape and time (take-off 10:02 UTC on runway 35) are synthetic too.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import numpy as np

from basewatch.analysis.geodesy import GEOD

__all__ = ["DEFAULT_SEED", "GENERATOR", "RA78847_TAKEOFF", "generate_aircraft", "generate_positions"]

DEFAULT_SEED = 20241204
GENERATOR = "basewatch.demo.flights_gen"
RA78847_TAKEOFF = dt.datetime(2024, 12, 4, 10, 2, tzinfo=dt.UTC)

# Runway 17/35 ends (as in data/flights/runways.csv): 17 is the north end, heading 176 deg true.
_RWY = {"17": (35.94762, 35.41369, 176.0), "35": (35.94977, 35.38851, 356.0)}
_MOSCOW = (37.4146, 55.9726)
_TEHRAN = (51.3134, 35.6892)
_FIRST_DAY = dt.date(2024, 10, 1)
_LAST_DAY = dt.date(2024, 12, 8)
_SURGE_FROM = dt.date(2024, 12, 2)

# synthetic fleet: hex, registration, type, description, operator, military, role
_FLEET = [
    ("5f0a01", "SYN-IL76-1", "IL76", "Ilyushin Il-76MD (synthetic)", "Russian Air Force", True, "heavy"),
    ("5f0a02", "SYN-IL76-2", "IL76", "Ilyushin Il-76MD (synthetic)", "Russian Air Force", True, "heavy"),
    ("5f0a03", "SYN-IL76-3", "IL76", "Ilyushin Il-76MD (synthetic)", "Russian Air Force", True, "heavy"),
    ("5f0a04", "SYN-A124-1", "A124", "Antonov An-124 (synthetic)", "Russian Air Force", True, "heavy"),
    ("5f0b01", "SYN-SU34-1", "SU34", "Sukhoi Su-34 (synthetic)", "Russian Air Force", True, "fighter"),
    ("5f0b02", "SYN-SU34-2", "SU34", "Sukhoi Su-34 (synthetic)", "Russian Air Force", True, "fighter"),
    ("5f0b03", "SYN-SU35-1", "SU35", "Sukhoi Su-35 (synthetic)", "Russian Air Force", True, "fighter"),
    ("5f0c01", "SYN-A320-1", "A320", "Airbus A320 (synthetic)", "Synthetic Airline", False, "other"),
]


def _track(hex_: str, t0: float, rwy: str, dest: tuple[float, float] | None,
           rng: np.random.Generator, *, dark_after_km: float, return_after_min: float = 0.0
           ) -> list[tuple[Any, ...]]:
    """Ground roll from the threshold, lift-off, climb; then to ``dest`` until dark, or a
    round trip that lands back on the runway."""
    lon, lat, hdg = _RWY[rwy]
    rows: list[tuple[Any, ...]] = []
    t, v_kt, alt = t0 - 40.0, 0.0, 157.0
    for _ in range(8):  # 40 s ground roll, 5 s apart, accelerating to ~140 kt
        rows.append((t, hex_, lat, lon, None, v_kt, hdg, True))
        step = (v_kt + 17.5 / 2) * 1852 / 3600 * 5
        lon, lat, _ = GEOD.fwd(lon, lat, hdg, step)
        v_kt += 17.5
        t += 5.0
    # t is now t0: first airborne position
    course = hdg
    goal = float(GEOD.inv(lon, lat, *dest)[0]) % 360 if dest else (hdg + 180) % 360
    flown_m, minutes = 0.0, 0.0
    while True:
        rows.append((t, hex_, lat, lon, round(alt), round(v_kt), round(course % 360, 1), False))
        if dest is not None and flown_m > dark_after_km * 1000:
            break  # goes dark: out of receiver coverage
        if dest is None and minutes >= return_after_min:
            break
        if minutes > 2.0:  # turn toward the goal at up to 3 deg/s
            diff = (goal - course + 180) % 360 - 180
            course += float(np.clip(diff, -30, 30))
            if dest is not None:
                goal = float(GEOD.inv(lon, lat, *dest)[0]) % 360
        v_kt = min(v_kt + 8.0, 420.0 + rng.normal(0, 5))
        alt = min(alt + 250.0, 31000.0)
        d = v_kt * 1852 / 3600 * 10
        lon, lat, _ = GEOD.fwd(lon, lat, course, d)
        flown_m += d
        t += 10.0
        minutes += 10.0 / 60
    if dest is None:  # come back: straight-in approach to the runway it left, then roll out
        land = "17" if rng.random() < 0.5 else "35"
        lon_t, lat_t, h = _RWY[land]
        t += 600.0
        for k in range(18, 0, -1):  # final approach: 3 min, 10 s apart, 3 deg glide path
            dist = k * 10 * 150 * 1852 / 3600
            plon, plat, _ = GEOD.fwd(lon_t, lat_t, (h + 180) % 360, dist)
            rows.append((t, hex_, plat, plon, round(157 + dist * 0.0524 / 0.3048), 150, h, False))
            t += 10.0
        for k in range(6):  # touchdown and roll-out
            plon, plat, _ = GEOD.fwd(lon_t, lat_t, h, 300 + k * 180)
            rows.append((t, hex_, plat, plon, None, 140 - 22 * k, h, True))
            t += 5.0
    return rows


def generate_positions(seed: int = DEFAULT_SEED) -> str:
    """The synthetic positions as plain CSV text (docs/flights.md), every row synthetic."""
    rng = np.random.default_rng(seed)
    rows: list[tuple[Any, ...]] = []
    heavy = [f for f in _FLEET if f[6] == "heavy"]
    fighters = [f for f in _FLEET if f[6] == "fighter"]
    day = _FIRST_DAY
    while day <= _LAST_DAY:
        base = dt.datetime.combine(day, dt.time(6), dt.UTC).timestamp()
        surge = day >= _SURGE_FROM
        n_heavy = rng.poisson(3.5 if surge else 0.35)
        n_fighter = rng.poisson(1.0 if surge else 2.5)
        n_other = rng.poisson(0.5)
        rwy = "35" if rng.random() < 0.6 else "17"
        slots = np.sort(rng.uniform(0, 12 * 3600, n_heavy + n_fighter + n_other))
        kinds = ["heavy"] * n_heavy + ["fighter"] * n_fighter + ["other"] * n_other
        rng.shuffle(kinds)
        for t_off, kind in zip(slots, kinds):
            t0 = base + float(t_off)
            if kind == "heavy":
                f = heavy[rng.integers(len(heavy))]
                dest = _MOSCOW if surge or rng.random() < 0.7 else _TEHRAN
                rows += _track(f[0], t0, rwy, dest, rng, dark_after_km=float(rng.uniform(150, 300)))
            elif kind == "fighter":
                f = fighters[rng.integers(len(fighters))]
                rows += _track(f[0], t0, rwy, None, rng, dark_after_km=0,
                               return_after_min=float(rng.uniform(15, 30)))
            else:
                rows += _track(_FLEET[-1][0], t0, rwy, _TEHRAN, rng,
                               dark_after_km=float(rng.uniform(150, 300)))
        day += dt.timedelta(days=1)
    rows += _track("1533ff", RA78847_TAKEOFF.timestamp(), "35", _MOSCOW, rng, dark_after_km=250)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["time", "hex", "lat", "lon", "alt_ft", "gs_kt", "track", "on_ground", "callsign",
                "synthetic"])
    for t, h, la, lo, alt, gs, trk, og in sorted(rows, key=lambda r: (r[1], r[0])):
        w.writerow([f"{t:.1f}", h, f"{la:.6f}", f"{lo:.6f}", "" if alt is None else alt,
                    round(gs), trk, "true" if og else "false", "", "true"])
    return out.getvalue()


def generate_aircraft(seed: int = DEFAULT_SEED) -> str:
    """The synthetic fleet as an OpenSky-format aircraft CSV with its synthetic provenance."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["icao24", "registration", "model", "typecode", "operator", "source", "synthetic",
                "generator", "seed"])
    for h, reg, tc, desc, op, _mil, _role in _FLEET:
        w.writerow([h, reg, desc, tc, op, "basewatch synthetic fleet", "true", GENERATOR, seed])
    return out.getvalue()
