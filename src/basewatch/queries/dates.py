"""The dates on which a workspace's picture can change: what the dashboard's slider steps
through and a site page spans by default."""

from __future__ import annotations

import datetime as dt

from basewatch.queries.exposure import load_catalog
from basewatch.store import Workspace

__all__ = ["change_dates"]

_DAY = dt.timedelta(days=1)


def change_dates(ws: Workspace) -> list[dt.date]:
    """Every date, from the first control snapshot on, where something that the map or an
    exposure depends on changes: a control snapshot, a holding or a facility starting, or the
    day after one ends (``valid_to`` is its last day). Sorted, without duplicates. Before the
    first snapshot no control is known, so nothing there is offered; with no snapshot at all,
    the holdings' and facilities' dates are all there is."""
    control = ws.control_dates()
    found: set[dt.date] = set(control)
    for h in load_catalog(ws).holdings:
        found |= {d for d in (h.valid_from, h.valid_to and h.valid_to + _DAY) if d}
    for r in ws.facility_rows():
        found |= {d for d in (r.valid_from, r.valid_to and r.valid_to + _DAY) if d}
    first = control[0] if control else None
    return sorted(d for d in found if first is None or d >= first)
