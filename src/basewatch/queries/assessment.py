"""Assessments of a workspace's sites: indicators gathered from every capability, fused."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from pathlib import Path

from basewatch.analysis.assessment import Assessment, assess
from basewatch.analysis.indicators import (
    claim_indicators,
    corridor_indicators,
    exposure_indicators,
    flight_indicators,
    imagery_indicators,
)
from basewatch.analysis.verdicts import site_verdicts
from basewatch.errors import NotFoundError, ValidationError
from basewatch.model import Facility
from basewatch.model.assessment import Indicator, LikelihoodTable
from basewatch.queries.claims import load_claimset
from basewatch.queries.corridors import corridor_timeline, has_roads, rear_or_none
from basewatch.queries.flights import daily_rows
from basewatch.queries.reach import reach_history, workspace_span
from basewatch.store import Workspace
from basewatch.store.imagery import site_counts

__all__ = ["TABLE_FILE", "gather_indicators", "load_table", "site_assessment", "site_timeline",
           "table_warning"]

#: A workspace's own likelihood table, if the analyst saved one; else the generic default.
TABLE_FILE = "likelihoods.json"
#: The generic default table (docs/assessment.md), shipped with basewatch.
GENERIC_TABLE = "generic_likelihoods.json"


def table_warning(ws: Workspace) -> str | None:
    """The warning every face shows when the workspace has no likelihood table of its own."""
    if (Path(ws.folder) / TABLE_FILE).exists():
        return None
    return (f"no {TABLE_FILE} in the workspace: probabilities use basewatch's generic default "
            "table, not calibrated for this theatre (docs/assessment.md)")


def load_table(ws: Workspace) -> LikelihoodTable:
    own = Path(ws.folder) / TABLE_FILE
    if own.exists():
        text, where = own.read_text("utf-8"), str(own)
    else:
        text = resources.files("basewatch.data").joinpath(GENERIC_TABLE).read_text("utf-8")
        where = f"bundled {GENERIC_TABLE}"
    try:
        return LikelihoodTable.from_dict(json.loads(text))
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{where} line {exc.lineno}: not valid JSON ({exc.msg})") from None
    except ValidationError as exc:
        raise ValidationError(f"{where}: {exc}") from None


def gather_indicators(ws: Workspace, site: Facility) -> list[Indicator]:
    """Every indicator the workspace's capabilities give for ``site``, on any date."""
    out = claim_indicators(load_claimset(ws).groups, site.id)
    out += imagery_indicators(site_verdicts(site_counts(ws.store, site.id)), site.id)
    try:
        _, daily = daily_rows(ws, site.id)
        out += flight_indicators(daily, site.id)
    except NotFoundError:  # no watched airfield at this site
        pass
    dates = ws.control_dates()
    if dates:
        hist = reach_history(ws, [site], workspace_span(ws)[1])[site.id]  # every change date
        out += exposure_indicators([hist.states[d] for d in hist.dates], site.id)
        rear = rear_or_none(ws, site) if has_roads(ws) else None  # the site's rear, if one is set
        if rear is not None:
            try:
                tl = corridor_timeline(ws, site.id, rear.id, dates)
            except NotFoundError:  # the site is not near the road network
                tl = {"series": []}
            out += corridor_indicators([{**s, "to": tl.get("to")} for s in tl["series"]], site.id)
    return sorted(out, key=lambda i: (i.date, i.kind, i.description))


def site_assessment(ws: Workspace, site: Facility, day: dt.date, focus: str = "withdrawal",
                    indicators: list[Indicator] | None = None) -> Assessment:
    table = load_table(ws)
    items = gather_indicators(ws, site) if indicators is None else indicators
    return assess(table, items, focus, site=site.id, date=day)


def site_timeline(ws: Workspace, site: Facility, days: list[dt.date],
                  focus: str = "withdrawal") -> list[Assessment]:
    table = load_table(ws)
    items = gather_indicators(ws, site)
    return [assess(table, items, focus, site=site.id, date=d) for d in days]
