"""Turning each capability's findings into assessment indicators (pure functions).

Every function takes what one capability computed for a site and returns
:class:`~basewatch.model.assessment.Indicator` records dated on the day the finding became
known, so an assessment on a date only weighs what was known by then. The indicator kinds and
states are the rows of the likelihood table (``demo/data/likelihoods.json``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from basewatch.analysis.corroboration import ClaimGroup
from basewatch.model.assessment import Indicator
from basewatch.model.reports import ClaimKind, Stance, SubjectKind

__all__ = ["aircraft_event_group", "claim_indicators"]


def aircraft_event_group(registration: str, day: dt.date) -> str:
    """The independence group of everything said about one aircraft's movement on one day."""
    return f"aircraft:{registration.upper()}:{day.isoformat()}"

_LEAVING = {ClaimKind.DEPARTURE, ClaimKind.EVACUATION}


def claim_indicators(groups: Iterable[ClaimGroup], site: str) -> list[Indicator]:
    """Claims of departure or evacuation about ``site`` (or ships and aircraft tied to it), and
    official silence on them.

    Independence: claim groups of one kind whose asserting sources overlap (one account's posts
    on the flotilla and on each ship class of it, say) form one independence group and count
    once; reposts and quotes are already folded into each group's independent origins. Silence
    on a kind of claim about the site is one more group, however many official sources kept it.
    """
    relevant = []
    for g in groups:
        if g.kind not in _LEAVING or g.corroboration == 0:
            continue
        if site in {g.subject_id} | {c.tied_site for c in g.claims}:
            relevant.append(g)
    # Union of groups sharing an asserting source, per claim kind.
    parent = list(range(len(relevant)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def asserting(g: ClaimGroup) -> set[str]:
        return {c.source_id for c in g.claims if c.stance == Stance.ASSERTS}

    for i, gi in enumerate(relevant):
        for j in range(i):
            gj = relevant[j]
            if gi.kind == gj.kind and asserting(gi) & asserting(gj):
                parent[find(i)] = find(j)
    out: list[Indicator] = []
    for i, g in enumerate(relevant):
        claims = [c for c in g.claims if c.stance == Stance.ASSERTS]
        root = relevant[find(i)]
        group = f"claims:{site}:{g.kind.value}:{root.key}"
        if g.subject_kind == SubjectKind.AIRCRAFT.value:
            # One aircraft leaving is one flight: it shares its group with the flight itself.
            state = "aircraft_departure"
            group = aircraft_event_group(g.subject_id, g.start)
        elif g.kind == ClaimKind.EVACUATION:
            state = "evacuation_claimed"
        else:
            state = "departure_corroborated" if g.corroboration >= 2 else "departure_single"
        out.append(Indicator(
            kind="claims", state=state, site=site, date=min(c.published for c in claims).date(),
            description=f"{g.kind.value} of {claims[0].subject_label} asserted by "
                        f"{g.corroboration} independent origin(s) ({', '.join(g.sources)})",
            source=", ".join(g.sources), group=group, refs=(g.key,)))
    for kind in sorted({g.kind for g in relevant}, key=lambda k: k.value):
        sil = [s for g in relevant if g.kind == kind for s in g.silences]
        if not sil:
            continue
        names = ", ".join(sorted({s.source_name for s in sil}))
        out.append(Indicator(
            kind="silence", state="no_official_confirmation", site=site,
            date=min(s.window_end for s in sil),
            description=f"no official confirmation of the {kind.value} ({names})",
            source=names, group=f"silence:{site}:{kind.value}",
            refs=tuple(sorted({s.group_key for s in sil}))))
    return out
