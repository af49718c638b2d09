"""Bearer-token checks for the API: ``Depends(require(Role.ANALYST))`` on an endpoint.

No token, a malformed, unknown or revoked one: 401 with ``WWW-Authenticate: Bearer``. A valid
token whose role is too low: 403 naming the role needed. The token is looked up in the
workspace store on every request, so a revocation takes effect at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.params import Depends as DependsParam
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from basewatch.security import ApiToken, Role
from basewatch.store.tokens import authenticate

__all__ = ["AUTH_RESPONSES", "SESSION_COOKIE", "page_token", "read_dependencies", "require"]

#: The browser's copy of a token, set by ``POST /session`` (HttpOnly, SameSite=Strict). It is
#: accepted for reads only: a write needs the Authorization header, which no other site can
#: make a browser send, so a cookie can never be used to write on the analyst's behalf.
SESSION_COOKIE = "bw_session"

bearer = HTTPBearer(auto_error=False, scheme_name="bearer",
                    description="`basewatch tokens create --name N --role analyst` prints one.")


#: Responses every protected endpoint documents.
AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "No bearer token, or an unknown, malformed or revoked one"},
    403: {"description": "The token's role is too low for this endpoint"},
}


def lookup(app: FastAPI, presented: str) -> ApiToken | None:
    """The active token for ``presented`` in the app's workspace, or None."""
    from basewatch.api._common import open_workspace

    with open_workspace(app) as ws:
        return authenticate(ws.store, presented)


def _refuse(detail: str, error: str | None = None) -> HTTPException:
    challenge = f'Bearer error="{error}"' if error else "Bearer"
    return HTTPException(401, detail, headers={"WWW-Authenticate": challenge})


def require(role: Role) -> Callable[..., ApiToken]:
    """A dependency that lets the request through with a token of ``role`` or above."""

    def check(request: Request,
              creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> ApiToken:
        # Sync on purpose: FastAPI runs it in a worker thread, where the store may block.
        token: ApiToken | None = getattr(request.state, "token", None)
        if token is None:
            presented = creds.credentials if creds is not None else None
            if presented is None and request.method in ("GET", "HEAD"):
                presented = request.cookies.get(SESSION_COOKIE)
            if presented is None:
                raise _refuse(f"this endpoint needs a bearer token of role {role.label} or above "
                              "(Authorization: Bearer bw_...)")
            token = lookup(request.app, presented)
            if token is None:
                raise _refuse("token unknown, malformed or revoked", "invalid_token")
            request.state.token = token
        if token.role < role:
            raise HTTPException(403, f"token {token.id} has role {token.role.label}; "
                                f"this needs {role.label} or above")
        return token

    check.__name__ = f"require_{role.label}"
    return check


def page_token(request: Request) -> ApiToken | None:
    """The valid token a browser presents for a page (its session cookie or a header)."""
    header = request.headers.get("authorization", "")
    presented = header[7:].strip() if header.lower().startswith("bearer ") else \
        request.cookies.get(SESSION_COOKIE)
    return lookup(request.app, presented) if presented else None


def read_dependencies(require_token: bool) -> list[DependsParam]:
    """App-wide dependencies: a reader token on every endpoint when ``require_token``."""
    return [Depends(require(Role.READER))] if require_token else []
