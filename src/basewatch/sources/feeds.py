"""Live polling of RSS/Atom feeds with httpx: conditional GET and back-off.

The client is injected (tests pass one bound to a loopback server). A poll sends the ETag and
Last-Modified of the previous one; ``304 Not Modified`` means nothing new. ``429`` and ``5xx``
are retried with exponential back-off, honouring ``Retry-After`` (seconds) up to a cap.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from basewatch.errors import ImportFormatError
from basewatch.model.reports import ReportSource
from basewatch.sources._common import Parsed
from basewatch.sources.reports import MAX_FEED_BYTES, PostDefaults, parse_feed, resolve_drafts
from basewatch.store import PutResult, Workspace
from basewatch.store.reports import FEED_STATE, REPORTS, SOURCES, FeedState

__all__ = ["PollResult", "poll_feed", "poll_into"]

_RETRY = {429, 500, 502, 503, 504}


@dataclass
class PollResult:
    """One poll: final HTTP status, the body if new, the state to keep, the waits made."""

    url: str
    status: int
    body: bytes | None
    state: FeedState
    waits_s: list[float] = field(default_factory=list)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def _retry_after(resp: httpx.Response, default: float, cap: float) -> float:
    value = resp.headers.get("Retry-After", "")
    try:
        return min(cap, max(0.0, float(value)))
    except ValueError:
        return min(cap, default)


def poll_feed(url: str, client: httpx.Client, state: FeedState | None = None, *,
              max_tries: int = 4, backoff_s: float = 1.0, max_wait_s: float = 60.0,
              sleep: Callable[[float], None] = time.sleep) -> PollResult:
    """GET a feed conditionally; retry 429/5xx with back-off; raise on other failures."""
    headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9"}
    if state is not None and state.etag:
        headers["If-None-Match"] = state.etag
    if state is not None and state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    waits: list[float] = []
    resp: httpx.Response | None = None
    for attempt in range(max_tries):
        try:
            resp = client.get(url, headers=headers)
        except httpx.HTTPError as exc:
            raise ImportFormatError(f"{url}: cannot fetch ({exc})") from None
        if resp.status_code not in _RETRY:
            break
        if attempt == max_tries - 1:
            raise ImportFormatError(f"{url}: HTTP {resp.status_code} after {max_tries} tries; "
                                    "try again later")
        wait = _retry_after(resp, backoff_s * 2 ** attempt, max_wait_s)
        waits.append(wait)
        sleep(wait)
    assert resp is not None
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    if resp.status_code == 304:
        old = state or FeedState(url)
        return PollResult(url, 304, None, FeedState(url, old.etag, old.last_modified, now, 304),
                          waits)
    if resp.status_code != 200:
        raise ImportFormatError(f"{url}: HTTP {resp.status_code}")
    body = resp.content
    if len(body) > MAX_FEED_BYTES:
        raise ImportFormatError(f"{url}: {len(body) / 1e6:.1f} MB is over the feed limit")
    new_state = FeedState(url, resp.headers.get("ETag", ""), resp.headers.get("Last-Modified", ""),
                          now, 200)
    return PollResult(url, 200, body, new_state, waits)


def poll_into(ws: Workspace, url: str, client: httpx.Client, *, source: str = "",
              sleep: Callable[[float], None] = time.sleep) -> tuple[PollResult, PutResult, Parsed | None]:
    """Poll a feed and import its entries (whole or nothing) with the new feed state."""
    from basewatch.sources.importing import write_parsed

    olds: list[FeedState] = ws.store.select(FEED_STATE, {"url": url})
    result = poll_feed(url, client, olds[0] if olds else None, sleep=sleep)
    if result.body is None:
        with ws.store.transaction():
            ws.store.put(FEED_STATE, [result.state])
        return result, PutResult(), None
    retrieved = dt.datetime.now(dt.UTC).replace(microsecond=0)
    drafts = parse_feed(result.body, url, PostDefaults(source=source, retrieved=retrieved))
    known: list[ReportSource] = ws.store.select(SOURCES)
    warnings: list[str] = []
    records = resolve_drafts(drafts, known, origin=url, warnings=warnings)
    parsed = Parsed(Path(url), "posts-feed", hashlib.sha256(result.body).hexdigest(), records,
                    warnings)
    # Entries already stored keep their first retrieval time: only new ones are written.
    have = {r.id for r in ws.store.select(REPORTS)} if records else set()
    parsed.records = [r for r in records if getattr(r, "id", None) not in have
                      or isinstance(r, ReportSource)]
    with ws.store.transaction():  # reports and feed state land together
        put = write_parsed(ws, parsed,
                           lambda r: SOURCES if isinstance(r, ReportSource) else REPORTS)
        ws.store.put(FEED_STATE, [result.state])
    return result, put, parsed
