"""What every router shares: the workspace per request, ETag responses, errors as 4xx."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import FastAPI, Request
from pydantic import BaseModel, BeforeValidator
from fastapi.responses import JSONResponse, Response

from basewatch.errors import BasewatchError, NotFoundError
from basewatch.store import Workspace

__all__ = ["ERROR_RESPONSES", "IsoDate", "etag_json", "install_error_handlers", "workspace"]


def workspace(request: Request) -> Iterator[Workspace]:
    """A workspace opened for one request: SQLite connections must not cross threads."""
    folder = request.app.state.workspace
    if not (folder / "basewatch.gpkg").exists():
        raise NotFoundError(f"no workspace store in {folder}")
    ws = Workspace(folder)
    try:
        yield ws
    finally:
        ws.close()


def etag_json(request: Request, payload: Any, media_type: str = "application/json") -> Response:
    """The payload as JSON with a strong ETag of its bytes; 304 when If-None-Match matches."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str).encode()
    tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    inm = request.headers.get("if-none-match", "")
    if tag in [t.strip() for t in inm.split(",")] or inm.strip() == "*":
        return Response(status_code=304, headers={"ETag": tag})
    return Response(body, media_type=media_type, headers={"ETag": tag,
                                                          "Cache-Control": "no-cache"})


def iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def install_error_handlers(app: FastAPI) -> None:
    """BasewatchError -> 404 (not found) or 400 (anything else the user got wrong): never 500."""

    @app.exception_handler(BasewatchError)
    async def _bw(_: Request, exc: BasewatchError) -> JSONResponse:
        code = 404 if isinstance(exc, NotFoundError) else 400
        return JSONResponse({"detail": str(exc)}, status_code=code)


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_only(v: object) -> object:
    # Pydantic's lax mode would read "0" as a Unix timestamp; a date here is YYYY-MM-DD only.
    if isinstance(v, str) and not _ISO_DATE.match(v):
        raise ValueError("expected a date as YYYY-MM-DD")
    return v


#: A query date: ISO ``YYYY-MM-DD`` and nothing else (422 naming the field otherwise).
IsoDate = Annotated[dt.date, BeforeValidator(_iso_only)]


class ErrorBody(BaseModel):
    """A 4xx answer: one sentence saying what was wrong."""

    detail: str


#: Responses every router documents besides 200 and 422.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified (If-None-Match matched the ETag)"},
    400: {"model": ErrorBody, "description": "Invalid request (message names the field)"},
    404: {"model": ErrorBody, "description": "Unknown site, or date outside the data"},
}
