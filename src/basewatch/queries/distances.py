"""Distances from sites to each faction's ground per control snapshot, from the store's cache.

The seam between the materialized distances (:mod:`basewatch.store.exposure_cache`) and the
exposure and reach evaluations: a reader asks for the snapshots it needs once, gets every
(site, faction) distance of those snapshots from the cache (missing rows are computed, stored
and returned), and hands :meth:`SnapshotDistances.fn` to
:func:`basewatch.analysis.exposure.exposure_on` as ``distances=``; no control geometry is read
or parsed when the cache holds the answer.

* :func:`snapshots_in_force` maps days to the snapshot in force (one query for all days);
* :func:`site_distance_series` gives :class:`SnapshotDistances` for many snapshots at once;
* :func:`snapshot_distance_fn` gives one snapshot's ``distances=`` function.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from basewatch.model import Facility
from basewatch.store import Workspace
from basewatch.store.exposure_cache import (
    GROUNDS,
    GroundDistance,
    SnapshotGrounds,
    ensure_distances,
    ground_geometry,
    snapshot_grounds,
)

__all__ = ["DistanceFn", "SnapshotDistances", "site_distance_series", "snapshot_distance_fn",
           "snapshots_in_force"]

#: (metres, nearest lon, nearest lat): sequences of floats, one per point.
Arrays = tuple[Sequence[float], Sequence[float], Sequence[float]]
#: (faction, lons, lats) -> (metres, nearest lon, nearest lat), as ``exposure_on`` expects.
DistanceFn = Callable[[str, Any, Any], Arrays]


@dataclass
class SnapshotDistances:
    """One snapshot's grounds and the cached distances of some sites to each of them."""

    ws: Workspace
    grounds: SnapshotGrounds
    rows: dict[str, dict[tuple[float, float], GroundDistance]] = field(default_factory=dict)

    @property
    def snapshot(self) -> dt.date:
        return self.grounds.date

    @property
    def factions(self) -> list[str]:
        return sorted(self.grounds.grounds)

    @property
    def synthetic(self) -> bool:
        return self.grounds.synthetic

    def site(self, facility: Facility, faction: str) -> GroundDistance | None:
        """The row of one site and faction (None for the site's own operator's ground)."""
        return self.rows.get(faction, {}).get((facility.lon, facility.lat))

    def fn(self) -> DistanceFn:
        """``distances=`` for ``exposure_on``: cached rows by coordinates; other points are
        computed on the prepared ground (not stored: they are no site). Plain lists: a
        question answered from stored rows imports no numpy."""

        def distances(faction: str, lons: Any, lats: Any) -> Arrays:
            lon = [float(x) for x in _flat(lons)]
            lat = [float(y) for y in _flat(lats)]
            d, nlon, nlat = [math.inf] * len(lon), list(lon), list(lat)
            key = self.grounds.grounds.get(faction)
            if key is None:
                return d, nlon, nlat
            by_xy = self.rows.get(faction, {})
            miss = []
            for i, xy in enumerate(zip(lon, lat, strict=True)):
                r = by_xy.get(xy)
                if r is None:
                    miss.append(i)
                else:
                    d[i], nlon[i], nlat[i] = r.distance_m, r.near_lon, r.near_lat
            if miss:
                day = self.snapshot
                g = GROUNDS.get(key, lambda: ground_geometry(self.ws.store, day, faction))
                md, mlon, mlat, _ = g.distances([lon[i] for i in miss], [lat[i] for i in miss])
                for j, i in enumerate(miss):
                    d[i], nlon[i], nlat[i] = float(md[j]), float(mlon[j]), float(mlat[j])
            return d, nlon, nlat

        return distances


def _flat(xs: Any) -> list[Any]:
    """A point list, an array (any shape) or a scalar as a flat list."""
    if hasattr(xs, "ravel"):
        return list(xs.ravel().tolist())
    if isinstance(xs, (int, float)):
        return [xs]
    return list(xs)


def snapshots_in_force(ws: Workspace, days: Sequence[dt.date]) -> dict[dt.date, dt.date | None]:
    """The control snapshot in force on each day (latest at or before it), or None."""
    dates = ws.control_dates()
    out: dict[dt.date, dt.date | None] = {}
    for day in days:
        i = bisect.bisect_right(dates, day)
        out[day] = dates[i - 1] if i else None
    return out


def site_distance_series(ws: Workspace, facilities: Sequence[Facility],
                         snapshot_dates: Sequence[dt.date]) -> dict[dt.date, SnapshotDistances]:
    """Distances of ``facilities`` to every faction's ground on each snapshot date (dates that
    are no snapshot are left out). Reads the cache; computes and stores what is missing."""
    wanted = sorted(set(snapshot_dates))
    if not wanted:
        return {}
    grounds = snapshot_grounds(ws.store, wanted[0], wanted[-1])
    snaps = [grounds[d] for d in wanted if d in grounds]
    rows = ensure_distances(ws.store, facilities, snaps)
    out: dict[dt.date, SnapshotDistances] = {}
    for s in snaps:
        sd = SnapshotDistances(ws, s)
        for faction, key in s.grounds.items():
            by_xy: dict[tuple[float, float], GroundDistance] = {}
            for f in facilities:
                r = rows.get((f.id, key))
                if r is not None:
                    by_xy[(f.lon, f.lat)] = r
            sd.rows[faction] = by_xy
        out[s.date] = sd
    return out


def snapshot_distance_fn(ws: Workspace, snapshot_date: dt.date,
                         facilities: Sequence[Facility] | None = None) -> DistanceFn:
    """``distances=`` for one snapshot; with ``facilities`` their rows are read (or computed
    and stored) at once, other points are computed on the prepared ground."""
    series = site_distance_series(ws, list(facilities or []), [snapshot_date])
    if snapshot_date not in series:
        raise ValueError(f"no control snapshot dated {snapshot_date}")
    return series[snapshot_date].fn()
