"""Write endpoints: imports, source grades, tripwires (analyst) and tokens (admin).

Each needs a bearer token (see :mod:`basewatch.api.auth`). Writes go through the same
functions as the CLI, so they are as atomic: an import lands whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from basewatch.api._common import ErrorBody, open_workspace, uses_workspace
from basewatch.api.auth import AUTH_RESPONSES, require
from basewatch.errors import BasewatchError, NotFoundError
from basewatch.model.reports import ReportSource
from basewatch.security import ApiToken, Role
from basewatch.sources.importing import IMPORT_KINDS, import_file
from basewatch.store import Workspace
from basewatch.store.assessment import TRIPWIRES
from basewatch.store.assessment import add_tripwire as set_tripwire
from basewatch.store.reports import SOURCES, find_source
from basewatch.store.tokens import AUDIT, create_token, list_tokens, revoke_token

__all__ = ["router"]

_RESPONSES: dict[int | str, dict[str, Any]] = {
    **AUTH_RESPONSES,
    400: {"model": ErrorBody, "description": "Invalid input (message names the file, line "
                                             "or field, and the fault); nothing was written"},
    404: {"model": ErrorBody, "description": "Unknown site, source, tripwire or token"},
    413: {"model": ErrorBody, "description": "Request body over the size limit"},
}
router = APIRouter(tags=["writes"], responses=_RESPONSES)

Analyst = Annotated[ApiToken, Depends(require(Role.ANALYST))]
Admin = Annotated[ApiToken, Depends(require(Role.ADMIN))]
Kind = Literal[IMPORT_KINDS]  # type: ignore[valid-type]

#: The file name an upload gets when the client names none (the parsers look at suffixes).
DEFAULT_NAMES = {"facilities": "facilities.csv", "survey": "survey.csv", "places": "places.csv",
                 "control": "control.geojson", "factions": "factions.json",
                 "weapons": "weapons.json", "roads": "roads.geojson",
                 "outlines": "outlines.geojson"}
_CHUNK = 1 << 16


def _import_saved(app: FastAPI, kind: str, path: Path, name: str) -> dict[str, Any]:
    # Runs in one worker thread: the SQLite connection is opened and closed here.
    try:
        with open_workspace(app) as ws:
            report = import_file(ws, kind, path)
            if report.result.changed:  # the revision moved: keep the new reach histories now
                from basewatch.queries.reach_kept import keep_all

                try:
                    keep_all(ws)
                except BasewatchError:
                    pass  # the import stands; the first question evaluates what it needs
    except BasewatchError as exc:
        # Name the upload, not the temporary file it was saved to.
        raise type(exc)(str(exc).replace(str(path), name)) from None
    return {**report.to_dict(), "path": name}


@router.post(
    "/imports/{kind}", summary="Import a file (request body) into the workspace",
    openapi_extra={"requestBody": {"required": True, "content": {
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}},
)
async def post_import(
    request: Request, kind: Kind, token: Analyst,
    filename: Annotated[str | None, Query(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$",
        description="Name of the file (its suffix picks the format, e.g. .csv or .geojson)")]
    = None,
) -> JSONResponse:
    """The request body is the file, as `basewatch import KIND FILE` would read it. It is
    saved to a temporary file, then imported in one transaction: it lands whole or not at
    all, and importing the same file again changes nothing."""
    name = filename or DEFAULT_NAMES[kind]
    tmp = Path(tempfile.mkdtemp(prefix="bw-upload-"))
    try:
        path = tmp / name
        with path.open("wb") as out:
            async for chunk in request.stream():
                out.write(chunk)
        body = await run_in_threadpool(_import_saved, request.app, kind,
                                       path, name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return JSONResponse({**body, "by": token.name})


class GradeIn(BaseModel):
    """An Admiralty grade: source reliability A-F, default credibility 1-6."""

    reliability: str = Field(pattern=r"^[A-Fa-f]$")
    credibility: int = Field(ge=1, le=6)
    by: str | None = Field(None, min_length=1, max_length=80,
                           description="Who grades; the token's name if left out")


@router.put("/sources/{source}/grade", summary="Grade a source (Admiralty code)")
@uses_workspace
def grade_source(source: Annotated[str, PathParam(max_length=200)], grade: GradeIn,
                 token: Analyst, ws: Workspace) -> Response:
    src = find_source(ws.store, source)
    graded = replace(src, reliability=grade.reliability.upper(),
                     default_credibility=grade.credibility, graded_by=grade.by or token.name,
                     graded_on=dt.datetime.now(dt.UTC).date())
    graded = ReportSource.from_dict(graded.to_dict())  # validates the grade
    with ws.store.transaction():
        ws.store.put(SOURCES, [graded])
    return JSONResponse({**graded.to_dict(), "grade": graded.grade})


class TripwireIn(BaseModel):
    """A condition on a site, e.g. ``distance < 40`` or ``in_reach(smerch)``."""

    site: str = Field(min_length=1, max_length=200)
    condition: str = Field(min_length=1, max_length=200)


@router.get("/tripwires", summary="Tripwires set on sites", tags=["assessment"])
@uses_workspace
def get_tripwires(ws: Workspace) -> Response:
    items = ws.store.select(TRIPWIRES, order_by=("site", "id"))
    return JSONResponse([t.to_dict() for t in items])


@router.post("/tripwires", status_code=201, summary="Add a tripwire on a site")
@uses_workspace
def add_tripwire(tripwire: TripwireIn, token: Analyst, ws: Workspace) -> Response:
    t, new = set_tripwire(ws.store, ws.facility(tripwire.site).id, tripwire.condition)
    return JSONResponse(t.to_dict(), status_code=201 if new else 200)


@router.delete("/tripwires/{tripwire}", summary="Remove a tripwire (its past alerts stay)")
@uses_workspace
def remove_tripwire(tripwire: Annotated[str, PathParam(max_length=64)], token: Analyst,
                    ws: Workspace) -> Response:
    if not ws.store.delete(TRIPWIRES, {"id": tripwire}):
        raise NotFoundError(f"no tripwire with id {tripwire!r}")
    return JSONResponse({"deleted": tripwire})


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=80, pattern=r"\S")
    role: Literal["reader", "analyst", "admin"] = "analyst"


@router.get("/tokens", summary="API tokens (never the secrets)", tags=["admin"])
@uses_workspace
def get_tokens(token: Admin, ws: Workspace) -> Response:
    return JSONResponse([t.public() for t in list_tokens(ws.store)])


@router.post("/tokens", status_code=201, summary="Issue a token (shown once)", tags=["admin"])
@uses_workspace
def post_token(new: TokenIn, token: Admin, ws: Workspace) -> Response:
    made, text = create_token(ws.store, new.name, Role.parse(new.role))
    return JSONResponse({**made.public(), "token": text}, status_code=201)


@router.get("/audit", summary="Write requests made with a token: who, what, when, the answer",
            tags=["admin"])
@uses_workspace
def get_audit(token: Admin, ws: Workspace,
              limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
              offset: Annotated[int, Query(ge=0)] = 0) -> Response:
    items = ws.store.select(AUDIT, order_by=("at",))[::-1]  # newest first
    return JSONResponse({"total": len(items), "limit": limit, "offset": offset,
                         "entries": [e.to_dict() for e in items[offset:offset + limit]]})


@router.delete("/tokens/{token_id}", summary="Revoke a token", tags=["admin"])
@uses_workspace
def delete_token(token_id: Annotated[str, PathParam(max_length=64)], token: Admin,
                 ws: Workspace) -> Response:
    return JSONResponse(revoke_token(ws.store, token_id).public())
