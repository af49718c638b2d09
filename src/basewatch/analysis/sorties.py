"""Sorties per day against the airfield's own baseline: categories, Poisson model, surges. Pure."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from basewatch.analysis.coverage_grid import EDGE, MEASURE, cell_labels, edge_field
from basewatch.analysis.geodesy import approx_distance_m, distance_m

__all__ = ["COVERAGE_RADIUS_KM", "HEAVY_TRANSPORT_TYPES", "DailySorties", "aircraft_category",
           "daily_coverage", "daily_sorties", "poisson_tail"]

#: A day counts as covered at an airfield when the receivers reported any aircraft within this
#: distance of it (overflights included): a quiet day then means no take-offs, not no receivers.
COVERAGE_RADIUS_KM = 150.0
#: From this many positions on, a grid sorts most of them out before any distance
#: (``coverage_grid``; labelling its cells costs a few milliseconds per airfield).
_GRID_FROM = 50_000

#: ICAO type designators of heavy transports whose departures make an airlift.
HEAVY_TRANSPORT_TYPES = frozenset({"IL76", "A124", "IL62", "T154", "AN22", "A225", "IL96", "C17",
                                   "A400", "T134", "A22"})
_OTHER_TRANSPORT_TYPES = frozenset({"AN12", "AN26", "AN30", "AN72", "AN74", "A148", "AN32",
                                    "C130", "C30J", "AN24", "IL18", "IL20", "TU214", "T214"})
_FIGHTER_TYPES = frozenset({"SU24", "SU25", "SU27", "SU30", "SU33", "SU34", "SU35", "SU57",
                            "MG29", "MG31", "F16", "F15", "F35", "EUFI", "RFAL"})


def aircraft_category(typecode: str, military: bool) -> str:
    """'military transport', 'fighter' or 'other' from the ICAO type and military flag."""
    tc = typecode.upper().replace("-", "")
    if tc in _FIGHTER_TYPES:
        return "fighter"
    if military and (tc in HEAVY_TRANSPORT_TYPES or tc in _OTHER_TRANSPORT_TYPES):
        return "military transport"
    return "other"


def poisson_tail(k: int, lam: float) -> float:
    """P(X >= k) for X ~ Poisson(lam).

    >>> round(poisson_tail(3, 0.5), 4)
    0.0144
    """
    if k <= 0:
        return 1.0
    term, cdf = math.exp(-lam), 0.0
    for i in range(k):
        cdf += term
        term *= lam / (i + 1)
    return max(0.0, 1.0 - cdf)


@dataclass(frozen=True)
class DailySorties:
    """Take-offs on one day at one airfield in one category, against the baseline."""

    day: dt.date
    airfield: str
    category: str
    count: int
    baseline_rate: float  # mean take-offs per day over the baseline window
    baseline_days: int
    p_value: float  # P(count >= observed | Poisson(baseline_rate))
    surge: bool
    synthetic: bool
    #: positions reported within COVERAGE_RADIUS_KM that day; None when coverage is unknown.
    #: 0 = no coverage: the count says nothing and the day is left out of every baseline.
    positions: int | None = None

    @property
    def covered(self) -> bool | None:
        return None if self.positions is None else self.positions > 0

    def to_dict(self) -> dict[str, Any]:
        return {"day": self.day.isoformat(), "airfield": self.airfield, "category": self.category,
                "count": self.count, "baseline_rate": round(self.baseline_rate, 3),
                "baseline_days": self.baseline_days, "p_value": round(self.p_value, 6),
                "surge": self.surge, "synthetic": self.synthetic, "positions": self.positions,
                "covered": self.covered}


def daily_coverage(lon: NDArray[Any], lat: NDArray[Any], days: NDArray[Any],
                   airfields: Mapping[str, tuple[float, float]],
                   radius_km: float = COVERAGE_RADIUS_KM) -> dict[str, dict[dt.date, int]]:
    """Positions per day within ``radius_km`` (geodesic) of each airfield ``{ident: (lon,
    lat)}``; ``days`` are numpy ``datetime64[D]`` of each position. A great-circle screen with
    a margin picks the candidates; the ellipsoidal distance decides."""
    out: dict[str, dict[dt.date, int]] = {}
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    days = np.asarray(days).astype("datetime64[D]")
    if len(days) == 0:
        return {ident: {} for ident in airfields}
    day0 = days.min()
    day_n = (days - day0).astype(np.int64)  # day numbers: counted with bincount, no sort
    n_days = int(day_n.max()) + 1
    r = radius_km * 1000.0
    band = radius_km / 110.5 + 0.01
    per = np.zeros((len(airfields), n_days), np.int64)
    if len(days) >= _GRID_FROM:
        # positions in cells wholly inside one circle counted at once, those in cells beyond
        # every circle dropped, those on one circle's edge measured against that field only,
        # the rest against every field below (the same counts: see coverage_grid)
        labels = cell_labels(lon, lat, list(airfields.values()), r * 0.99, r * 1.01, band)
        sure = labels >= 0
        per += np.bincount(labels[sure].astype(np.int64) * n_days + day_n[sure],
                           minlength=per.size).reshape(per.shape)
        edge = np.flatnonzero(labels <= EDGE)
        if len(edge):
            k_of = edge_field(labels[edge])
            by_k = np.argsort(k_of, kind="stable")
            edge, k_of = edge[by_k], k_of[by_k]
            cut = np.searchsorted(k_of, np.arange(len(airfields) + 1))
            for k, (alon, alat) in enumerate(airfields.values()):
                if cut[k + 1] > cut[k]:
                    one = edge[cut[k]:cut[k + 1]]
                    per[k] += _within(lon[one], lat[one], day_n[one], alon, alat, r, n_days)
        rest = labels == MEASURE
        del labels, sure, edge
        lon, lat, day_n = lon[rest], lat[rest], day_n[rest]
    per += _measured(lon, lat, day_n, airfields, r, band, n_days)
    for k, ident in enumerate(airfields):
        out[ident] = {(day0 + np.timedelta64(int(j), "D")).astype(dt.date): int(per[k, j])
                      for j in np.flatnonzero(per[k])}
    return out


def _measured(lon: NDArray[Any], lat: NDArray[Any], day_n: NDArray[Any],
              airfields: Mapping[str, tuple[float, float]], r: float, band: float,
              n_days: int) -> NDArray[np.int64]:
    """Positions per (airfield, day number) within ``r``, measured one by one."""
    per = np.zeros((len(airfields), n_days), np.int64)
    # with few fields, each looks at its latitude band by a comparison over all positions;
    # with many, the positions are sorted by latitude once and each field takes its band (a
    # degree of latitude is at least 110.5 km on the ellipsoid: nothing within r is outside)
    by_lat = np.argsort(lat, kind="stable") if len(airfields) > 8 else None
    lat_s = lat[by_lat] if by_lat is not None else None
    # a cap of angular radius δ spans asin(sin δ / cos φ) of longitude on the sphere; δ is
    # taken on a 6,300 km radius (under every radius of curvature of the ellipsoid) + 2 %
    delta = 1.02 * r / 6_300_000.0
    for k, (alon, alat) in enumerate(airfields.values()):
        if by_lat is not None and lat_s is not None:
            a, b = np.searchsorted(lat_s, [alat - band, alat + band + 1e-12])
            cand = by_lat[a:b]
        else:
            cand = np.flatnonzero(np.abs(lat - alat) <= band)
        cos_lat = math.cos(math.radians(abs(alat)))
        if cand.size and delta < math.pi / 4 and math.sin(delta) < 0.9 * cos_lat:
            half = math.degrees(math.asin(math.sin(delta) / cos_lat))
            dlon = np.abs((lon[cand] - alon + 180.0) % 360.0 - 180.0)
            cand = cand[dlon <= half]
        if cand.size:
            per[k] += _within(lon[cand], lat[cand], day_n[cand], alon, alat, r, n_days)
    return per


def _within(lon: NDArray[Any], lat: NDArray[Any], day_n: NDArray[Any], alon: float,
            alat: float, r: float, n_days: int) -> NDArray[np.int64]:
    """Positions per day number within ``r`` (geodesic) of one airfield."""
    d = approx_distance_m(lon, lat, alon, alat)
    # the great circle (mean radius) is within 0.6 % of the geodesic: beyond a 1 % margin
    # the answer is clear; only the ring between is measured on the ellipsoid
    near = np.flatnonzero(d <= r * 0.99)
    edge = np.flatnonzero((d > r * 0.99) & (d <= r * 1.01))
    if edge.size:
        exact = distance_m(lon[edge], lat[edge], np.full(edge.size, alon),
                           np.full(edge.size, alat))
        near = np.r_[near, edge[np.asarray(exact) <= r]]
    return np.bincount(day_n[near], minlength=n_days)


def daily_sorties(takeoffs: Sequence[tuple[dt.datetime, str, bool]], airfield: str,
                  *, baseline_days: int = 28,
                  alpha: float = 0.01, min_count: int = 2,
                  coverage: Mapping[dt.date, int] | None = None) -> list[DailySorties]:
    """Daily take-offs by category with a Poisson baseline from the airfield's own history.

    ``takeoffs`` are (time, category, synthetic) at ``airfield``; one take-off may be listed
    under two categories (e.g. "military transport" and "heavy transport"). The baseline rate of day D is
    (count over the ``baseline_days`` before D + 0.5) / ``baseline_days`` (the 0.5 keeps an
    empty history from making any sortie a surge at p = 0). A day is a surge when
    P(X >= count) < ``alpha`` and count >= ``min_count``. The category "heavy transport"
    (types in :data:`HEAVY_TRANSPORT_TYPES`) is the airlift indicator.

    ``coverage`` (positions seen near the airfield per day, :func:`daily_coverage`): days with
    none are *not covered*: their zero says nothing, so they are left out of the baselines
    (which then average over covered days only) and never judged. Without it every day in the
    span counts, as if the receivers had seen everything.
    """
    if not takeoffs:
        return []
    days = sorted({t.date() for t, _, _ in takeoffs} | {d for d, n in (coverage or {}).items()
                                                         if n > 0})
    d0, d1 = days[0], days[-1]
    ndays = (d1 - d0).days + 1
    seen = (np.array([coverage.get(d0 + dt.timedelta(days=i), 0) for i in range(ndays)])
            if coverage is not None else None)
    ok = seen > 0 if seen is not None else np.ones(ndays, bool)
    ok_cum = np.r_[0, np.cumsum(ok)]
    cats = sorted({c for _, c, _ in takeoffs})
    counts = {c: np.zeros(ndays, int) for c in cats}
    # a day's count and its baseline come from the whole series: one synthetic take-off
    # anywhere makes every row synthetic (zero days included)
    any_synth = any(s for _, _, s in takeoffs)
    for t, c, _ in takeoffs:
        counts[c][(t.date() - d0).days] += 1
    rows: list[DailySorties] = []
    for c in cats:
        cum = np.r_[0, np.cumsum(np.where(ok, counts[c], 0))]
        for i in range(ndays):
            lo = max(0, i - baseline_days)
            n_hist = int(ok_cum[i] - ok_cum[lo])  # covered days in the window
            if n_hist < 7 or not ok[i]:  # too little history, or no coverage that day
                rate, p, surge = float("nan"), float("nan"), False
            else:
                rate = (float(cum[i] - cum[lo]) + 0.5) / n_hist
                p = poisson_tail(int(counts[c][i]), rate)
                surge = bool(p < alpha and counts[c][i] >= min_count)
            rows.append(DailySorties(d0 + dt.timedelta(days=i), airfield, c, int(counts[c][i]),
                                     rate, n_hist, p, surge, any_synth,
                                     None if seen is None else int(seen[i])))
    rows.sort(key=lambda r: (r.day, r.category))
    return rows
