"""Tripwires: user conditions on a site, evaluated day by day; an alert fires when one turns true.

Conditions (one per tripwire, on the tripwire's site; the grammar is in docs/assessment.md):

==============================  ===========================================================
``distance < 40``               nearest hostile ground closer than 40 km (``<``, ``<=``,
                                ``>``, ``>=``; an optional ``km`` after the number)
``in_reach(smerch)``            a hostile system reaches it whose id (``bm-30-smerch``),
                                name or an alias contains the argument, or whose "name
                                munition" does
``overrun``                     the site stands inside ground held by a hostile faction
``corridor(rear) == cut``       the road corridor to the site's rear (or a named place) is
                                cut (or ``== connected``)
``p(withdrawal) >= 0.6``        the probability of a hypothesis crosses a threshold
``verdict == anomalous``        an imagery verdict of that kind on the date
==============================  ===========================================================

An alert fires on the first date a condition holds after a date on which it did not (or on the
first date evaluated): once per crossing, not every day it stays true.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from basewatch.errors import ValidationError
from basewatch.model.assessment import Alert, Tripwire

__all__ = ["OVERRUN", "Condition", "ReachFact", "SiteFacts", "evaluate", "parse_condition", "run_tripwires", "tripwire_id"]


def tripwire_id(site: str, condition: str) -> str:
    """A stable id from site and condition, so adding the same tripwire twice is a no-op."""
    import hashlib

    return hashlib.sha256(f"{site}|{parse_condition(condition).text}".encode()).hexdigest()[:10]

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq}
_PATTERN = re.compile(
    r"^\s*(?P<fn>distance|in_reach|corridor|p|verdict|overrun)\s*(?:\(\s*(?P<arg>[^)]*?)\s*\))?\s*"
    r"(?:(?P<op><=|>=|==|<|>)\s*(?P<val>[\w.\-]+)\s*(?:km)?)?\s*$")


#: The condition of the "site overrun" alert, evaluated on every watched site.
OVERRUN = "overrun"


@dataclass(frozen=True)
class ReachFact:
    """A hostile (system, munition) that reaches the site."""

    system: str
    name: str
    munition: str
    #: The system's other names in the catalogue (``aliases``): ``in_reach`` matches them too.
    aliases: tuple[str, ...] = ()

    def words(self) -> str:
        return f"{self.name} {self.munition}"

    def matches(self, arg: str) -> bool:
        a = _fold(arg)
        return any(a in _fold(x) for x in (self.system, self.name, self.words(), *self.aliases))


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


@dataclass(frozen=True)
class SiteFacts:
    """What the other capabilities say about a site on a date."""

    distance_km: float | None = None
    in_reach: frozenset[ReachFact | str] = frozenset()
    corridors: Mapping[str, bool] | None = None  # destination -> connected
    probabilities: Mapping[str, float] | None = None
    verdicts: frozenset[str] = frozenset()
    synthetic: bool = False
    #: Inside hostile ground: (holding faction, since, depth km or None); else None.
    inside: tuple[str, dt.date | None, float | None] | None = None


@dataclass(frozen=True)
class Condition:
    fn: str
    arg: str
    op: str
    value: str
    text: str


def parse_condition(text: str) -> Condition:
    """Parse a condition; raises ValidationError naming what is wrong."""
    m = _PATTERN.match(text)
    if not m:
        raise ValidationError(
            f"cannot parse condition {text!r}; examples: 'distance < 40', 'in_reach(smerch)', "
            "'overrun', 'corridor(rear) == cut', 'p(withdrawal) >= 0.6', "
            "'verdict == anomalous' (docs/assessment.md)")
    fn, arg, op, val = m["fn"], m["arg"] or "", m["op"] or "", m["val"] or ""
    needs_arg = fn in ("in_reach", "corridor", "p")
    if needs_arg and not arg:
        raise ValidationError(f"condition {text!r}: {fn}(...) needs an argument")
    if fn == "in_reach" and op:
        raise ValidationError(f"condition {text!r}: in_reach(...) takes no comparison")
    if fn == "overrun" and (op or arg):
        raise ValidationError(f"condition {text!r}: overrun takes no argument or comparison")
    if fn in ("distance", "p"):
        if op not in ("<", "<=", ">", ">="):
            raise ValidationError(f"condition {text!r}: {fn} needs <, <=, > or >= and a number")
        try:
            float(val)
        except ValueError:
            raise ValidationError(f"condition {text!r}: {val!r} is not a number") from None
    if fn == "corridor" and (op != "==" or val not in ("cut", "connected")):
        raise ValidationError(f"condition {text!r}: use corridor(PLACE) == cut|connected")
    if fn == "verdict" and (op != "==" or not val):
        raise ValidationError(f"condition {text!r}: use verdict == anomalous|unusual|...")
    return Condition(fn, arg, op, val, text.strip())


def evaluate(cond: Condition, facts: SiteFacts) -> tuple[bool, str]:
    """Whether the condition holds on these facts, and the evidence in words."""
    if cond.fn == "distance":
        if facts.distance_km is None:
            return False, "no distance known"
        ok = _OPS[cond.op](facts.distance_km, float(cond.value))
        return ok, f"nearest hostile ground {facts.distance_km:.1f} km"
    if cond.fn == "in_reach":
        hits = sorted(s.words() if isinstance(s, ReachFact) else s for s in facts.in_reach
                      if (s.matches(cond.arg) if isinstance(s, ReachFact)
                          else _fold(cond.arg) in _fold(s)))
        return bool(hits), ("in reach of " + ", ".join(hits)) if hits else "not in reach"
    if cond.fn == "overrun":
        if facts.inside is None:
            return False, "not inside hostile ground"
        faction, since, depth = facts.inside
        return True, (f"site overrun: inside ground held by {faction}"
                      + (f" since {since}" if since else "")
                      + (f", {depth:.1f} km from own-side ground" if depth is not None else ""))
    if cond.fn == "corridor":
        connected = (facts.corridors or {}).get(cond.arg.lower())
        if connected is None:
            return False, f"no corridor to {cond.arg} evaluated"
        state = "connected" if connected else "cut"
        return state == cond.value, f"corridor to {cond.arg} {state}"
    if cond.fn == "p":
        p = (facts.probabilities or {}).get(cond.arg)
        if p is None:
            return False, f"no assessment of {cond.arg}"
        return _OPS[cond.op](p, float(cond.value)), f"P({cond.arg}) = {p:.2f}"
    ok = cond.value in facts.verdicts
    return ok, ("imagery verdicts: " + ", ".join(sorted(facts.verdicts))) if facts.verdicts else "no verdict"


def run_tripwires(tripwires: Iterable[Tripwire],
                  timeline: Mapping[str, Mapping[dt.date, SiteFacts]],
                  overrun: bool = True) -> list[Alert]:
    """Alerts for every crossing of every tripwire over the dates of ``timeline[site]``.

    With ``overrun`` every watched site (one with a tripwire) also gets the "site overrun"
    alert when it comes to stand inside hostile ground, whether or not someone set it."""
    tws = list(tripwires)
    if overrun:
        have = {t.site for t in tws if parse_condition(t.condition).fn == OVERRUN}
        epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        tws += [Tripwire(tripwire_id(s, OVERRUN), OVERRUN, s, epoch)
                for s in sorted({t.site for t in tws} - have)]
    alerts: list[Alert] = []
    for tw in tws:
        cond = parse_condition(tw.condition)
        days = timeline.get(tw.site, {})
        before = False
        for day in sorted(days):
            ok, evidence = evaluate(cond, days[day])
            if ok and not before:
                msg = (f"{tw.site}: site overrun on {day}" if cond.fn == OVERRUN
                       else f"{tw.site}: {cond.text} on {day}")
                alerts.append(Alert(tw.id, day, tw.site, msg, (evidence,), days[day].synthetic))
            before = ok
    return sorted(alerts, key=lambda a: (a.date, a.tripwire))
