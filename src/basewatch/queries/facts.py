"""Per-site, per-day facts that tripwires test, gathered from every capability."""

from __future__ import annotations

import datetime as dt
import re

from basewatch.analysis.tripwires import ReachFact, SiteFacts, run_tripwires
from basewatch.errors import NotFoundError
from basewatch.model import Facility
from basewatch.model.assessment import Alert, Tripwire
from basewatch.queries.assessment import site_timeline
from basewatch.queries.corridors import corridor_timeline, has_roads, rear_or_none
from basewatch.queries.exposure import load_catalog
from basewatch.queries.reach import reach_history
from basewatch.store import Workspace
from basewatch.store.assessment import TRIPWIRES

_CORRIDOR = re.compile(r"corridor\(\s*([^)]*?)\s*\)")

__all__ = ["site_facts", "tripwire_alerts"]


def site_facts(ws: Workspace, site: Facility, days: list[dt.date]) -> dict[dt.date, SiteFacts]:
    """What each capability says about ``site`` on each of ``days``."""
    probs = {a.date: a for a in site_timeline(ws, site, days)}
    hist = reach_history(ws, [site], max(days))[site.id] if days else None
    systems = load_catalog(ws).systems
    # Corridors to the site's rear (also answering to "rear") and to any place the site's
    # corridor tripwires name, each under every name and alias of the place.
    status: dict[str, dict[dt.date, bool]] = {}
    if has_roads(ws):
        targets: dict[str, list[str]] = {}
        rear = rear_or_none(ws, site)
        if rear is not None:
            targets.setdefault(rear.id, []).append("rear")
        for t in ws.store.select(TRIPWIRES, {"site": site.id}):
            for m in _CORRIDOR.finditer(t.condition):
                if m.group(1).lower() == "rear":
                    continue
                try:
                    targets.setdefault(ws.place(m.group(1)).id, [])
                except NotFoundError:
                    continue  # evaluated as "no corridor to X evaluated"
        for pid, extra in targets.items():
            place = ws.place(pid)
            try:
                tl = corridor_timeline(ws, site.id, pid, days)
            except NotFoundError:  # the site is not near the road network
                continue
            by_day = {dt.date.fromisoformat(s["date"]): s["connected"] for s in tl["series"]}
            for name in {*extra, place.id, *place.names}:
                status[name.lower()] = by_day
    out: dict[dt.date, SiteFacts] = {}
    for day in days:
        e = hist.state_on(day) if hist else None
        corridors = {k: v[day] for k, v in status.items() if day in v}
        out[day] = SiteFacts(
            distance_km=e.nearest.distance_km if e and e.nearest else None,
            in_reach=frozenset(
                ReachFact(r.system, r.system_name, r.munition,
                          systems[r.system].aliases if r.system in systems else ())
                for r in e.reach) if e else frozenset(),
            corridors=corridors, probabilities=dict(probs[day].posterior),
            synthetic=probs[day].synthetic or bool(e and e.synthetic),
            inside=(e.inside, hist.inside_since(day), e.depth_km) if e and e.inside and hist
            else None)
    return out


def tripwire_alerts(ws: Workspace, tripwires: list[Tripwire], days: list[dt.date]) -> list[Alert]:
    """Every alert of ``tripwires`` over ``days``, with "site overrun" on every watched site."""
    timeline = {s: site_facts(ws, ws.facility(s), days) for s in sorted({t.site for t in tripwires})}
    return run_tripwires(tripwires, timeline)
