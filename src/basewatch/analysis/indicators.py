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
from basewatch.analysis.exposure import Exposure, reach_timeline
from basewatch.analysis.verdicts import CountRow, Verdict
from basewatch.model.assessment import Indicator
from basewatch.model.reports import ClaimKind, Stance, SubjectKind

__all__ = ["airlift_group", "claim_indicators", "corridor_indicators",
           "exposure_indicators", "flight_indicators", "imagery_indicators"]

#: An imagery observation stops counting a week after it was taken: newer images supersede it.
IMAGERY_STALE_DAYS = 7


def airlift_group(site: str) -> str:
    """The independence group of an airlift from a site: surge days and posts about aircraft
    leaving it count once."""
    return f"airlift:{site}"

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
            # An aircraft leaving is part of the site's airlift: one group with the surge days.
            state = "aircraft_departure"
            group = airlift_group(site)
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


def exposure_indicators(series: Iterable[Exposure], site: str,
                        front_km: float = 50.0) -> list[Indicator]:
    """A hostile munition coming into reach, and the front coming within ``front_km``.

    Both follow from one moving front, so they form one independence group per site.
    """
    items = sorted((e for e in series if e.facility == site), key=lambda e: e.date)
    out: list[Indicator] = []
    synthetic = any(e.synthetic for e in items)
    for (system, munition), day in sorted(reach_timeline(items).items(), key=lambda kv: kv[1]):
        e = next(x for x in items if x.date == day)
        r = next(x for x in e.reach if (x.system, x.munition) == (system, munition))
        out.append(Indicator(
            kind="exposure", state="new_system_in_reach", site=site, date=day,
            description=f"{r.system_name} {r.munition} ({r.faction}) in reach, margin "
                        f"{r.margin_km:.0f} km", source=r.source, group=f"exposure:{site}",
            synthetic=synthetic))
    close = next((e for e in items if e.nearest and e.nearest.distance_km <= front_km), None)
    if close is not None and close.nearest is not None:
        out.append(Indicator(
            kind="exposure", state="front_within_50km", site=site, date=close.date,
            description=f"hostile ground {close.nearest.distance_km:.0f} km away "
                        f"({close.nearest_faction})", source="control snapshots",
            group=f"exposure:{site}", synthetic=close.synthetic))
    return out


def corridor_indicators(series: Iterable[dict[str, object]], site: str) -> list[Indicator]:
    """The first date the site's road corridor (a ``corridor_timeline`` series) was cut."""
    for s in series:
        if not s["connected"]:
            return [Indicator(
                kind="corridor", state="cut", site=site, date=dt.date.fromisoformat(str(s["date"])),
                description=f"road corridor to {s.get('to', 'its rear')} cut",
                source="road network and control snapshots", group=f"corridor:{site}",
                synthetic=bool(s.get("synthetic")))]
    return []


def imagery_indicators(rows: Iterable[CountRow], site: str) -> list[Indicator]:
    """Imagery counts judged against the site's history: a drop (anomalous, unusual, or not
    conclusive because common in the site's own history), a normal count, or an anomalous rise.

    Everything counted on one image (one date and source) is one independence group; the base
    rate of the observed state in the site's history goes with the indicator.
    """
    out: list[Indicator] = []
    for r in rows:
        j = r.judgement
        if j.base_rate is None or j.typical is None:
            continue  # too little history to weigh
        below = r.count < j.typical
        if j.verdict == Verdict.NORMAL:
            state = "within_normal"
        elif not below:
            if j.verdict != Verdict.ANOMALOUS:
                continue
            state = "rise_anomalous"
        else:
            state = {Verdict.ANOMALOUS: "drop_anomalous", Verdict.UNUSUAL: "drop_unusual",
                     Verdict.NOT_CONCLUSIVE: "drop_not_conclusive"}[j.verdict]
        out.append(Indicator(
            kind="imagery", state=state, site=site, date=r.day,
            description=f"{r.area} {r.object_class}: {r.count} ({j.verdict.value}; "
                        f"{j.state} in {j.base_rate:.0%} of {j.n} earlier dates)",
            source="; ".join(r.sources), group=f"imagery:{site}:{r.day.isoformat()}:{';'.join(r.sources)}",
            synthetic=r.synthetic or bool(r.history_synthetic), base_rate=j.base_rate,
            n_observations=j.n, stale_after_days=IMAGERY_STALE_DAYS))
    return out


def flight_indicators(daily: Iterable[dict[str, object]], site: str) -> list[Indicator]:
    """Airlift surges: days when heavy-transport take-offs exceed the airfield's own baseline.

    Single departures are not weighed one by one (transports always leave: that is what the
    baseline is for); the surge days of a site are one airlift, one independence group, which
    posts about aircraft leaving the site join (see :func:`airlift_group`).
    """
    out: list[Indicator] = []
    for r in daily:
        if r.get("category") == "heavy transport" and r.get("surge"):
            out.append(Indicator(
                kind="flights", state="heavy_transport_surge", site=site,
                date=dt.date.fromisoformat(str(r["day"])),
                description=f"{r['count']} heavy-transport take-offs against a baseline of "
                            f"{float(str(r['baseline_rate'])):.2f}/day (P = {float(str(r['p_value'])):.1g})",
                source="flight events", group=airlift_group(site), synthetic=bool(r.get("synthetic"))))
    return out
