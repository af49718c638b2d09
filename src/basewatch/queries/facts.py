"""Per-site, per-day facts that tripwires test, gathered from every capability."""

from __future__ import annotations

import datetime as dt

from basewatch.analysis.tripwires import ReachFact, SiteFacts, run_tripwires
from basewatch.errors import NotFoundError
from basewatch.model import Facility
from basewatch.model.assessment import Alert, Tripwire
from basewatch.queries.assessment import CORRIDOR_TO, site_timeline
from basewatch.queries.corridors import corridor_timeline
from basewatch.queries.exposure import load_catalog
from basewatch.queries.reach import reach_history
from basewatch.store import Workspace
from basewatch.store.roads import ROADS

__all__ = ["site_facts", "tripwire_alerts"]


def site_facts(ws: Workspace, site: Facility, days: list[dt.date]) -> dict[dt.date, SiteFacts]:
    """What each capability says about ``site`` on each of ``days``."""
    probs = {a.date: a for a in site_timeline(ws, site, days)}
    hist = reach_history(ws, [site], max(days))[site.id] if days else None
    systems = load_catalog(ws).systems
    corridors: dict[str, bool] = {}
    cut: dict[dt.date, bool] = {}
    if ws.store.select_columns(ROADS, ("id",)) and any(p.id == CORRIDOR_TO for p in ws.places()):
        try:
            tl = corridor_timeline(ws, site.id, CORRIDOR_TO, days)
            cut = {dt.date.fromisoformat(s["date"]): s["connected"] for s in tl["series"]}
        except NotFoundError:
            cut = {}
    out: dict[dt.date, SiteFacts] = {}
    for day in days:
        e = hist.state_on(day) if hist else None
        corridors = {CORRIDOR_TO: cut[day]} if day in cut else {}
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
