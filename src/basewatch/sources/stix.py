"""STIX 2.1 export of sources, reports, claims, sites and silences (for OpenCTI, MISP).

Mapping: a source is an ``identity``; a report is a ``report`` created by its source's identity;
a claim is a ``note`` by that identity whose ``object_refs`` name the site's ``location``; a
silence is a ``note`` by the exporting analyst on the official source's identity. ``related-to``
relationships join claims to locations. Ids are UUIDv5 of basewatch ids, so exporting twice gives
the same ids. Extra fields carry the ``x_basewatch_`` prefix.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import stix2

from basewatch.analysis.corroboration import ClaimGroup
from basewatch.model import Facility, Place
from basewatch.model.reports import RELIABILITY, Claim, Report, ReportSource, SourceKind

__all__ = ["stix_bundle"]

_NS = uuid.UUID("6f0e3f3c-2d8a-5b1e-9a77-1c1b0b5a7e21")
_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _id(kind: str, key: str) -> str:
    return f"{kind}--{uuid.uuid5(_NS, f'{kind}:{key}')}"


def _identity_class(s: ReportSource) -> str:
    if s.kind in (SourceKind.OFFICIAL, SourceKind.MEDIA, SourceKind.CHANNEL):
        return "organization"
    return "individual"


def stix_bundle(sources: Sequence[ReportSource], reports: Sequence[Report],
                claims: Sequence[Claim], groups: Sequence[ClaimGroup],
                sites: Mapping[str, Facility | Place], *, analyst: str = "basewatch analyst",
                exported_at: dt.datetime | None = None) -> stix2.Bundle:
    """A STIX 2.1 bundle; ``sites`` maps ids of sites and places to their records."""
    objs: list[Any] = []
    when = exported_at or max([r.published for r in reports], default=_EPOCH)
    analyst_id = _id("identity", f"analyst:{analyst}")
    objs.append(stix2.Identity(id=analyst_id, name=analyst, identity_class="individual",
                               created=when, modified=when))
    src_ids: dict[str, str] = {}
    for s in sources:
        sid = _id("identity", f"source:{s.id}")
        src_ids[s.id] = sid
        created = s.provenance.source_date or dt.date(2000, 1, 1)
        ts = dt.datetime.combine(created, dt.time(), dt.UTC)
        objs.append(stix2.Identity(
            id=sid, name=s.name, identity_class=_identity_class(s), created=ts, modified=ts,
            description=f"Admiralty reliability {s.reliability} ({RELIABILITY[s.reliability]})"
                        + ("" if s.graded else ", not graded"),
            sectors=["government-national"] if s.kind == SourceKind.OFFICIAL else None,
            allow_custom=True, x_basewatch_kind=s.kind.value,
            x_basewatch_reliability=s.reliability,
            x_basewatch_default_credibility=s.default_credibility,
            x_basewatch_graded_by=s.graded_by, x_basewatch_handles=list(s.handles) or None))
    loc_ids: dict[str, str] = {}
    used_sites = {c.tied_site for c in claims if c.tied_site} | \
                 {g.subject_id for g in groups if g.silences}
    for key in sorted(used_sites):
        site = sites.get(key)
        if site is None:
            continue
        lid = _id("location", f"site:{key}")
        loc_ids[key] = lid
        objs.append(stix2.Location(id=lid, name=site.name, latitude=site.lat,
                                   longitude=site.lon, created=_EPOCH, modified=_EPOCH,
                                   allow_custom=True, x_basewatch_id=key))
    group_of = {c.id: g for g in groups for c in g.claims}
    notes_of: dict[str, list[str]] = {}
    for c in claims:
        nid = _id("note", f"claim:{c.id}")
        refs = [loc_ids[c.tied_site]] if c.tied_site in loc_ids else [src_ids[c.source_id]]
        g = group_of.get(c.id)
        objs.append(stix2.Note(
            id=nid, created=c.published, modified=c.published,
            created_by_ref=src_ids.get(c.source_id),
            abstract=f"{c.subject_label}: {c.kind.value} ({c.stance.value}), {c.event_date}",
            content=c.text, object_refs=refs, allow_custom=True,
            x_basewatch_subject_kind=c.subject_kind.value, x_basewatch_subject_id=c.subject_id,
            x_basewatch_kind=c.kind.value, x_basewatch_stance=c.stance.value,
            x_basewatch_event_date=c.event_date.isoformat(), x_basewatch_span=list(c.span),
            x_basewatch_credibility=c.credibility,
            x_basewatch_corroboration=g.corroboration if g else None,
            x_basewatch_rules=list(c.rules)))
        notes_of.setdefault(c.report_id, []).append(nid)
        if c.tied_site in loc_ids:
            objs.append(stix2.Relationship(
                id=_id("relationship", f"claim-site:{c.id}"), relationship_type="related-to",
                source_ref=nid, target_ref=loc_ids[c.tied_site], created=c.published,
                modified=c.published))
    for r in reports:
        refs = notes_of.get(r.id) or [src_ids[r.source_id]]
        objs.append(stix2.Report(
            id=_id("report", r.id), name=r.title or f"{r.kind} by {r.source_id}",
            published=r.published, created=r.published, modified=r.published,
            created_by_ref=src_ids.get(r.source_id), report_types=["threat-report"],
            description=r.text, object_refs=refs,
            external_references=[{"source_name": r.source_id, "url": r.url}] if r.url else None,
            allow_custom=True, x_basewatch_content_sha256=r.content_sha256,
            x_basewatch_language=r.language or None,
            x_basewatch_synthetic=r.provenance.synthetic))
    for g in groups:
        for sil in g.silences:
            if sil.source_id not in src_ids:
                continue
            refs = [src_ids[sil.source_id]] + ([loc_ids[g.subject_id]]
                                                if g.subject_id in loc_ids else [])
            ts = dt.datetime.combine(sil.window_end, dt.time(), dt.UTC)
            objs.append(stix2.Note(
                id=_id("note", f"silence:{sil.group_key}:{sil.source_id}"), created=ts,
                modified=ts, created_by_ref=analyst_id, abstract="no official confirmation",
                content=sil.statement, object_refs=refs, allow_custom=True,
                x_basewatch_window=[sil.window_start.isoformat(), sil.window_end.isoformat()],
                x_basewatch_reports_in_window=sil.reports_in_window))
    return stix2.Bundle(objects=objs, allow_custom=True)

