"""Endpoints of the capabilities beyond registry and control: exposure, corridors, imagery,
flights, claims, assessments and alerts. Thin: each calls the read model the CLI uses."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from basewatch.analysis.verdicts import site_verdicts
from basewatch.api._common import ERROR_RESPONSES, IsoDate, etag_json, uses_workspace
from basewatch.errors import NotFoundError
from basewatch.queries.assessment import site_assessment, site_timeline, table_warning
from basewatch.queries.corridors import corridor
from basewatch.queries.flights import daily_rows, event_rows
from basewatch.queries.reach_kept import exposure_rows
from basewatch.store import Workspace
from basewatch.store.assessment import ALERTS
from basewatch.store.imagery import site_counts

router = APIRouter(responses=ERROR_RESPONSES)

Site = Annotated[str, Query(description="Facility: name, alias or id", max_length=200)]
PageLimit = Annotated[int | None, Query(ge=1, le=10_000, description="Page size (default: all); "
                                        "the total is in the X-Total-Count header")]
PageOffset = Annotated[int, Query(ge=0, description="Items to skip")]


def _paged(request: Request, rows: list, limit: int | None, offset: int) -> Response:  # type: ignore[type-arg]
    """A list answer, one page of it; the list stays the body, the total goes in a header."""
    resp = etag_json(request, rows[offset:offset + limit] if limit else rows[offset:])
    resp.headers["X-Total-Count"] = str(len(rows))
    return resp


@router.get("/exposure", tags=["exposure"],
            summary="Distance to hostile ground and weapons in reach, per facility, on a date")
@uses_workspace
def exposure(request: Request, ws: Workspace, date: IsoDate,
             site: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    facilities = [ws.facility(site)] if site else ws.facilities(on=date)
    # Before the first snapshot each row says "no control known" (state no_control_known).
    out = exposure_rows(ws, facilities, date)
    return etag_json(request, out)


@router.get("/corridor", tags=["corridors"],
            summary="Is A connected to B by road through friendly ground on a date?")
@uses_workspace
def corridor_(request: Request, ws: Workspace, date: IsoDate,
              from_: Annotated[str, Query(alias="from", max_length=200)],
              to: Annotated[str, Query(max_length=200)],
              assume_captured: Annotated[str, Query(max_length=500)] = "",
              assume_cut: Annotated[str, Query(max_length=500)] = "",
              capture_radius_km: Annotated[float | None, Query(gt=0, le=200)] = None,
              any_road: bool = False, directed: bool = False, ferries: bool = False,
              restricted: bool = False) -> Response:
    names = [x.strip() for x in assume_captured.split(",") if x.strip()]
    cut = [x.strip() for x in assume_cut.split(",") if x.strip()]
    return etag_json(request, corridor(ws, from_, to, date, assume_captured=names,
                                       assume_cut=cut, capture_radius_km=capture_radius_km,
                                       any_road=any_road, directed=directed, ferries=ferries,
                                       restricted=restricted))


@router.get("/imagery/counts", tags=["imagery"],
            summary="A site's counts by date and class with verdicts and base rates")
@uses_workspace
def imagery_counts(request: Request, ws: Workspace, site: Site, limit: PageLimit = None,
                   offset: PageOffset = 0) -> Response:
    f = ws.facility(site)
    return _paged(request, [r.to_dict() for r in site_verdicts(site_counts(ws.store, f.id))],
                  limit, offset)


@router.get("/flights/events", tags=["flights"], summary="Take-offs and landings at an airfield")
@uses_workspace
def flight_events(request: Request, ws: Workspace, site: Site,
                  date: IsoDate | None = None, limit: PageLimit = None,
                  offset: PageOffset = 0) -> Response:
    return _paged(request, event_rows(ws, site, date.isoformat() if date else None), limit, offset)


@router.get("/flights/daily", tags=["flights"], summary="Sorties per day against the baseline")
@uses_workspace
def flight_daily(request: Request, ws: Workspace, site: Site) -> Response:
    af, rows = daily_rows(ws, site)
    return etag_json(request, {"airfield": af.ident, "name": af.name, "rows": rows})


@router.get("/assessment", tags=["assessment"],
            summary="Probability of a hypothesis at a site on a date, with the evidence")
@uses_workspace
def assessment(request: Request, ws: Workspace, site: Site, date: IsoDate,
               hypothesis: Annotated[str, Query(max_length=100)] = "withdrawal") -> Response:
    warn = table_warning(ws)
    return etag_json(request, {**site_assessment(ws, ws.facility(site), date, hypothesis).to_dict(),
                               "warnings": [warn] if warn else []})


@router.get("/assessment/timeline", tags=["assessment"], summary="The probability day by day")
@uses_workspace
def assessment_timeline(request: Request, ws: Workspace, site: Site,
                        from_: Annotated[IsoDate, Query(alias="from")],
                        to: IsoDate) -> Response:
    if (to - from_).days > 366 or to < from_:
        raise NotFoundError("from/to: give a span of at most a year, from <= to")
    days = [from_ + dt.timedelta(days=k) for k in range((to - from_).days + 1)]
    series = site_timeline(ws, ws.facility(site), days)
    resp = etag_json(request, [{"date": a.date.isoformat(), "probability": round(a.probability, 4),
                                "synthetic": a.synthetic} for a in series])
    warn = table_warning(ws)
    if warn:  # the body stays a list; the warning goes in a header
        resp.headers["X-Basewatch-Warning"] = warn
    return resp


@router.get("/alerts", tags=["assessment"], summary="Alerts raised by tripwires")
@uses_workspace
def alerts(request: Request, ws: Workspace, date: IsoDate | None = None,
           site: Annotated[str | None, Query(max_length=200)] = None, limit: PageLimit = None,
           offset: PageOffset = 0) -> Response:
    sid = ws.facility(site).id if site else None
    rows = [a for a in ws.store.select(ALERTS, {"site": sid} if sid else None, order_by=("date",))
            if date is None or a.date == date]
    return _paged(request, [a.to_dict() for a in rows], limit, offset)
