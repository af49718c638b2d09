"""Dates in the text of posts, explicit or relative to the post's time, in every language of
:mod:`basewatch.analysis.lexicon`. Pure: no I/O."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from basewatch.analysis.lexicon import Compiled

__all__ = ["FoundDate", "find_dates"]


_MONTHS = {m.lower(): i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"], start=1)}
_MONTHS.update({k[:3]: v for k, v in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_MON = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|" \
       r"aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "a": 1}
_DATE = re.compile(
    r"\b(?:(?P<iso>\d{4}-\d{2}-\d{2})"
    rf"|(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON}(?:,?\s+(?P<y1>\d{{4}}))?"
    rf"|{_MON.replace('mon>', 'mon2>')}\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y2>\d{{4}}))?"
    r"|(?P<rel>today|yesterday|last night|the day before yesterday)"
    r"|(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten|a)\s+days?\s+(?P<dir>ago|after|"
    r"before|later|earlier))\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FoundDate:
    start: int
    end: int
    date: dt.date
    basis: str  # explicit or relative
    text: str


def _with_year(day: int, month: int, year: int | None, ref: dt.date) -> dt.date | None:
    try:
        if year is not None:
            return dt.date(year, month, day)
        d = dt.date(ref.year, month, day)
        # A date without a year more than a week after the post is last year's (29 Dec in Jan).
        if d > ref + dt.timedelta(days=7):
            d = dt.date(ref.year - 1, month, day)
        return d
    except ValueError:
        return None


def find_dates(text: str, published: dt.datetime,
               lexicon: Compiled | None = None) -> list[FoundDate]:
    """Explicit and post-relative dates in ``text``; "N days after/before" anchors on the
    explicit date that follows or precedes it, else on the post's day. ``lexicon`` adds the
    dates of its languages ("2 декабря", "вчора", "أمس") to the English and ISO ones."""
    ref = published.date()
    found: list[FoundDate] = []
    if lexicon is not None and lexicon.languages != ("en",):
        found.extend(_other_dates(text, ref, lexicon))
    pending: list[tuple[int, int, int, str]] = []  # (start, end, signed days, text) to anchor
    for m in _DATE.finditer(text):
        g = m.groupdict()
        d: dt.date | None = None
        if g["iso"]:
            try:
                d = dt.date.fromisoformat(g["iso"])
            except ValueError:
                d = None
        elif g["d1"]:
            d = _with_year(int(g["d1"]), _MONTHS[g["mon"].lower()[:3]],
                           int(g["y1"]) if g["y1"] else None, ref)
        elif g["d2"]:
            d = _with_year(int(g["d2"]), _MONTHS[g["mon2"].lower()[:3]],
                           int(g["y2"]) if g["y2"] else None, ref)
        elif g["rel"]:
            rel = g["rel"].lower()
            back = {"today": 0, "yesterday": 1, "last night": 1,
                    "the day before yesterday": 2}[rel]
            found.append(FoundDate(m.start(), m.end(), ref - dt.timedelta(days=back),
                                   "relative", m.group()))
            continue
        elif g["n"]:
            n = int(g["n"]) if g["n"].isdigit() else _NUMBERS[g["n"].lower()]
            direction = g["dir"].lower()
            if direction == "ago":
                found.append(FoundDate(m.start(), m.end(), ref - dt.timedelta(days=n),
                                       "relative", m.group()))
            else:
                sign = 1 if direction in ("after", "later") else -1
                pending.append((m.start(), m.end(), sign * n, m.group()))
            continue
        if d is not None:
            found.append(FoundDate(m.start(), m.end(), d, "explicit", m.group()))
    explicit = [f for f in found if f.basis == "explicit"]
    for s, e, days, txt in pending:
        after = [f for f in explicit if f.start >= e]
        before = [f for f in explicit if f.end <= s]
        anchor = after[0] if after else (before[-1] if before else None)
        if anchor is not None:
            found.append(FoundDate(s, max(e, anchor.end) if after else e,
                                   anchor.date + dt.timedelta(days=days), "relative",
                                   txt + (" " + anchor.text if after else "")))
        # "two days after the start of the offensive": no anchor in text, no date claimed.
    return sorted(found, key=lambda f: f.start)




def _other_dates(text: str, ref: dt.date, lex: Compiled) -> list[FoundDate]:
    out: list[FoundDate] = []
    for m in lex.day_month.finditer(text):
        month = lex.month(m.group("mon"))
        if month is None:
            continue
        d = _with_year(int(m.group("d")), month, int(m.group("y")) if m.group("y") else None,
                       ref)
        if d is not None:
            out.append(FoundDate(m.start(), m.end(), d, "explicit", m.group()))
    # One pass over the joined phrases, longest first at each place: "позавчера" is not
    # also "вчера".
    for m in lex.relative_any.finditer(text):
        back = lex.relative[int(m.lastgroup[1:])][1] if m.lastgroup else 0
        out.append(FoundDate(m.start(), m.end(), ref - dt.timedelta(days=back), "relative",
                             m.group()))
    for pat in lex.ago:
        for m in pat.finditer(text):
            g = m.group("n").lower()
            n = int(g) if g.isdigit() else lex.numbers.get(g)
            if n is not None:
                out.append(FoundDate(m.start(), m.end(), ref - dt.timedelta(days=n),
                                     "relative", m.group()))
    return out
