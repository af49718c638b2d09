"""What every router shares: the workspace per request, ETag responses, errors as 4xx."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import inspect
import json
import math
import re
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, BeforeValidator

from basewatch.errors import BasewatchError, NotFoundError
from basewatch.store import Workspace

__all__ = ["ERROR_RESPONSES", "IsoDate", "etag_json", "install_error_handlers", "uses_workspace"]


def uses_workspace(fn: Callable[..., Response]) -> Callable[..., Response]:
    """Give a sync endpoint its ``ws`` parameter: the workspace opened and closed within the
    call. Both happen in the one worker thread (SQLite connections must not cross threads,
    which a yield-dependency's teardown can do under load); FastAPI sees the signature
    without ``ws`` and with ``request`` added if the endpoint lacks it."""
    sig = inspect.signature(fn, eval_str=True)
    params = [p for name, p in sig.parameters.items() if name != "ws"]
    wants_request = "request" in sig.parameters
    if not wants_request:
        params.insert(0, inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                           annotation=Request))

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        request = kwargs["request"] if wants_request else kwargs.pop("request")
        folder = request.app.state.workspace
        if not (folder / "basewatch.gpkg").exists():
            raise NotFoundError(f"no workspace store in {folder}")
        with Workspace(folder) as ws:
            return fn(*args, ws=ws, **kwargs)

    wrapper.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    del wrapper.__wrapped__  # FastAPI must read our signature, not the endpoint's
    return wrapper


def _finite(v: Any) -> Any:
    """NaN and infinities (e.g. a rate with no baseline yet) as null: JSON has no NaN and
    browsers refuse a body that contains one."""
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, dict):
        return {k: _finite(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_finite(x) for x in v]
    return v


def etag_json(request: Request, payload: Any, media_type: str = "application/json") -> Response:
    """The payload as JSON with a strong ETag of its bytes; 304 when If-None-Match matches."""
    body = json.dumps(_finite(payload), ensure_ascii=False, separators=(",", ":"), default=str,
                      allow_nan=False).encode()
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
