"""Registry endpoints: facilities, places, factions, inventories, survey diff, dates."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from basewatch.analysis.inventory import (
    DIMENSIONS,
    inventory_from_rows,
    inventory_from_survey,
    survey_diff,
    survey_editions,
)
from basewatch.api._common import ERROR_RESPONSES, IsoDate, etag_json, uses_workspace
from basewatch.errors import NotFoundError, ValidationError
from basewatch.model import Facility, Place
from basewatch.queries.dates import change_dates
from basewatch.store import Workspace

router = APIRouter(tags=["registry"], responses=ERROR_RESPONSES)
Limit = Annotated[int, Query(ge=1, le=10_000, description="Page size")]
Offset = Annotated[int, Query(ge=0, description="Features to skip")]
_BY_PATTERN = r"^(operator|type|detail|region)(,(operator|type|detail|region))*$"


def facility_feature(f: Facility) -> dict[str, Any]:
    """A facility as a GeoJSON point feature; ``synthetic`` is lifted to the top of properties."""
    props = f.to_dict()
    for k in ("lon", "lat", "footprint", "areas"):
        props.pop(k)
    props["synthetic"] = f.provenance.synthetic
    props["source"] = f.provenance.label
    return {"type": "Feature", "id": f.id, "properties": props,
            "geometry": {"type": "Point", "coordinates": [f.lon, f.lat]}}


def place_feature(p: Place) -> dict[str, Any]:
    props = p.to_dict()
    props.pop("lon")
    props.pop("lat")
    props["synthetic"] = p.provenance.synthetic
    return {"type": "Feature", "id": p.id, "properties": props,
            "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]}}


def _page(features: list[dict[str, Any]], limit: int, offset: int) -> dict[str, Any]:
    return {"type": "FeatureCollection", "total": len(features), "limit": limit,
            "offset": offset, "features": features[offset:offset + limit]}


@router.get("/facilities", summary="Facilities as GeoJSON points")
@uses_workspace
def facilities(request: Request, ws: Workspace, operator: str | None = None,
               date: Annotated[IsoDate | None, Query(description="Only facilities active then")]
               = None, limit: Limit = 1000, offset: Offset = 0) -> Response:
    items = ws.facilities(operator=operator, on=date)
    return etag_json(request, _page([facility_feature(f) for f in items], limit, offset))


@router.get("/facilities/{site}", summary="One facility (id, name or alias), full record")
@uses_workspace
def facility(request: Request, ws: Workspace, site: Annotated[str, Path()]) -> Response:
    f = ws.facility(site)
    out = facility_feature(f)
    out["properties"]["footprint"] = f.to_dict()["footprint"]
    out["properties"]["areas"] = f.to_dict()["areas"]
    return etag_json(request, out)


@router.get("/places", summary="Named places as GeoJSON points")
@uses_workspace
def places(request: Request, ws: Workspace, limit: Limit = 1000, offset: Offset = 0) -> Response:
    return etag_json(request, _page([place_feature(p) for p in ws.places()], limit, offset))


@router.get("/factions", summary="Factions with their map colours")
@uses_workspace
def factions(request: Request, ws: Workspace) -> Response:
    return etag_json(request, [f.to_dict() for f in ws.factions()])


@router.get("/dates", summary="The workspace's snapshot dates and every date where something "
            "changes")
@uses_workspace
def dates(request: Request, ws: Workspace) -> Response:
    control = [d.isoformat() for d in ws.control_dates()]
    changes = [d.isoformat() for d in change_dates(ws)]
    editions = [{"publisher": e.publisher, "date": e.date.isoformat()}
                for e in survey_editions(ws.survey_counts())]
    # ``changes``: control snapshots, holdings and facilities starting or ending (from the
    # first snapshot on): the dates the dashboard's slider steps through.
    return etag_json(request, {"control": control, "changes": changes,
                               "survey_editions": editions,
                               "first": control[0] if control else None,
                               "last": changes[-1] if changes else None})


@router.get("/inventory", summary="Counts by operator x type x region on a date")
@uses_workspace
def inventory(request: Request, ws: Workspace, date: IsoDate,
              by: Annotated[str, Query(description="Comma-separated: operator,type,region",
                                        pattern=_BY_PATTERN)]
              = "operator,type",
              source: Annotated[str, Query(pattern="^(auto|survey|registry)$")] = "auto",
              ) -> Response:
    keys = tuple(k.strip() for k in by.split(",") if k.strip())
    bad = [k for k in keys if k not in DIMENSIONS]
    if bad or not keys:
        raise ValidationError(f"by: unknown dimension(s) {bad} (known: {', '.join(DIMENSIONS)})")
    inv = None
    counts = ws.survey_counts()
    if source in ("auto", "survey"):
        inv = inventory_from_survey(counts, date, keys)
        if inv is None and source == "survey":
            raise NotFoundError(f"no survey edition on or before {date}")
    if inv is None:
        inv = inventory_from_rows(ws.facility_rows(), date, keys)
    return etag_json(request, inv.to_dict())


@router.get("/survey/diff", summary="Change between two survey editions")
@uses_workspace
def survey_diff_ep(request: Request, ws: Workspace,
                   from_: Annotated[IsoDate | None, Query(alias="from")] = None,
                   to: IsoDate | None = None, publisher: str | None = None) -> Response:
    editions = survey_editions(ws.survey_counts(publisher))
    if len(editions) < 2:
        raise NotFoundError("need two survey editions to compare")

    def pick(d: dt.date, name: str) -> Any:
        hits = [e for e in editions if e.date == d]
        if not hits:
            have = ", ".join(str(e) for e in editions)
            raise NotFoundError(f"{name}: no survey edition dated {d} (have: {have})")
        return hits[0]

    new = pick(to, "to") if to else editions[-1]
    old = pick(from_, "from") if from_ else editions[editions.index(new) - 1]
    if editions.index(new) == 0 and from_ is None:
        raise NotFoundError(f"no survey edition before {new}")
    return etag_json(request, survey_diff(ws.survey_counts(publisher), old, new).to_dict())
