"""Verdicts on imagery counts against the site's own history. Pure: data in, data out.

The question an analyst asks of "0 aircraft on the apron today" is: how often has this apron been
empty before? The answer decides whether the observation means anything.

Count model (documented in docs/imagery.md)
-------------------------------------------
Counts of ships in a harbour or aircraft on an apron are not Poisson: they sit near a usual value
(the flotilla in port) with occasional departures, and often bimodal (present / away). So the model
is the site's own **empirical distribution** of earlier counts in the same area and class, with no
shape assumed:

* the observed *state* is the tail the count falls in, seen from the usual value (median ``m``):
  ``count <= x`` when ``x < m`` (a drop), ``count >= x`` when ``x > m`` (a surge), ``count == x``
  when ``x == m``; presence-only histories (Sentinel-2 at 10 m cannot count aircraft) use the two
  states *empty* / *occupied*;
* the **base rate** is the share of earlier observations in that state (``k / n``), as shown;
* the **tail probability** is Laplace's rule of succession ``p = (k + 1) / (n + 2)``: the posterior
  mean of the state's probability under a uniform prior. It never claims that a state never
  happens, and it is itself the small-sample rule: with ``k = 0`` it takes ``n >= 99`` earlier
  observations to reach ``p < 0.01`` and ``n >= 19`` to reach ``p < 0.05``;
* the **anomaly score** is ``-log10(p)`` (2 = a 1-in-100 state).

Verdicts: fewer than :data:`MIN_HISTORY` earlier observations -> *not conclusive* (too little
history); ``p < 0.01`` -> *anomalous*; ``p < 0.05`` -> *unusual*; the count inside the
inter-quartile range of the history (or in the majority state, for presence/absence) -> *within
normal range*; otherwise -> *not conclusive*: the count departs from the usual value but the site
is in that state often enough that it does not, alone, show a change.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

import numpy as np

from basewatch.model.imagery import ImageryCount

__all__ = [
    "ANOMALOUS_P",
    "MIN_HISTORY",
    "UNUSUAL_P",
    "CountJudgement",
    "CountRow",
    "DailyCount",
    "Verdict",
    "daily_counts",
    "daily_totals",
    "judge_count",
    "judge_series",
    "site_verdicts",
]

#: Below this many earlier observations nothing is judged ("not conclusive: too little history").
MIN_HISTORY = 10
#: Tail probability below which a state is anomalous (a 1-in-100 state of the site's history).
ANOMALOUS_P = 0.01
#: Tail probability below which a state is unusual (1 in 20).
UNUSUAL_P = 0.05


class Verdict(str, Enum):
    """What a count says against the site's history."""

    ANOMALOUS = "anomalous"
    UNUSUAL = "unusual"
    NORMAL = "within normal range"
    NOT_CONCLUSIVE = "not conclusive"


@dataclass(frozen=True, slots=True)
class CountJudgement:
    """A count judged against ``n`` earlier observations of the same site, area and class."""

    observed: int
    n: int
    state: str
    base_rate: float | None
    p_tail: float | None
    score: float | None
    typical: float | None
    verdict: Verdict
    text: str
    presence_only: bool = False
    first: dt.date | None = None
    last: dt.date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "observed": self.observed, "n": self.n, "state": self.state,
            "base_rate": None if self.base_rate is None else round(self.base_rate, 4),
            "p_tail": None if self.p_tail is None else round(self.p_tail, 4),
            "score": None if self.score is None else round(self.score, 2),
            "typical": self.typical, "verdict": self.verdict.value, "text": self.text,
            "presence_only": self.presence_only,
            "history_from": self.first.isoformat() if self.first else None,
            "history_to": self.last.isoformat() if self.last else None,
        }


