"""Claims of a workspace: reports run through the gazetteer, grouped, with official silence.

Claims are derived once per report and cached in the store (``claim_cache``), per site, under
a fingerprint of the gazetteer and the extraction rules: asking for one site's claims reads
only that site's rows. Sources' grades are applied on read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import islice
from typing import Any

from basewatch.analysis.claims import EXTRACTOR_VERSION, Gazetteer, extract_claims
from basewatch.analysis.corroboration import ClaimGroup, group_claims, silences
from basewatch.model import Facility, Place, Provenance
from basewatch.model.reports import Claim, Report, ReportSource, SourceKind
from basewatch.store import Workspace
from basewatch.store.reports import (
    CLAIM_CACHE,
    CLAIM_STATE,
    REPORTS,
    SOURCES,
    CachedClaims,
    iter_reports,
    reports_between,
)

__all__ = ["ClaimSet", "claim_rows", "derive_claims", "load_claimset"]

_BATCH = 2000
#: Rows of the claim cache written per put.
_PUT_ROWS = 50_000
#: The shape of the cache's rows, in the fingerprint: a change re-derives the cache once.
_ROW_FORMAT = "3"  # 3: claims and report as arrays of their fields (Claim.to_row, _report_ref)
#: The row that records how many reports the cache has derived, under which fingerprint.
_STATE = CLAIM_STATE


@dataclass
class ClaimSet:
    """Everything `claims` shows: sources, reports, claims, groups, known sites."""

    sources: dict[str, ReportSource]
    reports: dict[str, Report]
    claims: list[Claim]
    groups: list[ClaimGroup]
    sites: dict[str, Facility | Place]


def _fingerprint(gaz: Gazetteer) -> str:
    return hashlib.sha256(f"{EXTRACTOR_VERSION}|{_ROW_FORMAT}|{gaz.fingerprint()}".encode()).hexdigest()[:16]


def derive_claims(ws: Workspace, gaz: Gazetteer | None = None) -> tuple[str, int]:
    """Derive and cache the claims of every report not yet derived under the current
    gazetteer; drop rows of older fingerprints. Returns the fingerprint and how many reports
    were derived now. Reports are read in batches of consecutive publication times, so
    memory stays bounded whatever the workspace holds."""
    store = ws.store
    gaz = gaz or Gazetteer.build(ws.facilities(), ws.places())
    fp = _fingerprint(gaz)
    count = getattr(store, "count", None)
    state = store.select(CLAIM_CACHE, where={"report_id": _STATE, "site": _STATE})
    n_reports = count(REPORTS) if count is not None else -1
    if state and state[0].fingerprint == fp and state[0].claims and \
            state[0].claims[0].get("reports") == n_reports:
        return fp, 0  # every report is derived under this fingerprint (reports are only added)
    stale = [f for f in store.distinct(CLAIM_CACHE, "fingerprint") if f != fp]
    done = {r for (r,) in store.select_columns(CLAIM_CACHE, ["report_id"],
                                               where={"site": "", "fingerprint": fp})}
    todo = {i for (i,) in store.select_columns(REPORTS, ["id"]) if i not in done}
    if not todo and not stale:
        if n_reports >= 0:
            store.put(CLAIM_CACHE, [CachedClaims(_STATE, _STATE, fp, ({"reports": n_reports},))])
        return fp, 0
    with store.transaction():
        for f in stale:
            store.delete(CLAIM_CACHE, {"fingerprint": f})
        # A few new reports are read by id; many (a new gazetteer) in publication order.
        source = (r for i in sorted(todo) for r in store.select(REPORTS, where={"id": i})) \
            if len(todo) <= _BATCH else iter_reports(store, batch=_BATCH)

        def rows() -> Iterator[CachedClaims]:
            for r in source:
                if r.id not in todo:
                    continue
                by_site: dict[str, list[Claim]] = {}
                for c in extract_claims(r, gaz):
                    by_site.setdefault(c.tied_site or c.subject_id, []).append(c)
                yield CachedClaims(r.id, "", fp)
                ref = _report_ref(r) if by_site else None
                for s, cs in by_site.items():
                    yield CachedClaims(r.id, s, fp, tuple(c.to_row() for c in cs), ref)

        # Large puts: each put reads the layer's stored keys once, so a put per 2,000 rows
        # made the cost grow with the square of the reports; 50,000 rows a put keep that
        # small and a back end that gathers a put in memory (PostGIS) bounded.
        it = rows()
        while chunk := list(islice(it, _PUT_ROWS)):
            store.put(CLAIM_CACHE, chunk)
        if n_reports >= 0:
            store.put(CLAIM_CACHE, [CachedClaims(_STATE, _STATE, fp, ({"reports": n_reports},))])
    return fp, len(todo)


def _report_ref(r: Report) -> list[Any]:
    """A report as kept in each of its cache rows, so that one query reads a site's claims
    with their reports: its fields as a JSON array (an array decodes about three times faster
    than an object of the same fields), its provenance, without its notes and source date, as
    one JSON text that the reader decodes once per distinct value."""
    p = {**r.provenance.to_dict(), "source_date": None, "notes": ""}
    return [r.id, r.source_id, r.published.isoformat(), r.text, r.url, r.title, r.language,
            r.kind, list(r.quotes), r.content_sha256,
            r.edited.isoformat() if r.edited else None, r.reply_to, r.ref, r.media,
            json.dumps(p, sort_keys=True, ensure_ascii=False)]


def _report(a: list[Any], provs: dict[str, Provenance]) -> Report:
    """A report from its cache row (:func:`_report_ref`); one provenance object is shared by
    the reports whose provenance is the same."""
    (rid, source_id, published, text, url, title, language, kind, quotes, sha, edited,
     reply_to, ref, media, p) = a
    prov = provs.get(p)
    if prov is None:
        prov = provs[p] = Provenance.from_dict(json.loads(p))
    return Report(
        id=rid, source_id=source_id, published=dt.datetime.fromisoformat(published), text=text,
        provenance=prov, url=url, title=title, language=language, kind=kind,
        quotes=tuple(quotes), content_sha256=sha, reply_to=reply_to, ref=ref, media=media,
        edited=dt.datetime.fromisoformat(edited) if edited else None)


def load_claimset(ws: Workspace, *, window_days: int = 3, as_of: dt.date | None = None,
                  site_ids: set[str] | None = None) -> ClaimSet:
    """Claims (all, or only those on or tied to ``site_ids``) with the workspace's gazetteer,
    from the cache, grouped, with official silence."""
    facilities, places = ws.facilities(), ws.places()
    gaz = Gazetteer.build(facilities, places)
    fp, _ = derive_claims(ws, gaz)
    sources = {s.id: s for s in ws.store.select(SOURCES)}
    if site_ids:
        rows: list[CachedClaims] = []
        for s in sorted(site_ids):
            rows.extend(ws.store.select(CLAIM_CACHE, where={"site": s, "fingerprint": fp}))
        provs: dict[str, Provenance] = {}
        reports = {r.report_id: _report(r.report, provs) for r in rows if r.report}
        for src in sources.values():  # official silence counts their reports in the window
            if src.kind == SourceKind.OFFICIAL:
                reports.update((r.id, r) for r in ws.store.select(REPORTS,
                                                                  where={"source_id": src.id}))
    else:
        rows = [r for r in ws.store.select(CLAIM_CACHE, where={"fingerprint": fp})
                if r.site and r.site != _STATE]
        reports = {r.id: r for r in reports_between(ws.store)}
    claims = []
    for row in rows:
        for a in row.claims:
            src = sources.get(a[2])  # the claim's source (Claim.to_row)
            claims.append(Claim.from_row(a, src.default_credibility if src else 6))
    claims.sort(key=lambda c: (c.published, c.report_id, c.span[0], c.id))
    sites: dict[str, Facility | Place] = {p.id: p for p in places}
    sites.update({f.id: f for f in facilities})  # a facility wins over a place of the same id
    last = max((r.published.date() for r in reports.values()), default=None)
    groups = []
    for g in group_claims(claims, reports, window_days=window_days):
        # The operator concerned: the site's, or that of the site a ship or aircraft is tied to.
        ops = [f.operator for f in (sites.get(x) for x in [g.subject_id,
                                                             *(c.site_id for c in g.claims)])
               if isinstance(f, Facility)]
        # Official silence is information where someone independent asserts a claim about a
        # site whose operator the official source speaks for.
        sil = silences(g, sources.values(), reports.values(), operator=ops[0],
                       window_days=window_days, as_of=as_of or last) \
            if g.corroboration and ops else []
        groups.append(replace(g, silences=tuple(sil)))
    return ClaimSet(sources, reports, claims, groups, sites)


def claim_rows(cs: ClaimSet, site_ids: set[str] | None = None, start: dt.date | None = None,
               end: dt.date | None = None, kind: str | None = None) -> list[dict[str, Any]]:
    """Claims (optionally on or tied to ``site_ids``, in an event-date window, of one kind)
    with their source's Admiralty grade, report link, corroboration and official silence."""
    group_of = {c.id: g for g in cs.groups for c in g.claims}
    rows = [c for c in cs.claims
            if (not site_ids or c.subject_id in site_ids or c.tied_site in site_ids)
            and (start is None or c.event_date >= start) and (end is None or c.event_date <= end)
            and (kind is None or c.kind.value == kind)]
    rows.sort(key=lambda c: (c.event_date, c.published, c.span[0]))
    # A source's and a group's columns are the same for each of their claims: made once (the
    # rows of one group share its lists; rows are read, not changed, by the faces).
    by_source: dict[str, dict[str, Any]] = {}
    by_group: dict[str, dict[str, Any]] = {}
    out = []
    for c in rows:
        rep, g = cs.reports.get(c.report_id), group_of.get(c.id)
        sc = by_source.get(c.source_id)
        if sc is None:
            src = cs.sources.get(c.source_id)
            sc = by_source[c.source_id] = {
                "id": c.source_id, "name": src.name if src else c.source_id,
                "grade": src.grade if src else "F6 (ungraded)",
                "reliability": src.reliability if src else "F"}
        gc = by_group.get(g.key) if g else None
        if g and gc is None:
            gc = by_group[g.key] = {
                "corroboration": g.corroboration, "corroborating_sources": list(g.sources),
                "independent_origins": [list(o) for o in g.origins],
                "group_credibility": g.credibility, "group": g.key, "conflict": g.conflict,
                "silence": [x.to_dict() for x in g.silences]}
        out.append({**c.to_dict(), "source": dict(sc), "url": rep.url if rep else "",
                    "synthetic": bool(rep and rep.provenance.synthetic),
                    **(gc if gc else {
                        "corroboration": 0, "corroborating_sources": [],
                        "independent_origins": [], "group_credibility": c.credibility,
                        "group": "", "conflict": False, "silence": []})})
    return out

