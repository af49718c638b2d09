"""Exposure of a workspace's sites on dates: control, hostility and the weapons catalog."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from basewatch.analysis.exposure import Exposure, exposure_on
from basewatch.analysis.hostility import Hostility
from basewatch.model import Facility
from basewatch.model.weapons import Holding, WeaponSystem
from basewatch.queries.distances import site_distance_series, snapshots_in_force
from basewatch.store import Workspace
from basewatch.store.postgis_spatial import faction_distances, spatial_capable
from basewatch.store.weapons import HOLDINGS, WEAPON_SYSTEMS

__all__ = ["Catalog", "exposure_series", "load_catalog", "projection"]


def _spatial_in_db() -> bool:
    """$BASEWATCH_SPATIAL=db computes distances in PostGIS on a PostGIS store. Not the default:
    measured slower than the Python path (docs/scale.md), with equal results."""
    import os

    return os.environ.get("BASEWATCH_SPATIAL", "python") == "db"


_STILL_KM_PER_DAY = 0.001
_HORIZON_DAYS = 36_500


@dataclass(frozen=True)
class Catalog:
    systems: dict[str, WeaponSystem]
    holdings: list[Holding]


def load_catalog(ws: Workspace) -> Catalog:
    return Catalog({s.id: s for s in ws.store.select(WEAPON_SYSTEMS)},
                   list(ws.store.select(HOLDINGS)))


def exposure_series(ws: Workspace, facilities: Sequence[Facility],
                    days: Sequence[dt.date]) -> dict[dt.date, list[Exposure]]:
    """Exposure of every facility on every day it is active (each day uses the snapshot in
    force; a facility before its ``valid_from`` or after its ``valid_to`` is not there)."""
    cat = load_catalog(ws)
    hostility = Hostility(ws.relations())
    out: dict[dt.date, list[Exposure]] = {}
    cache: dict[dt.date, list[Any]] = {}
    in_db = spatial_capable(ws.store) and _spatial_in_db()  # opt-in: distances in SQL
    if not in_db:  # the store's distance cache: no control geometry read when it has the rows
        in_force = snapshots_in_force(ws, days)
        dists = site_distance_series(ws, facilities, [s for s in in_force.values() if s])
        for day in days:
            snap = in_force[day]
            sd = dists.get(snap) if snap else None
            out[day] = [] if sd is None else exposure_on(
                [f for f in facilities if f.active_on(day)], [], hostility, cat.systems,
                cat.holdings, day, distances=sd.fn(),
                factions=sd.factions, synthetic=sd.synthetic)
        return out
    for day in days:
        snap = ws.control_snapshot_date(day)
        if snap is None:
            out[day] = []
            continue
        if snap not in cache:
            cache[snap] = ws.control_on(snap)
        active = [f for f in facilities if f.active_on(day)]
        out[day] = exposure_on(active, cache[snap], hostility, cat.systems, cat.holdings, day,
                               distances=faction_distances(ws.store, snap) if in_db else None)
    return out


def projection(series: Sequence[Exposure], cat: Catalog, window_days: int = 3) -> dict[str, Any]:
    """Pace of the hostile front toward a site and when, at that pace, held munitions not yet in
    reach would reach it. ``series`` is one facility's exposure, date-ordered."""
    # Walked from the end: a long series read lazily (a kept history) decodes a few states.
    # last: the last date with a distance; first: the latest such date at least window_days
    # before it, else the first date with a distance.
    last_i = next((i for i in range(len(series) - 1, -1, -1) if series[i].nearest is not None),
                  None)
    first_i = next((i for i in range(len(series)) if series[i].nearest is not None), None)
    if last_i is None or first_i is None or first_i == last_i:
        return {"pace_km_per_day": None, "note": "not enough dates"}
    last = series[last_i]
    if last.inside:
        return {"pace_km_per_day": None, "note": f"inside ground held by {last.inside}"}
    first = next((series[i] for i in range(last_i - 1, -1, -1)
                  if series[i].nearest is not None
                  and (last.date - series[i].date).days >= window_days), series[first_i])
    days = max((last.date - first.date).days, 1)
    assert last.nearest is not None and first.nearest is not None
    pace = (first.nearest.distance_km - last.nearest.distance_km) / days
    in_reach = {(r.system, r.munition) for r in last.reach}
    upcoming: list[dict[str, Any]] = []
    factions = set(last.distances_km)
    for h in cat.holdings:
        if h.faction not in factions or not h.active_on(last.date):
            continue
        dist = last.distances_km[h.faction]
        for m in cat.systems[h.system].munitions:
            if (h.system, m.name) in in_reach:
                continue
            gap = dist - m.max_range_km
            when = None
            # A pace under 1 m/day is a front that did not move (float noise between equal
            # snapshots); a date past a century is no projection either.
            if pace > _STILL_KM_PER_DAY and gap / pace < _HORIZON_DAYS:
                when = (last.date + dt.timedelta(days=math.ceil(gap / pace))).isoformat()
            upcoming.append({"system": h.system, "munition": m.name, "faction": h.faction,
                             "max_range_km": m.max_range_km, "gap_km": round(gap, 1),
                             "projected_date": when})
    upcoming.sort(key=lambda u: u["gap_km"])
    return {
        "window": {"from": first.date.isoformat(), "to": last.date.isoformat()},
        "pace_km_per_day": round(pace, 2),
        "next": upcoming,
        "assumptions": [
            f"the front keeps its mean pace toward the site over {first.date} - {last.date} "
            f"({pace:.2f} km/day; positive = closing in)",
            "launchers may stand anywhere in hostile-held ground",
            "only systems the hostile faction holds on the last date are considered",
        ],
    }
