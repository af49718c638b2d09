"""Corroboration of claims and the silence of official sources. Pure: no I/O.

Claims on the same subject and kind whose event dates lie within a window of each other form a
:class:`ClaimGroup`. A report quoting or forwarding another report of the group is
derivative and adds nothing; the others are joined into *origins* when they cannot be
independent: the same text (a repost), both quoting the same outside post, or the same source
saying it twice. The number of origins is the corroboration count.
Asserts against denies is a conflict. For each group, every registered official source that
speaks for the site's operator and said nothing on it in the window gives a :class:`Silence`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from basewatch.model.reports import (
    CREDIBILITY,
    Claim,
    ClaimKind,
    Report,
    ReportSource,
    Silence,
    SourceKind,
    Stance,
)

__all__ = ["ClaimGroup", "group_claims", "independent_origins", "silences"]


@dataclass(frozen=True)
class ClaimGroup:
    """Claims on one subject and kind within a time window, with their corroboration.

    Its corroboration, sources and credibility are computed once per group (cached): a face
    that prints each claim with its group's figures reads them once per claim."""

    key: str
    subject_kind: str
    subject_id: str
    kind: ClaimKind
    start: dt.date
    end: dt.date
    claims: tuple[Claim, ...]
    origins: tuple[tuple[str, ...], ...]  # source ids of each independent origin
    derived: tuple[str, ...] = ()  # sources of reports quoting another report of the group
    stances: dict[str, int] = field(default_factory=dict)
    silences: tuple[Silence, ...] = ()

    @cached_property
    def corroboration(self) -> int:
        """Independent origins that *assert* the claim."""
        asserting = {c.source_id for c in self.claims if c.stance == Stance.ASSERTS}
        return sum(1 for o in self.origins if asserting & set(o))

    @cached_property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({c.source_id for c in self.claims}))

    @property
    def conflict(self) -> bool:
        return bool(self.stances.get("asserts")) and bool(self.stances.get("denies"))

    @cached_property
    def credibility(self) -> int:
        """Admiralty credibility of the group: 1 (confirmed) if two or more independent
        origins assert it and none denies, else the best claim credibility."""
        if self.corroboration >= 2 and not self.stances.get("denies"):
            return 1
        return min(c.credibility for c in self.claims)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key, "subject": {"kind": self.subject_kind, "id": self.subject_id},
            "kind": self.kind.value, "start": self.start.isoformat(), "end": self.end.isoformat(),
            "claims": len(self.claims), "sources": list(self.sources),
            "independent_origins": [list(o) for o in self.origins],
            "derived_from_others": list(self.derived),
            "corroboration": self.corroboration, "stances": dict(self.stances),
            "conflict": self.conflict, "credibility": self.credibility,
            "credibility_text": CREDIBILITY[self.credibility],
            "silences": [s.to_dict() for s in self.silences],
        }


class _UnionFind:
    def __init__(self, items: Iterable[str]) -> None:
        self.parent = {i: i for i in items}

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def independent_origins(reports: Sequence[Report]) -> tuple[list[list[Report]], list[Report]]:
    """Independent origins among ``reports``, and the derivative reports.

    A report that quotes or reposts another report of the set (by URL or id) is *derivative*:
    it adds no independent origin. The others are joined into one origin when they share the
    text (a repost), the source, or a quoted post outside the set.
    """
    by_ref: dict[str, str] = {}
    for r in reports:
        by_ref[r.id] = r.id
        if r.url:
            by_ref[r.url] = r.id
    derived = [r for r in reports if any(by_ref.get(q, r.id) != r.id for q in r.quotes)]
    derived_ids = {r.id for r in derived}
    primary = [r for r in reports if r.id not in derived_ids]
    uf = _UnionFind(r.id for r in primary)
    owner: dict[str, str] = {}
    for r in primary:
        keys = {f"hash:{r.content_sha256}", f"source:{r.source_id}", *(f"q:{q}" for q in r.quotes)}
        for k in keys:
            if k in owner:
                uf.union(owner[k], r.id)
            else:
                owner[k] = r.id
    groups: dict[str, list[Report]] = {}
    for r in primary:
        groups.setdefault(uf.find(r.id), []).append(r)
    origins = sorted(groups.values(), key=lambda g: (min(x.published for x in g), g[0].id))
    return origins, derived


def _subject(c: Claim) -> tuple[str, str]:
    return c.subject_kind.value, c.subject_id


def group_claims(claims: Iterable[Claim], reports: Mapping[str, Report], *,
                 window_days: int = 3) -> list[ClaimGroup]:
    """Group claims by subject and kind; a new group starts when the next event date is more
    than ``window_days`` after the previous one (single linkage on sorted dates)."""
    by_key: dict[tuple[str, str, ClaimKind], list[Claim]] = {}
    for c in claims:
        by_key.setdefault((*_subject(c), c.kind), []).append(c)
    out: list[ClaimGroup] = []
    for (skind, sid, kind), items in sorted(by_key.items(), key=lambda kv: (kv[0][0], kv[0][1],
                                                                            kv[0][2].value)):
        items.sort(key=lambda c: (c.event_date, c.published, c.id))
        runs: list[list[Claim]] = [[items[0]]]
        for c in items[1:]:
            if (c.event_date - runs[-1][-1].event_date).days > window_days:
                runs.append([c])
            else:
                runs[-1].append(c)
        for run in runs:
            reps = [reports[r] for r in dict.fromkeys(c.report_id for c in run) if r in reports]
            primary, derived = independent_origins(reps)
            origins = tuple(tuple(sorted({r.source_id for r in o})) for o in primary)
            stances: dict[str, int] = {}
            for c in run:
                stances[c.stance.value] = stances.get(c.stance.value, 0) + 1
            start, end = run[0].event_date, run[-1].event_date
            out.append(ClaimGroup(
                key=f"{sid}:{kind.value}:{start.isoformat()}", subject_kind=skind,
                subject_id=sid, kind=kind, start=start, end=end, claims=tuple(run),
                origins=origins, derived=tuple(sorted({r.source_id for r in derived})),
                stances=stances))
    return out


def silences(group: ClaimGroup, sources: Iterable[ReportSource], reports: Iterable[Report], *,
             operator: str = "", window_days: int = 3,
             as_of: dt.date | None = None) -> list[Silence]:
    """Official sources that said nothing on the group's subject within the window.

    The window runs from the group's first event date to ``window_days`` after its last
    (cut at ``as_of``). Only sources of kind ``official`` are considered, and, when an
    ``operator`` is given, only those that speak for it (or say for whom they speak nothing).
    """
    start = group.start
    end = group.end + dt.timedelta(days=window_days)
    if as_of is not None:
        end = max(start, min(end, as_of))
    said = {c.source_id for c in group.claims}
    reps = list(reports)
    out: list[Silence] = []
    for s in sources:
        if s.kind != SourceKind.OFFICIAL or s.id in said:
            continue
        if operator and s.speaks_for and operator not in s.speaks_for:
            continue
        n = sum(1 for r in reps if r.source_id == s.id and start <= r.published.date() <= end)
        out.append(Silence(source_id=s.id, source_name=s.name, group_key=group.key,
                           subject_id=group.subject_id, kind=group.kind, window_start=start,
                           window_end=end, reports_in_window=n))
    return out
