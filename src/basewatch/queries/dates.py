"""The dates on which a workspace's picture can change: what the dashboard's slider steps
through and a site page spans by default."""

from __future__ import annotations

import datetime as dt

from basewatch.queries import reach
from basewatch.store import Workspace

__all__ = ["change_dates"]


def change_dates(ws: Workspace) -> list[dt.date]:
    """Every change date of the workspace, all its facilities counted and no end: the rule
    is :func:`basewatch.queries.reach.change_dates` (one home), read here from the fast
    facility rows."""
    return reach.change_dates(ws, ws.facility_rows())