def _pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def judge_count(observed: int, history: Sequence[int], *, presence_only: bool = False,
                what: str = "count", first: dt.date | None = None,
                last: dt.date | None = None) -> CountJudgement:
    """Judge ``observed`` against earlier counts ``history`` of the same site, area and class.

    Parameters
    ----------
    observed : the count to judge (objects in the area).
    history : earlier counts, one per date (any order).
    presence_only : compare only empty / occupied (when either side cannot count).
    what : label for the text, e.g. ``"apron, aircraft"``.
    first, last : dates of the history, for the text.

    Examples
    --------
    >>> j = judge_count(0, [0] * 2 + [4] * 8 + [5] * 10)
    >>> j.verdict.value, j.base_rate, round(j.p_tail, 4)
    ('not conclusive', 0.1, 0.1364)
    >>> judge_count(0, [3] * 120).verdict.value
    'anomalous'
    """
    h = np.asarray(list(history), dtype=float)
    n = int(h.size)
    span = f" ({first} to {last})" if first and last else ""
    if presence_only:
        occupied = observed > 0
        state = "occupied" if occupied else "empty"
        k = int(np.count_nonzero(h > 0)) if occupied else int(np.count_nonzero(h == 0))
        typical: float | None = None if n == 0 else float(np.count_nonzero(h > 0) * 2 >= n)
        usual = n > 0 and k * 2 >= n
        central = usual
    else:
        typical = float(np.median(h)) if n else None
        if typical is None or observed == typical:
            state, k = f"{observed}", int(np.count_nonzero(h == observed))
        elif observed < typical:
            state = "empty (0)" if observed == 0 else f"{observed} or fewer"
            k = int(np.count_nonzero(h <= observed))
        else:
            state, k = f"{observed} or more", int(np.count_nonzero(h >= observed))
        central = n > 0 and bool(
            np.quantile(h, 0.25, method="inverted_cdf") <= observed
            <= np.quantile(h, 0.75, method="inverted_cdf"))
    if n < MIN_HISTORY:
        base = k / n if n else None
        rate = f"{state} in {k} of {n} earlier observations{span}" if n else "no earlier observations"
        text = (f"{what}: {observed}; {rate}; fewer than {MIN_HISTORY} observations: "
                f"{Verdict.NOT_CONCLUSIVE.value} (too little history)")
        return CountJudgement(observed, n, state, base, None, None, typical,
                              Verdict.NOT_CONCLUSIVE, text, presence_only, first, last)
    base_rate = k / n
    p = (k + 1) / (n + 2)
    score = -math.log10(p)
    if central:
        verdict = Verdict.NORMAL
    elif p < ANOMALOUS_P:
        verdict = Verdict.ANOMALOUS
    elif p < UNUSUAL_P:
        verdict = Verdict.UNUSUAL
    else:
        verdict = Verdict.NOT_CONCLUSIVE
    usual_text = ("usually occupied" if typical else "usually empty") if presence_only else \
        f"usually {typical:g}"
    text = (f"{what}: {observed} — {state} in {_pct(base_rate)} of {n} earlier observations{span}; "
            f"{usual_text}; p = {p:.3f}: {verdict.value}")
    if verdict is Verdict.NOT_CONCLUSIVE:
        text += " (this state is common enough in the site's own history)"
    return CountJudgement(observed, n, state, base_rate, p, score, typical, verdict, text,
                          presence_only, first, last)


@dataclass(frozen=True, slots=True)
class DailyCount:
    """One date's count of a site, area and class, from the best count of that date."""

    day: dt.date
    count: int
    record: ImageryCount

    @property
    def synthetic(self) -> bool:
        return self.record.provenance.synthetic


def _rank(c: ImageryCount) -> tuple[float, int]:
    # Finest resolution first; a real observation before a synthetic one of the same resolution.
    return (c.resolution_m if c.resolution_m is not None else math.inf,
            int(c.provenance.synthetic))


def daily_counts(counts: Iterable[ImageryCount]) -> list[DailyCount]:
    """One count per date (the finest-resolution one) of a single site/area/class, by date."""
    best: dict[dt.date, ImageryCount] = {}
    for c in counts:
        cur = best.get(c.day)
        if cur is None or _rank(c) < _rank(cur):
            best[c.day] = c
    return [DailyCount(d, best[d].count, best[d]) for d in sorted(best)]


def daily_totals(series: dict[str, list[DailyCount]]) -> list[tuple[dt.date, int, bool]]:
    """(date, sum over classes, synthetic) on the dates where every class of ``series`` was
    counted: e.g. the whole flotilla (frigates + submarines + auxiliaries)."""
    by_day: list[dict[dt.date, DailyCount]] = [{d.day: d for d in s} for s in series.values()]
    if not by_day:
        return []
    days = set.intersection(*(set(m) for m in by_day))
    return [(d, sum(m[d].count for m in by_day), any(m[d].synthetic for m in by_day))
            for d in sorted(days)]


