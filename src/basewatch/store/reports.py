"""Store layers of the reports capability: sources, reports, feed polling state.

Provenance columns (source, date, synthetic mark) are added to every layer by the store.
Claims are derived from the reports and the current gazetteer
(:mod:`basewatch.analysis.claims`) once per report and kept in ``claim_cache`` under a
fingerprint of the gazetteer and the rules; a changed gazetteer or rule set derives them again.
Grades are applied when claims are read, so a new grade never needs a re-derivation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from basewatch.errors import AmbiguousNameError, NotFoundError
from basewatch.model.reports import Report, ReportSource
from basewatch.store.base import LayerSpec, Store, register_layer

__all__ = ["CLAIM_CACHE", "FEED_STATE", "REPORTS", "SOURCES", "CachedClaims", "FeedState", "find_source",
           "forget_claims",
           "iter_reports", "reports_between"]


SOURCES = register_layer(LayerSpec(
    name="report_sources",
    geometry_type=None,
    columns={
        "id": ("TEXT", lambda d: d["id"]),
        "name": ("TEXT", lambda d: d["name"]),
        "kind": ("TEXT", lambda d: d["kind"]),
        "reliability": ("TEXT", lambda d: d["reliability"]),
        "default_credibility": ("INTEGER", lambda d: d["default_credibility"]),
        "graded_by": ("TEXT", lambda d: d["graded_by"]),
    },
    key=("id",),
    from_dict=ReportSource.from_dict,
    description="Sources of reports (accounts, outlets, officials) with Admiralty grades.",
))

REPORTS = register_layer(LayerSpec(
    name="reports",
    geometry_type=None,
    columns={
        "id": ("TEXT", lambda d: d["id"]),
        "source_id": ("TEXT", lambda d: d["source_id"]),
        "published": ("DATETIME", lambda d: d["published"]),
        "url": ("TEXT", lambda d: d["url"]),
        "content_sha256": ("TEXT", lambda d: d["content_sha256"]),
    },
    key=("id",),
    from_dict=Report.from_dict,
    indexes=(("published",), ("source_id",)),
    description="Posts and articles with their raw text and provenance.",
))


@dataclass(frozen=True)
class FeedState:
    """What the last poll of a feed returned, for conditional GET."""

    url: str
    etag: str = ""
    last_modified: str = ""
    polled_at: str = ""
    status: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "etag": self.etag, "last_modified": self.last_modified,
                "polled_at": self.polled_at, "status": self.status}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FeedState:
        return cls(url=str(d["url"]), etag=str(d.get("etag") or ""),
                   last_modified=str(d.get("last_modified") or ""),
                   polled_at=str(d.get("polled_at") or ""), status=int(d.get("status") or 0))


FEED_STATE = register_layer(LayerSpec(
    name="feed_state",
    geometry_type=None,
    columns={"url": ("TEXT", lambda d: d["url"])},
    key=("url",),
    from_dict=FeedState.from_dict,
    description="ETag and Last-Modified of polled feeds.",
))


def find_source(store: Store, query: str) -> ReportSource:
    """The source whose id, name or handle is ``query``."""
    items: list[ReportSource] = store.select(SOURCES)
    hits = [s for s in items if s.matches(query)]
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        raise AmbiguousNameError(f"source {query!r} matches several: "
                                 f"{', '.join(h.id for h in hits)}; give the id")
    known = ", ".join(s.id for s in items[:12]) or "none: import sources first"
    raise NotFoundError(f"no source named {query!r} (known: {known})")


def iter_reports(store: Store, start: dt.datetime | None = None, *,
                 batch: int = 5000) -> Iterator[Report]:
    """Every report published from ``start`` on, oldest first, read a batch of consecutive
    publication times at a time, so that memory stays bounded whatever the store holds."""
    lo = start.isoformat() if start else None
    times = sorted(p for (p,) in store.select_columns(REPORTS, ["published"],
                                                      ranges={"published": (lo, None)}))
    k = 0
    while k < len(times):
        first = times[k]
        last = times[min(k + batch, len(times)) - 1]
        # A batch ends on a time: every report published at that time is in it.
        rows: list[Report] = store.select(REPORTS, ranges={"published": (first, last)},
                                          order_by=("published", "id"))
        yield from rows
        while k < len(times) and times[k] <= last:
            k += 1


def reports_between(store: Store, start: dt.datetime | None = None,
                    end: dt.datetime | None = None) -> list[Report]:
    """Reports published in [start, end] (either end open), oldest first."""
    rng = (start.isoformat() if start else None, end.isoformat() if end else None)
    result: list[Report] = store.select(REPORTS, ranges={"published": rng},
                                        order_by=("published", "id"))
    return result


@dataclass(frozen=True)
class CachedClaims:
    """The claims one report gives about one site (``site`` "" marks the report as derived),
    under one ``fingerprint`` of the gazetteer and the extractor's rules, with the report
    itself (so a site's claims are read with one query)."""

    report_id: str
    site: str
    fingerprint: str
    claims: tuple[Any, ...] = ()  # each claim as Claim.to_row lays it out
    report: Any = None  # the report's fields, laid out by queries/claims.py (_report_ref)

    def to_dict(self) -> dict[str, Any]:
        return {"report_id": self.report_id, "site": self.site,
                "fingerprint": self.fingerprint, "claims": list(self.claims),
                "report": self.report}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CachedClaims:
        return cls(str(d["report_id"]), str(d["site"]), str(d["fingerprint"]),
                   tuple(d.get("claims") or ()), d.get("report"))


CLAIM_CACHE = register_layer(LayerSpec(
    name="claim_cache",
    geometry_type=None,
    columns={
        "report_id": ("TEXT", lambda d: d["report_id"]),
        "site": ("TEXT", lambda d: d["site"]),
        "fingerprint": ("TEXT", lambda d: d["fingerprint"]),
    },
    key=("report_id", "site"),
    from_dict=CachedClaims.from_dict,
    indexes=(("site", "fingerprint"), ("fingerprint",)),
    description="Claims derived from reports, per report and site, under a fingerprint of "
                "the gazetteer and rules (a cache: rebuilt when either changes).",
))


#: The row of the claim cache that records how many reports it has derived (queries/claims.py).
CLAIM_STATE = "#state"


def forget_claims(store: Store, report_ids: list[str]) -> None:
    """Drop the cached claims of reports whose text changed (an edited post imported again),
    and the cache's record of being complete, so that they are derived again."""
    if not report_ids:
        return
    with store.transaction():
        for rid in report_ids:
            store.delete(CLAIM_CACHE, {"report_id": rid})
        store.delete(CLAIM_CACHE, {"report_id": CLAIM_STATE})
