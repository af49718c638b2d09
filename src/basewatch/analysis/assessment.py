"""Fusing indicators into probabilities over competing hypotheses, step by step.

Method (documented so a reader can check every number):

1. Each indicator is matched to a row of the likelihood table by (kind, state): P(e | h) for
   every hypothesis h, with a one-line reason. If the indicator carries the base rate of its
   state in the site's own history, that rate replaces P(e | routine): a state seen on 18 % of
   routine days has P(e | routine) = 0.18, so it weighs little.
2. Indicators that share an independence group count once: the group is represented by its most
   informative member (largest |log likelihood ratio| for the focus hypothesis); the others are
   listed with it.
3. Bayesian update in log space: log P(h | E) = log P(h) + sum of log P(e | h), normalised. The
   result does not depend on the order of the evidence; the running probabilities shown follow
   the evidence in date order.
4. Each step shows its likelihood ratio for the focus hypothesis H against the others,
   LR = P(e | H) / P(e | not H), P(e | not H) weighted by the alternatives' priors.
5. Sensitivity: the final probability of H if each step's P(e | H) were halved or doubled.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from basewatch.errors import ValidationError
from basewatch.model.assessment import Indicator, LikelihoodTable

__all__ = ["WORDS_SCALE", "Assessment", "Step", "assess", "probability_words"]

#: Words for probabilities, after the US ODNI's Intelligence Community Directive 203 (2015).
WORDS_SCALE: tuple[tuple[float, str], ...] = (
    (0.05, "almost no chance"), (0.20, "very unlikely"), (0.45, "unlikely"),
    (0.55, "roughly even chance"), (0.80, "likely"), (0.95, "very likely"),
    (1.01, "almost certain"),
)
_CLIP = (0.01, 0.99)


def probability_words(p: float) -> str:
    """ICD 203 words for a probability.

    >>> probability_words(0.62)
    'likely'
    """
    for upper, words in WORDS_SCALE:
        if p < upper:
            return words
    return WORDS_SCALE[-1][1]


@dataclass(frozen=True)
class Step:
    """One piece of evidence (an independence group counted once) and what it did."""

    indicator: Indicator
    others_in_group: tuple[Indicator, ...]
    likelihoods: dict[str, float]
    reason: str
    likelihood_ratio: float
    probability_after: float
    base_rate_used: bool

    def to_dict(self) -> dict[str, Any]:
        return {**self.indicator.to_dict(),
                "others_in_group": [i.to_dict() for i in self.others_in_group],
                "likelihoods": {k: round(v, 4) for k, v in self.likelihoods.items()},
                "reason": self.reason, "likelihood_ratio": round(self.likelihood_ratio, 3),
                "probability_after": round(self.probability_after, 4),
                "base_rate_used": self.base_rate_used}


@dataclass(frozen=True)
class Assessment:
    site: str
    date: dt.date
    focus: str
    priors: dict[str, float]
    posterior: dict[str, float]
    steps: tuple[Step, ...]
    unweighed: tuple[Indicator, ...]
    sensitivity: tuple[tuple[str, float, float], ...]  # (description, p if halved, p if doubled)
    names: dict[str, str] = field(default_factory=dict)  # hypothesis id -> name

    @property
    def probability(self) -> float:
        return self.posterior[self.focus]

    @property
    def synthetic(self) -> bool:
        return any(s.indicator.synthetic for s in self.steps)

    def paragraph(self, names: dict[str, str] | None = None) -> str:
        """A short explanation in words, with the evidence that would change it most."""
        name = {**self.names, **(names or {})}.get(self.focus, self.focus)
        p = self.probability
        text = (f"{self.site} on {self.date}: '{name}' is {probability_words(p)} ({p:.0%}; "
                f"prior {self.priors[self.focus]:.0%}) on {len(self.steps)} independent pieces "
                f"of evidence.")
        if self.steps:
            top = max(self.steps, key=lambda s: abs(math.log(s.likelihood_ratio)))
            text += (f" The strongest is {top.indicator.description} (likelihood ratio "
                     f"{top.likelihood_ratio:.2f}).")
        if self.sensitivity:
            most = max(self.sensitivity, key=lambda s: abs(s[2] - s[1]))
            text += (f" Most sensitive to: {most[0]} ({most[1]:.0%} if its weight were halved, "
                     f"{most[2]:.0%} if doubled).")
        if self.synthetic:
            text += " Some evidence is SYNTHETIC (made up to fill a gap); see the table."
        return text

    def to_dict(self) -> dict[str, Any]:
        return {"site": self.site, "date": self.date.isoformat(), "focus": self.focus,
                "probability": round(self.probability, 4),
                "words": probability_words(self.probability),
                "priors": self.priors, "posterior": {k: round(v, 4) for k, v in self.posterior.items()},
                "steps": [s.to_dict() for s in self.steps],
                "unweighed": [i.to_dict() for i in self.unweighed],
                "sensitivity": [{"evidence": d, "if_halved": round(a, 4), "if_doubled": round(b, 4)}
                                for d, a, b in self.sensitivity],
                "synthetic": self.synthetic, "paragraph": self.paragraph()}


def _likelihoods(table: LikelihoodTable, ind: Indicator) -> tuple[dict[str, float], str, bool] | None:
    row = table.rows.get((ind.kind, ind.state))
    if row is None:
        return None
    lk = dict(row.likelihoods)
    used = False
    if ind.base_rate is not None and row.base_rate_hypothesis:
        if not 0.0 <= ind.base_rate <= 1.0:
            raise ValidationError(f"indicator {ind.description}: base rate {ind.base_rate} not in [0, 1]")
        lk[row.base_rate_hypothesis] = min(max(ind.base_rate, _CLIP[0]), _CLIP[1])
        used = True
    return lk, row.reason, used


def _lr(lk: dict[str, float], focus: str, priors: dict[str, float]) -> float:
    others = {h: w for h, w in priors.items() if h != focus}
    total = sum(others.values())
    p_not = sum(lk[h] * w for h, w in others.items()) / total
    return lk[focus] / p_not


def _posterior(priors: dict[str, float], lks: Iterable[dict[str, float]]) -> dict[str, float]:
    logp = {h: math.log(p) for h, p in priors.items()}
    for lk in lks:
        for h in logp:
            logp[h] += math.log(lk[h])
    top = max(logp.values())
    unnorm = {h: math.exp(v - top) for h, v in logp.items()}
    z = sum(unnorm.values())
    return {h: v / z for h, v in unnorm.items()}


def assess(table: LikelihoodTable, indicators: Sequence[Indicator], focus: str, *,
           site: str, date: dt.date) -> Assessment:
    """Fuse ``indicators`` (those dated on or before ``date`` and not stale) into posteriors."""
    priors = {h.id: h.prior for h in table.hypotheses}
    if focus not in priors:
        raise ValidationError(f"unknown hypothesis {focus!r} (table has {', '.join(priors)})")
    def current(i: Indicator) -> bool:
        fresh = i.stale_after_days is None or (date - i.date).days <= i.stale_after_days
        return i.date <= date and fresh

    usable = sorted((i for i in indicators if current(i)), key=lambda i: (i.date, i.description))
    unweighed: list[Indicator] = []
    groups: dict[str, list[tuple[Indicator, dict[str, float], str, bool]]] = {}
    for ind in usable:
        got = _likelihoods(table, ind)
        if got is None:
            unweighed.append(ind)
            continue
        groups.setdefault(ind.group, []).append((ind, *got))
    chosen = []
    for members in groups.values():
        best = max(members, key=lambda m: abs(math.log(_lr(m[1], focus, priors))))
        chosen.append((best, tuple(m[0] for m in members if m is not best)))
    chosen.sort(key=lambda c: (c[0][0].date, c[0][0].description))
    steps: list[Step] = []
    running: list[dict[str, float]] = []
    for (ind, lk, reason, used), others in chosen:
        running.append(lk)
        p_after = _posterior(priors, running)[focus]
        steps.append(Step(ind, others, lk, reason, _lr(lk, focus, priors), p_after, used))
    posterior = _posterior(priors, running)
    sensitivity = []
    for i, s in enumerate(steps):
        out = []
        for factor in (0.5, 2.0):
            lks = [dict(x) for x in running]
            lks[i][focus] = min(max(lks[i][focus] * factor, 1e-6), _CLIP[1])
            out.append(_posterior(priors, lks)[focus])
        sensitivity.append((s.indicator.description, out[0], out[1]))
    return Assessment(site, date, focus, priors, posterior, tuple(steps), tuple(unweighed),
                      tuple(sensitivity), {h.id: h.name for h in table.hypotheses})
