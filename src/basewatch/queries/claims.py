"""Claims of a workspace: reports run through the gazetteer, grouped, with official silence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from basewatch.analysis.claims import Gazetteer, extract_claims
from basewatch.analysis.corroboration import ClaimGroup, group_claims, silences
from basewatch.model import Facility, Place
from basewatch.model.reports import Claim, Report, ReportSource
from basewatch.store import Workspace
from basewatch.store.reports import SOURCES, reports_between

__all__ = ["ClaimSet", "load_claimset"]


@dataclass
class ClaimSet:
    """Everything `claims` shows: sources, reports, claims, groups, known sites."""

    sources: dict[str, ReportSource]
    reports: dict[str, Report]
    claims: list[Claim]
    groups: list[ClaimGroup]
    sites: dict[str, Facility | Place]


def load_claimset(ws: Workspace, *, window_days: int = 3,
                  as_of: dt.date | None = None) -> ClaimSet:
    """Extract claims from every report with the workspace's gazetteer and group them."""
    facilities, places = ws.facilities(), ws.places()
    gaz = Gazetteer.build(facilities, places)
    sources = {s.id: s for s in ws.store.select(SOURCES)}
    reports = {r.id: r for r in reports_between(ws.store)}
    claims = [c for r in reports.values() for c in extract_claims(r, gaz, sources.get(r.source_id))]
    sites: dict[str, Facility | Place] = {p.id: p for p in places}
    sites.update({f.id: f for f in facilities})  # a facility wins over a place of the same id
    last = max((r.published.date() for r in reports.values()), default=None)
    groups = []
    for g in group_claims(claims, reports, window_days=window_days):
        # The operator concerned: the site's, or that of the site a ship or aircraft is tied to.
        ops = [f.operator for f in (sites.get(x) for x in [g.subject_id,
                                                             *(c.site_id for c in g.claims)])
               if isinstance(f, Facility)]
        # Official silence is information where someone independent asserts a claim about a
        # site whose operator the official source speaks for.
        sil = silences(g, sources.values(), reports.values(), operator=ops[0],
                       window_days=window_days, as_of=as_of or last) \
            if g.corroboration and ops else []
        groups.append(replace(g, silences=tuple(sil)))
    return ClaimSet(sources, reports, claims, groups, sites)
