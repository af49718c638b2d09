"""Browser sessions for a server that needs a token for reads (``serve
--require-token-for-reads``): the dashboard's login page posts a token once and gets it back as
an HttpOnly, SameSite=Strict cookie, which the browser then sends with every read. Writes keep
needing the Authorization header (see :data:`basewatch.api.auth.SESSION_COOKIE`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials

from basewatch.api.auth import AUTH_RESPONSES, SESSION_COOKIE, bearer, require
from basewatch.security import ApiToken, Role

__all__ = ["SESSION_HOURS", "router"]

SESSION_HOURS = 12  # a working day; the token itself stays valid until revoked

router = APIRouter(tags=["session"], responses=AUTH_RESPONSES)


@router.post("/session", status_code=204,
             summary="Start a browser session: the bearer token comes back as a cookie")
def start(request: Request, token: Annotated[ApiToken, Depends(require(Role.READER))],
          creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Response:
    assert creds is not None  # require() accepts only the header on a POST
    response = Response(status_code=204)
    response.set_cookie(SESSION_COOKIE, creds.credentials, max_age=SESSION_HOURS * 3600,
                        httponly=True, samesite="strict", path="/",
                        secure=request.url.scheme == "https")
    return response


@router.delete("/session", status_code=204, summary="End the browser session")
def end() -> Response:
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response
