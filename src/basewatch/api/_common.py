"""What every router shares: the workspace per request, ETag responses, errors as 4xx."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import inspect
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, BeforeValidator

from basewatch.errors import BasewatchError, NotFoundError
from basewatch.model._util import finite_dumps
from basewatch.store import STORE_FILENAME, Workspace

__all__ = ["ERROR_RESPONSES", "IsoDate", "etag_json", "install_error_handlers", "open_workspace",
           "uses_workspace"]


def open_workspace(app: FastAPI) -> Workspace:
    """The app's workspace, opened for one request: the folder's GeoPackage, or the PostGIS
    store the app was given (``create_app(store_url=...)`` or $BASEWATCH_STORE)."""
    folder: Path = app.state.workspace
    url: str | None = getattr(app.state, "store_url", None)
    if not url and not (folder / STORE_FILENAME).exists():
        raise NotFoundError(f"no workspace store in {folder}")
    return Workspace(folder, store_url=url or "")


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
        with open_workspace(request.app) as ws:
            if request.method != "GET":
                return fn(*args, ws=ws, **kwargs)
            # A read's answer depends only on the request and the store's contents: keyed on
            # the store's revision, repeated reads (a slider going back and forth, a team on
            # one page) skip the computation; any committed change moves the revision.
            cache = _cache_of(request.app)
            key = (ws.store.revision(), _files_stamp(folder), request.url.path,
                   str(request.url.query))
            hit = cache.get(key)
            if hit is None and cache.wait_for(key):  # the same answer is being computed
                hit = cache.get(key)
            if hit is not None:
                return _replay(request, hit)
            try:
                response = fn(*args, ws=ws, **kwargs)
                if response.status_code == 200 and "etag" in response.headers:
                    cache.put(key, response)
            finally:
                cache.done(key)
            return response

    wrapper.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    del wrapper.__wrapped__  # FastAPI must read our signature, not the endpoint's
    return wrapper


class ResponseCache:
    """Bounded LRU of read answers (body, headers), shared by the worker threads of one app."""

    def __init__(self, max_bytes: int = 64 << 20) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple[Any, ...], tuple[bytes, dict[str, str], str]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._inflight: dict[tuple[Any, ...], threading.Event] = {}

    def wait_for(self, key: tuple[Any, ...], timeout: float = 60.0) -> bool:
        """If another thread is computing ``key``, wait for it and say so; else claim it
        (the caller computes, then calls :meth:`done`). Twenty clients opening the same
        site page at once then cost one computation, not twenty."""
        with self._lock:
            event = self._inflight.get(key)
            if event is None:
                self._inflight[key] = threading.Event()
                return False
        event.wait(timeout)
        return True

    def done(self, key: tuple[Any, ...]) -> None:
        with self._lock:
            event = self._inflight.pop(key, None)
        if event is not None:
            event.set()

    def get(self, key: tuple[Any, ...]) -> tuple[bytes, dict[str, str], str] | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: tuple[Any, ...], response: Response) -> None:
        body = bytes(response.body)
        if len(body) > self.max_bytes // 8:  # one huge answer must not flush everything else
            return
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old[0])
            self._items[key] = (body, headers, response.media_type or "application/json")
            self._bytes += len(body)
            while self._bytes > self.max_bytes:
                _, (b, _, _) = self._items.popitem(last=False)
                self._bytes -= len(b)


def _files_stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """The workspace's files that answers read besides the store (the likelihood table, the
    published chips): name, mtime and size, so that editing one also changes the cache key."""
    from basewatch.queries.assessment import TABLE_FILE
    from basewatch.queries.sites import CHIPS_DIR

    paths = [folder / TABLE_FILE, folder / CHIPS_DIR]
    if paths[1].is_dir():
        paths += sorted(paths[1].iterdir())
    out = []
    for p in paths:
        try:
            st = p.stat()
        except OSError:
            continue
        out.append((p.name, st.st_mtime_ns, st.st_size))
    return tuple(out)


def _cache_of(app: FastAPI) -> ResponseCache:
    cache = getattr(app.state, "response_cache", None)
    if cache is None:
        cache = app.state.response_cache = ResponseCache()
    return cache


def _replay(request: Request, item: tuple[bytes, dict[str, str], str]) -> Response:
    body, headers, media_type = item
    inm = request.headers.get("if-none-match", "")
    if headers.get("etag") in [t.strip() for t in inm.split(",")] or inm.strip() == "*":
        return Response(status_code=304, headers={"ETag": headers["etag"]})
    return Response(body, media_type=media_type, headers=headers)


def etag_json(request: Request, payload: Any, media_type: str = "application/json") -> Response:
    """The payload as JSON with a strong ETag of its bytes; 304 when If-None-Match matches."""
    body = finite_dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str).encode()
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
