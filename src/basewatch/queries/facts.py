"""Per-site, per-day facts that tripwires test, gathered from every capability."""

from __future__ import annotations

import datetime as dt

from basewatch.analysis.tripwires import SiteFacts
from basewatch.model import Facility
from basewatch.queries.assessment import site_timeline
from basewatch.store import Workspace

__all__ = ["site_facts"]


def site_facts(ws: Workspace, site: Facility, days: list[dt.date]) -> dict[dt.date, SiteFacts]:
    """What each capability says about ``site`` on each of ``days``."""
    return {a.date: SiteFacts(probabilities=dict(a.posterior), synthetic=a.synthetic)
            for a in site_timeline(ws, site, days)}
