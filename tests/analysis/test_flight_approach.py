"""``flight_approach.not_before_threshold`` (every landing measured at once) against its rule
read landing by landing: the last real, fresh position at or before the estimate, flying (50
kt or more), on the landing end's extended centreline (600 m across, up to 8 km short) bounds
the touch-down from below by the distance to the threshold at the speed reported there."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyproj
import pytest

from basewatch.analysis.flight_approach import not_before_threshold
from basewatch.analysis.flight_fills import straight_fill
from basewatch.analysis.flight_timing import FROZEN_S

GEOD = pyproj.Geod(ellps="WGS84")
KT = 1852.0 / 3600.0


@dataclass(frozen=True)
class Rw:
    le_ident: str
    le_lon: float
    le_lat: float
    he_ident: str
    he_lon: float
    he_lat: float


@dataclass(frozen=True)
class Field:
    runways: tuple[Rw, ...]


def _fields() -> list[Field]:
    def rw(name_lo, name_hi, lon, lat, az, length):
        lon2, lat2, _ = GEOD.fwd(lon, lat, az, length)
        return Rw(name_lo, lon, lat, name_hi, float(lon2), float(lat2))

    return [Field((rw("09", "27", 10.0, 50.0, 90.0, 3000.0),
                   rw("18", "36", 10.02, 50.01, 180.0, 2500.0))),
            Field((rw("05", "23", -3.0, 40.0, 50.0, 2800.0),))]


def _tracks(rng: np.random.Generator, fields: list[Field]):
    """Landing tracks flown toward a runway end from 1-12 km out, with noise across the
    line, some slow, some stale (repeated) rows, a second segment in between."""
    ends = [(f, r, end) for f, fld in enumerate(fields) for r in fld.runways
            for end in ("le", "he")]
    rows_t, rows_lon, rows_lat, rows_alt, rows_gs, rows_seg = [], [], [], [], [], []
    events = []  # (row of the new state, field, end name)
    t0 = 1.7e9
    for k in range(150):
        f, rw, end = ends[rng.integers(len(ends))]
        tlon, tlat = (rw.le_lon, rw.le_lat) if end == "le" else (rw.he_lon, rw.he_lat)
        olon, olat = (rw.he_lon, rw.he_lat) if end == "le" else (rw.le_lon, rw.le_lat)
        az_in, _, _ = GEOD.inv(tlon, tlat, olon, olat)  # the landing direction
        n = int(rng.integers(20, 90))
        step = float(rng.choice([1.0, 5.0, 10.0]))
        dist0 = rng.uniform(1000, 12000)
        gs = rng.uniform(30, 160)
        cross = rng.choice([0.0, 0.0, 200.0, 900.0]) * rng.choice([-1, 1])
        for i in range(n):
            back = max(dist0 - i * step * gs * KT, -500.0)  # m short of the threshold
            lon, lat, _ = GEOD.fwd(tlon, tlat, az_in + 180.0, back)
            lon, lat, _ = GEOD.fwd(lon, lat, az_in + 90.0, cross + rng.normal(0, 30))
            rows_t.append(t0 + k * 10_000 + i * step)
            rows_lon.append(float(lon))
            rows_lat.append(float(lat))
            rows_alt.append(float(25 * rng.integers(0, 120)))
            rows_gs.append(float(gs + rng.normal(0, 3)))
            rows_seg.append(2 * k)
        if rng.random() < 0.3:  # the feed repeats the last position for a while
            for j in range(int(rng.integers(2, 15))):
                rows_t.append(rows_t[-1] + 1.0)
                for col in (rows_lon, rows_lat, rows_alt, rows_gs, rows_seg):
                    col.append(col[-1])
        events.append((len(rows_t) - 1, f, getattr(rw, f"{end}_ident")))
        # another aircraft's rows in between
        for i in range(3):
            rows_t.append(t0 + k * 10_000 + 5_000 + i)
            rows_lon.append(0.0)
            rows_lat.append(0.0)
            rows_alt.append(1000.0)
            rows_gs.append(200.0)
            rows_seg.append(2 * k + 1)
    cols = {"lon": np.array(rows_lon), "lat": np.array(rows_lat),
            "alt_ft": np.array(rows_alt), "gs_kt": np.array(rows_gs)}
    t, seg = np.array(rows_t), np.array(rows_seg)
    new = np.r_[True, (cols["lon"][1:] != cols["lon"][:-1]) | (cols["lat"][1:] != cols["lat"][:-1])
                | (seg[1:] != seg[:-1])]
    rs = np.maximum.accumulate(np.where(new, np.arange(len(t)), 0))
    return cols, t, seg, rs, events


def _by_hand(rows, is_takeoff, est, lo, hi, af_idx, runways, t, seg, rs, fields, cols):
    est, lo, hi = est.copy(), lo.copy(), hi.copy()
    n = len(t)
    for e, r in enumerate(rows):
        if is_takeoff[e] or af_idx[e] < 0:
            continue
        rw = next((w for w in fields[af_idx[e]].runways
                   if runways[e] in (w.le_ident, w.he_ident)), None)
        if rw is None:
            continue
        cells = [min(max(r + d, 0), n - 1) for d in range(-64, 1)]
        idx = np.array([cells])
        same = seg[idx] == seg[r]
        fill = straight_fill(idx, same, t, cols["alt_ft"][idx],
                             lambda name, ix: cols[name][ix])[0]
        last = None
        for c, i in enumerate(cells):
            if (seg[i] == seg[r] and t[i] - t[rs[i]] <= FROZEN_S and not fill[c]
                    and t[i] <= est[e] and cols["gs_kt"][i] >= 50.0):
                last = i
        if last is None:
            continue
        if runways[e] == rw.le_ident:
            tlon, tlat, olon, olat = rw.le_lon, rw.le_lat, rw.he_lon, rw.he_lat
        else:
            tlon, tlat, olon, olat = rw.he_lon, rw.he_lat, rw.le_lon, rw.le_lat
        line_az, _, _ = GEOD.inv(tlon, tlat, olon, olat)
        az, _, d = GEOD.inv(tlon, tlat, cols["lon"][last], cols["lat"][last])
        along = d * np.cos(np.radians(az - line_az))
        cross = d * np.sin(np.radians(az - line_az))
        if not (-8000.0 <= along < 0.0 and abs(cross) <= 600.0):
            continue
        earliest = t[rs[last]] - along / (cols["gs_kt"][last] * KT)
        if earliest <= lo[e] or earliest > hi[e]:
            continue
        lo[e] = earliest
        if est[e] < earliest:
            est[e] = (earliest + hi[e]) / 2
    return est, lo, hi


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_not_before_threshold_matches_the_rule_landing_by_landing(seed: int) -> None:
    rng = np.random.default_rng(seed)
    fields = _fields()
    cols, t, seg, rs, events = _tracks(rng, fields)
    m = len(events)
    rows = np.array([r for r, _, _ in events])
    af_idx = np.array([f for _, f, _ in events])
    runways = [name for _, _, name in events]
    af_idx[::11] = -1  # no airfield
    runways[5] = "99"  # an end no runway of the field has
    is_takeoff = rng.random(m) < 0.15
    # estimates around the last row; bounds either side, some narrow
    est = t[rows] + rng.uniform(-150, 30, m)
    lo = est - rng.uniform(0, 120, m)
    hi = est + rng.uniform(0, 120, m)
    got = not_before_threshold(rows, is_takeoff, est, lo, hi, af_idx, runways, t, seg, rs,
                               fields, lambda name, ix: cols[name][ix])
    want = _by_hand(rows, is_takeoff, est, lo, hi, af_idx, runways, t, seg, rs, fields, cols)
    for g, w in zip(got, want):
        assert g.tobytes() == w.tobytes()
    moved = int(np.count_nonzero(got[1] != lo))
    assert moved > 0  # the rule was exercised, not only its exits
    assert np.count_nonzero(got[0] != est) > 0
