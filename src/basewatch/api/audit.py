"""The audit trail of the API's writes: every write request made with a valid token (refused
for its role or not) is recorded after its answer, with the token, the path and the status.

Requests without a valid token are not recorded: anyone can send those, and storing them
would let anyone grow the store; the reverse proxy's access log has them.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from basewatch.errors import BasewatchError
from basewatch.security import ApiToken, AuditEntry
from basewatch.store.tokens import AUDIT

__all__ = ["AuditMiddleware"]

_READS = ("GET", "HEAD", "OPTIONS")
log = logging.getLogger(__name__)


class AuditMiddleware:
    """Pure ASGI: sees the status of each write and the token the auth check left in the
    request's state."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in _READS:
            await self.app(scope, receive, send)
            return
        status = 0

        async def keep_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        await self.app(scope, receive, keep_status)
        token = (scope.get("state") or {}).get("token")
        if isinstance(token, ApiToken):
            query = scope.get("query_string", b"").decode("latin-1")
            client = scope.get("client") or ("", 0)
            entry = AuditEntry(dt.datetime.now(dt.UTC), token.id, token.name, token.role,
                               scope["method"], scope["path"] + (f"?{query}" if query else ""),
                               status, str(client[0]))
            await run_in_threadpool(_record, scope["app"], entry)


def _record(app: Any, entry: AuditEntry) -> None:
    from basewatch.api._common import open_workspace

    try:
        with open_workspace(app) as ws, ws.store.transaction():
            ws.store.put(AUDIT, [entry])
    except BasewatchError as exc:  # the write itself has happened: say so, do not undo it
        log.error("audit entry not stored (%s): %s", exc, entry.to_dict())
