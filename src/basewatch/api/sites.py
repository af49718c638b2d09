"""Endpoints of the dashboard's map layers and site pages: range rings, reach areas, corridor
routes as GeoJSON, claims with grades (paginated), image chips and a site's summary."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import Response

from basewatch.api._common import ERROR_RESPONSES, IsoDate, etag_json, uses_workspace
from basewatch.errors import NotFoundError, ValidationError
from basewatch.queries.claims import load_claimset
from basewatch.queries.dates import change_dates
from basewatch.queries.sites import (
    chip_path,
    claim_rows,
    corridor_features,
    default_against,
    default_corridors,
    default_sites,
    list_chips,
    range_rings,
    reach_areas,
    site_summary,
)
from basewatch.store import Workspace

router = APIRouter(responses=ERROR_RESPONSES)

SiteOpt = Annotated[str | None, Query(max_length=200, description="Facility: name, alias or id "
                                      "(default: the watched sites, those with tripwires; else "
                                      "the facilities in reach)")]
SystemOpt = Annotated[str | None, Query(max_length=100, description="Only this weapon system")]
Limit = Annotated[int, Query(ge=1, le=10_000, description="Page size")]
Offset = Annotated[int, Query(ge=0, description="Items to skip")]
#: A site page spans years of daily history (a war of several years); the cap only stops a
#: request for centuries, which no workspace's data covers.
MAX_SUMMARY_DAYS = 366 * 25 - 1


def _sites(ws: Workspace, site: str | None, day: dt.date) -> list:  # type: ignore[type-arg]
    return [ws.facility(site)] if site else default_sites(ws, day)


@router.get("/rings", tags=["exposure"],
            summary="Geodesic range rings around sites of the systems hostile factions hold")
@uses_workspace
def rings(request: Request, ws: Workspace, date: IsoDate, site: SiteOpt = None,
          system: SystemOpt = None) -> Response:
    return etag_json(request, range_rings(ws, _sites(ws, site, date), date, system))


@router.get("/reach", tags=["exposure"],
            summary="Reach areas: hostile ground buffered geodesically by each munition's range")
@uses_workspace
def reach(request: Request, ws: Workspace, date: IsoDate,
          against: Annotated[str | None, Query(max_length=100, description="Operator the "
                                               "factions are hostile to (default: the operators "
                                               "of the watched sites, else of every facility)")]
          = None, system: SystemOpt = None) -> Response:
    ops = [against] if against else default_against(ws, date)
    known = {f.id for f in ws.factions()}
    if against and against not in known:
        raise NotFoundError(f"against: no faction {against!r} (known: {', '.join(sorted(known))})")
    return etag_json(request, reach_areas(ws, date, ops, system))


@router.get("/corridor/route", tags=["corridors"],
            summary="Corridor routes (or where they break) as GeoJSON on a date")
@uses_workspace
def corridor_route(request: Request, ws: Workspace, date: IsoDate,
                   from_: Annotated[str | None, Query(alias="from", max_length=200)] = None,
                   to: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    if (from_ is None) != (to is None):
        raise NotFoundError("from/to: give both, or neither for the watched corridors")
    pairs = [(from_, to)] if from_ and to else default_corridors(ws)
    if ws.control_snapshot_date(date) is None:
        raise NotFoundError(f"date: no control snapshot on or before {date}")
    return etag_json(request, corridor_features(ws, pairs, date))


@router.get("/claims", tags=["claims"],
            summary="Claims from reports with source grades, corroboration and silence")
@uses_workspace
def claims(request: Request, ws: Workspace, site: Annotated[str | None, Query(max_length=200)]
           = None, from_: Annotated[IsoDate | None, Query(alias="from")] = None,
           to: IsoDate | None = None, kind: Annotated[str | None, Query(max_length=50)] = None,
           limit: Limit = 100, offset: Offset = 0) -> Response:
    ids: set[str] | None = None
    if site:
        ids = set()
        for lookup in (ws.facility, ws.place):
            try:
                ids.add(lookup(site).id)
            except NotFoundError:
                pass
        if not ids:
            raise NotFoundError(f"site: no facility or place {site!r}")
    rows = claim_rows(load_claimset(ws), ids, from_, to, kind)
    return etag_json(request, {"total": len(rows), "limit": limit, "offset": offset,
                               "claims": rows[offset:offset + limit]})


@router.get("/imagery/chips", tags=["imagery"],
            summary="Image chips published in the workspace's chips/ folder")
@uses_workspace
def chips(request: Request, ws: Workspace, site: Annotated[str | None, Query(max_length=200)]
          = None, limit: Limit = 100, offset: Offset = 0) -> Response:
    sid = ws.facility(site).id if site else None
    rows = list_chips(Path(ws.folder), sid)
    return etag_json(request, {"total": len(rows), "limit": limit, "offset": offset,
                               "chips": rows[offset:offset + limit]})


@router.get("/imagery/chips/{chip_id}", tags=["imagery"], summary="One chip as PNG",
            responses={200: {"content": {"image/png": {}}}})
@uses_workspace
def chip(request: Request, ws: Workspace,
         chip_id: Annotated[str, PathParam(max_length=200, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
         ) -> Response:
    body = chip_path(Path(ws.folder), chip_id).read_bytes()
    tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if tag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers={"ETag": tag})
    return Response(body, media_type="image/png",
                    headers={"ETag": tag, "Cache-Control": "no-cache"})


@router.get("/sites/{site}/summary", tags=["sites"],
            summary="A site page: exposure, imagery verdicts, sorties, probability, alerts")
@uses_workspace
def summary(request: Request, ws: Workspace, site: Annotated[str, PathParam(max_length=200)],
            from_: Annotated[IsoDate | None, Query(alias="from")] = None,
            to: IsoDate | None = None) -> Response:
    f = ws.facility(site)
    dates = change_dates(ws)
    if not ws.control_dates():
        raise NotFoundError("no control snapshots in the workspace")
    d0, d1 = from_ or dates[0], to or dates[-1]
    if d1 < d0:
        raise ValidationError(f"from/to: from {d0} is after to {d1}")
    if (d1 - d0).days > MAX_SUMMARY_DAYS:
        raise ValidationError(f"from/to: {(d1 - d0).days + 1} days asked, at most "
                              f"{MAX_SUMMARY_DAYS + 1} (a span of {MAX_SUMMARY_DAYS // 365} years)")
    if ws.control_snapshot_date(d1) is None:
        raise NotFoundError(f"to: no control snapshot on or before {d1}")
    days = [d0 + dt.timedelta(days=k) for k in range((d1 - d0).days + 1)]
    return etag_json(request, site_summary(ws, f, days))
