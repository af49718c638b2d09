"""Per-site, per-day facts that tripwires test, gathered from every capability."""

from __future__ import annotations

import datetime as dt

from basewatch.analysis.tripwires import SiteFacts
from basewatch.errors import NotFoundError
from basewatch.model import Facility
from basewatch.queries.assessment import CORRIDOR_TO, site_timeline
from basewatch.queries.corridors import corridor_timeline
from basewatch.queries.exposure import exposure_series
from basewatch.store import Workspace
from basewatch.store.roads import ROADS

__all__ = ["site_facts"]


def site_facts(ws: Workspace, site: Facility, days: list[dt.date]) -> dict[dt.date, SiteFacts]:
    """What each capability says about ``site`` on each of ``days``."""
    probs = {a.date: a for a in site_timeline(ws, site, days)}
    expo = exposure_series(ws, [site], days)
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
        e = expo[day][0] if expo.get(day) else None
        corridors = {CORRIDOR_TO: cut[day]} if day in cut else {}
        out[day] = SiteFacts(
            distance_km=e.nearest.distance_km if e and e.nearest else None,
            in_reach=frozenset(f"{r.system_name} {r.munition}" for r in e.reach) if e else frozenset(),
            corridors=corridors, probabilities=dict(probs[day].posterior),
            synthetic=probs[day].synthetic or bool(e and e.synthetic))
    return out
