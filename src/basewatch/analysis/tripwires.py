"""Tripwires: user conditions on a site, evaluated day by day; an alert fires when one turns true.

Conditions (one per tripwire, on the tripwire's site):

==========================  ===============================================================
``distance < 40``           nearest hostile ground closer than 40 km (``<``, ``<=``)
``in_reach(smerch)``        a hostile system whose id or name contains "smerch" reaches it
``corridor(rear) == cut``      the road corridor to the site's rear (or a named place) is cut
``p(withdrawal) >= 0.6``    the probability of a hypothesis crosses a threshold
``verdict == anomalous``    an imagery verdict of that kind on the date
==========================  ===============================================================

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

__all__ = ["Condition", "SiteFacts", "evaluate", "parse_condition", "run_tripwires", "tripwire_id"]


def tripwire_id(site: str, condition: str) -> str:
    """A stable id from site and condition, so adding the same tripwire twice is a no-op."""
    import hashlib

    return hashlib.sha256(f"{site}|{parse_condition(condition).text}".encode()).hexdigest()[:10]

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq}
_PATTERN = re.compile(
    r"^\s*(?P<fn>distance|in_reach|corridor|p|verdict)\s*(?:\(\s*(?P<arg>[^)]*?)\s*\))?\s*"
    r"(?:(?P<op><=|>=|==|<|>)\s*(?P<val>[\w.\-]+)\s*(?:km)?)?\s*$")


@dataclass(frozen=True)
class SiteFacts:
    """What the other capabilities say about a site on a date."""

    distance_km: float | None = None
    in_reach: frozenset[str] = frozenset()
    corridors: Mapping[str, bool] | None = None  # destination -> connected
    probabilities: Mapping[str, float] | None = None
    verdicts: frozenset[str] = frozenset()
    synthetic: bool = False


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
            "'corridor(rear) == cut', 'p(withdrawal) >= 0.6', 'verdict == anomalous'")
    fn, arg, op, val = m["fn"], m["arg"] or "", m["op"] or "", m["val"] or ""
    needs_arg = fn in ("in_reach", "corridor", "p")
    if needs_arg and not arg:
        raise ValidationError(f"condition {text!r}: {fn}(...) needs an argument")
    if fn == "in_reach" and op:
        raise ValidationError(f"condition {text!r}: in_reach(...) takes no comparison")
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
        hits = sorted(s for s in facts.in_reach if cond.arg.lower() in s.lower())
        return bool(hits), ("in reach of " + ", ".join(hits)) if hits else "not in reach"
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
                  timeline: Mapping[str, Mapping[dt.date, SiteFacts]]) -> list[Alert]:
    """Alerts for every crossing of every tripwire over the dates of ``timeline[site]``."""
    alerts: list[Alert] = []
    for tw in tripwires:
        cond = parse_condition(tw.condition)
        days = timeline.get(tw.site, {})
        before = False
        for day in sorted(days):
            ok, evidence = evaluate(cond, days[day])
            if ok and not before:
                alerts.append(Alert(tw.id, day, tw.site, f"{tw.site}: {cond.text} on {day}",
                                    (evidence,), days[day].synthetic))
            before = ok
    return sorted(alerts, key=lambda a: (a.date, a.tripwire))
