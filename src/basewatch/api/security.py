"""Hardening every response of the app: security headers, request size limits, CORS.

``install(app, ...)`` adds up to four ASGI layers. Outermost the headers, so that every
answer carries them (413s and CORS refusals included); then CORS, present only when origins
are given (closed by default: a browser on another origin cannot read the API); then the
``Host`` check when hosts are given; innermost the size limit, which answers 413 from ``Content-Length`` before the body is read, and stops a
chunked body the moment it passes the limit.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, MutableMapping, Sequence
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import Match

__all__ = ["CSP", "DEFAULT_MAX_BODY_BYTES", "DEFAULT_MAX_UPLOAD_BYTES", "SECURITY_HEADERS",
           "UPLOAD_PREFIXES", "install"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Only the page's own origin: the dashboard is air-gapped. MapLibre builds its workers from
#: blob: URLs, and its canvas and images use data:/blob:, hence those two exceptions.
CSP = ("default-src 'self'; script-src 'self'; worker-src 'self' blob:; child-src 'self' blob:; "
       "img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; "
       "font-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}

DEFAULT_MAX_UPLOAD_BYTES = 64 * 1024 * 1024  # an import file
DEFAULT_MAX_BODY_BYTES = 1024 * 1024  # any other request body (JSON)
#: Paths whose bodies may be as large as an import file.
UPLOAD_PREFIXES: tuple[str, ...] = ("/imports",)


def _security_headers(app: ASGIApp) -> ASGIApp:
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in SECURITY_HEADERS.items()]
    names = {k for k, _ in raw}

    async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message["headers"] = kept + raw
            await send(message)

        await app(scope, receive, send_with_headers)

    return asgi


async def _too_large(send: Send, limit: int) -> None:
    body = json.dumps({"detail": f"request body over the limit of {limit} bytes "
                                 f"({limit / 2**20:g} MiB)"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def _size_limit(app: ASGIApp, max_body: int, max_upload: int,
                upload_prefixes: Sequence[str]) -> ASGIApp:
    async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        limit = max_upload if path.startswith(tuple(upload_prefixes)) else max_body
        for k, v in scope.get("headers", []):
            if k == b"content-length":
                try:
                    declared = int(v)
                except ValueError:
                    declared = -1
                if declared < 0 or declared > limit:
                    await _too_large(send, limit)
                    return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    # FastAPI lets an HTTPException raised while reading the body through.
                    raise HTTPException(413, f"request body over the limit of {limit} bytes "
                                             f"({limit / 2**20:g} MiB)")
            return message

        await app(scope, counted, send)

    return asgi


def install(app: FastAPI, *, cors_origins: Iterable[str] = (),
            max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
            max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
            upload_prefixes: Sequence[str] = UPLOAD_PREFIXES,
            allowed_hosts: Sequence[str] | None = None) -> None:
    """Add security headers, the size limits and (only if ``cors_origins``) CORS to ``app``.

    Parameters
    ----------
    cors_origins
        Origins (``https://host:port``) allowed to call the API from a browser; empty keeps
        cross-origin reads and preflights refused.
    max_body_bytes, max_upload_bytes
        Largest request body in bytes, for upload paths and for everything else.
    allowed_hosts
        ``Host`` header values to answer (400 otherwise); stops DNS-rebinding pages from
        reading a loopback server. None: any host.
    """
    origins = [o.rstrip("/") for o in cors_origins if o]
    # add_middleware wraps what is there: the last added runs first.
    app.add_middleware(_Wrap, factory=lambda a: _size_limit(a, max_body_bytes, max_upload_bytes,
                                                            upload_prefixes))
    if allowed_hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=origins,
                           allow_methods=["GET", "POST", "PUT", "DELETE"],
                           allow_headers=["Authorization", "Content-Type", "If-None-Match"],
                           expose_headers=["ETag"], max_age=600)
    app.add_middleware(_Wrap, factory=_security_headers)
    app.add_exception_handler(StarletteHTTPException, _allow_every_method)  # type: ignore[arg-type]
    app.state.cors_origins = origins


async def _allow_every_method(request: Request, exc: StarletteHTTPException) -> Response:
    """405 with ``Allow`` naming every method of the path, not only the first route's.

    Starlette answers from the first route whose path matches, so ``/tripwires`` (GET and
    POST, two routes) would claim ``Allow: GET`` alone.
    """
    if exc.status_code == 405:
        allowed: set[str] = set()
        for route in request.app.router.routes:
            methods = getattr(route, "methods", None)
            if methods and route.matches(request.scope)[0] is not Match.NONE:
                allowed |= set(methods)
        exc.headers = {**(exc.headers or {}), "Allow": ", ".join(sorted(allowed))}
    return await http_exception_handler(request, exc)


class _Wrap:
    """Adapts a function ``app -> app`` to Starlette's ``add_middleware(cls, **options)``."""

    def __init__(self, app: ASGIApp, factory: Callable[[ASGIApp], ASGIApp]) -> None:
        self._app = factory(app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)