def judge_series(days: Sequence[tuple[dt.date, int, bool]], *,
                 what: str = "count") -> list[CountJudgement]:
    """Judge each date of a daily series against all earlier dates of the same series.

    ``days`` is (date, count, presence_only) by date; a date is judged presence/absence when it or
    any earlier date is presence-only.
    """
    out: list[CountJudgement] = []
    for i, (day, count, presence) in enumerate(days):
        earlier = days[:i]
        binary = presence or any(p for _, _, p in earlier)
        out.append(judge_count(count, [c for _, c, _ in earlier], presence_only=binary, what=what,
                               first=earlier[0][0] if earlier else None,
                               last=earlier[-1][0] if earlier else None))
    return out


#: Vessel classes summed into a per-area total when several were counted on the same dates.
VESSEL_CLASSES = ("frigate", "corvette", "destroyer", "submarine", "auxiliary", "landing_ship",
                  "patrol_boat", "vessel_small")


@dataclass(frozen=True, slots=True)
class CountRow:
    """One date's count of a site, area and class, with its verdict against earlier dates.

    ``object_class`` is ``"total"`` for the sum of the vessel classes in ``classes``.
    """

    day: dt.date
    area: str
    object_class: str
    count: int
    judgement: CountJudgement
    synthetic: bool
    sources: tuple[str, ...]
    sensor: str = ""
    method: str = ""
    resolution_m: float | None = None
    classes: tuple[str, ...] = ()
    notes: str = ""
    history_synthetic: int = 0  # how many of the earlier observations are synthetic

    @property
    def text(self) -> str:
        """The verdict text, with the synthetic share of the history stated."""
        t = self.judgement.text
        if self.history_synthetic:
            t += f" [history: {self.history_synthetic} of {self.judgement.n} SYNTHETIC]"
        return t

    def to_dict(self) -> dict[str, Any]:
        j = self.judgement
        return {
            "date": self.day.isoformat(), "area": self.area, "class": self.object_class,
            "count": self.count, "compared_as": "presence" if j.presence_only else "count",
            "sensor": self.sensor,
            "resolution_m": self.resolution_m, "method": self.method,
            "source": "; ".join(self.sources), "synthetic": self.synthetic,
            "verdict": j.verdict.value, "base_rate": None if j.base_rate is None else
            round(j.base_rate, 4), "state": j.state, "n_history": j.n,
            "p_tail": None if j.p_tail is None else round(j.p_tail, 4),
            "anomaly_score": None if j.score is None else round(j.score, 2),
            "history_synthetic": self.history_synthetic,
            "text": self.text, **({"classes": list(self.classes)} if self.classes else {}),
            **({"notes": self.notes} if self.notes else {}),
        }


def site_verdicts(counts: Iterable[ImageryCount]) -> list[CountRow]:
    """Every date of every (area, class) series of a site judged against its earlier dates,
    plus the per-area total of the vessel classes counted on the same dates; sorted by date."""
    groups: dict[tuple[str, str], list[ImageryCount]] = {}
    for c in counts:
        groups.setdefault((c.area, c.object_class), []).append(c)
    rows: list[CountRow] = []
    vessel_series: dict[str, dict[str, list[DailyCount]]] = {}
    for (area, cls), items in sorted(groups.items()):
        series = daily_counts(items)
        if cls in VESSEL_CLASSES:
            vessel_series.setdefault(area, {})[cls] = series
        judged = judge_series([(d.day, d.count, d.record.presence_only) for d in series],
                              what=f"{area}, {cls}")
        n_synth = 0
        for d, j in zip(series, judged, strict=True):
            r = d.record
            rows.append(CountRow(d.day, area, cls, d.count, j, d.synthetic,
                                 (r.provenance.label,), r.sensor, r.method.value, r.resolution_m,
                                 notes=r.provenance.notes, history_synthetic=n_synth))
            n_synth += d.synthetic
    for area, by_cls in sorted(vessel_series.items()):
        if len(by_cls) < 2:
            continue
        totals = daily_totals(by_cls)
        names = tuple(sorted(by_cls))
        judged = judge_series([(d, n, False) for d, n, _ in totals],
                              what=f"{area}, total ({' + '.join(names)})")
        n_synth = 0
        for (day, n, synth), j in zip(totals, judged, strict=True):
            sources = tuple(sorted({by_day.record.provenance.label for s in by_cls.values()
                                    for by_day in s if by_day.day == day}))
            rows.append(CountRow(day, area, "total", n, j, synth, sources, classes=names,
                                 history_synthetic=n_synth))
            n_synth += synth
    rows.sort(key=lambda r: (r.day, r.area, r.object_class == "total", r.object_class))
    return rows
