"""Rule-based, explainable claim extraction from the text of reports. Pure: no I/O.

A :class:`Gazetteer` holds every name of every site, place and vessel class, folded to tokens
and stored in a token trie, so that one pass over a post's words finds all mentions, longest
first, and only on word boundaries ("Hama" never matches inside "Hamas"). Aircraft
registrations and types are found by one regular expression each.

Each sentence is split into clauses; a claim kind comes from the cue word nearest to the
subject (``departed`` -> departure), its stance from negations and hedges in the clause, its
date from an explicit date nearest the cue or a date relative to the post's time, and an
aircraft or vessel is tied to the site or place mentioned in its own clause. Each claim keeps
its span and the list of rules that fired.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

from basewatch.model import DatePrecision, Facility, Place
from basewatch.model.reports import Claim, ClaimKind, Report, ReportSource, Stance, SubjectKind

__all__ = [
    "VESSEL_CLASSES",
    "GazEntry",
    "Gazetteer",
    "Mention",
    "extract_claims",
    "find_dates",
]

#: Russian Navy ship and submarine classes seen at Tartus, with the spellings in use.
VESSEL_CLASSES: dict[str, tuple[str, ...]] = {
    "admiral-gorshkov-class": ("Admiral Gorshkov", "Gorshkov", "Gorzhkov", "Admiral Gorzhkov",
                               "Project 22350"),
    "admiral-grigorovich-class": ("Admiral Grigorovich", "Grigorovich", "Project 11356"),
    "kilo-class": ("Improved Kilo", "Kilo", "Kilo I", "Kilo II", "Varshavyanka",
                   "Project 636", "Project 636.3"),
    "slava-class": ("Slava", "Project 1164"),
    "udaloy-class": ("Udaloy", "Project 1155"),
}


@lru_cache(maxsize=200_000)
def _fold(token: str) -> str:
    """A token folded like :func:`basewatch.model.normalize_name`: no case, no accents."""
    if token.isascii():
        return token.lower()
    text = unicodedata.normalize("NFKD", token)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class GazEntry:
    """What a name refers to: a site (facility), a place or a vessel class."""

    kind: SubjectKind
    id: str
    label: str
    operator: str = ""


@dataclass(frozen=True, slots=True)
class Mention:
    """A name found in a text: characters [start, end) and the entry it names."""

    start: int
    end: int
    text: str
    entry: GazEntry


class Gazetteer:
    """Names to entries, in a trie of folded tokens for one-pass, longest-first matching.

    When a site and a place share a name ("Tartus" is a city and the naval facility's id),
    the site wins: claims in posts are about the base, and the place is kept as a fallback.
    """

    def __init__(self) -> None:
        # Nested dicts keyed by folded token; the key "" holds the entry a name ends on.
        self._trie: dict[str, Any] = {}
        self.size = 0

    def add(self, name: str, entry: GazEntry) -> None:
        tokens = [_fold(t) for t in _WORD.findall(name)]
        if not tokens:
            return
        node: dict[str, Any] = self._trie
        for t in tokens:
            node = node.setdefault(t, {})
        old = node.get("")
        if old is None:
            self.size += 1
        if old is None or (entry.kind == SubjectKind.SITE and
                           getattr(old, "kind", None) != SubjectKind.SITE):
            node[""] = entry

    @classmethod
    def build(cls, facilities: Iterable[Facility] = (), places: Iterable[Place] = (),
              vessels: dict[str, tuple[str, ...]] | None = None) -> Gazetteer:
        """A gazetteer of facility names, ids and aliases, place names and aliases, vessels."""
        g = cls()
        for p in places:
            e = GazEntry(SubjectKind.PLACE, p.id, p.name)
            for n in (p.id, *p.names):
                g.add(n, e)
        for f in facilities:
            e = GazEntry(SubjectKind.SITE, f.id, f.name, f.operator)
            for n in (f.id.replace("-", " "), *f.names):
                g.add(n, e)
        for vid, names in (VESSEL_CLASSES if vessels is None else vessels).items():
            e = GazEntry(SubjectKind.VESSEL, vid, names[0] + " class")
            for n in names:
                g.add(n, e)
        return g

    def find(self, text: str) -> list[Mention]:
        """Every mention in ``text``, longest match first, non-overlapping, in order."""
        words = [(m.start(), m.end(), _fold(m.group())) for m in _WORD.finditer(text)]
        out: list[Mention] = []
        i, n = 0, len(words)
        trie = self._trie
        while i < n:
            node: dict[str, Any] | None = trie.get(words[i][2])
            best: tuple[int, GazEntry] | None = None
            j = i
            while node is not None:
                hit = node.get("")
                if hit is not None:
                    best = (j, hit)
                j += 1
                if j >= n:
                    break
                node = node.get(words[j][2])
            if best is None:
                i += 1
                continue
            last, entry = best
            s, e = words[i][0], words[last][1]
            out.append(Mention(s, e, text[s:e], entry))
            i = last + 1
        return out


# --- aircraft --------------------------------------------------------------------------------

_REG = re.compile(r"(?<![\w-])(RA|RF)-(\d{5})(?![\w-])")
_TYPE = re.compile(r"(?<![\w-])(Il|An|Tu|Su|Ka|Mi|Yak|Be|MiG)-(\d{1,3}[A-Z]{0,3})(?![\w-])",
                   re.IGNORECASE)

# --- cues, stance ----------------------------------------------------------------------------

_CUES: tuple[tuple[ClaimKind, str], ...] = (
    (ClaimKind.IN_RANGE, (r"with(?:in)? range|in range|range of|could (?:easily )?hit|"
                          r"threaten\w*|can reach|could reach")),
    (ClaimKind.EVACUATION, r"evacuat\w*"),
    (ClaimKind.ABSENCE, (r"empty|deserted|abandoned|orphaned|no aircraft|none located|vacant|"
                         r"not present|missing")),
    (ClaimKind.DEPARTURE, (r"depart\w*|left|leav\w*|vacat\w*|withdr[ae]w\w*|"
                           r"sail\w* (?:away|from|out)|escape\w*|pull\w* out|return\w* to|"
                           r"flew out|exit\w*")),
    (ClaimKind.ARRIVAL, r"arriv\w*|landed|docked|came back|entered"),
    (ClaimKind.PRESENCE, (r"stationed|moored|based|visible|present|spotted|seen|deployed|"
                          r"remain\w*|anchored")),
    (ClaimKind.CAPTURE, r"captur\w*|seiz\w*|overr[au]n|took control|taken over|fall of|fell"),
    (ClaimKind.STRIKE, r"struck|strik\w*|shell\w*|bomb\w*|attack\w*|hit"),
)
_CUE = re.compile("|".join(f"(?P<k{i}>\\b(?:{p})\\b)" for i, (_, p) in enumerate(_CUES)),
                  re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:not|no|never|denied|deny|denies|false|fake|without|"
                       r"\w+n't)\b", re.IGNORECASE)
_HEDGE = re.compile(r"\b(?:reportedly|apparently|appears?|seems?|likely|probably|possibly|"
                    r"may|might|could|would|suggests?|rumou?r\w*|unconfirmed|if|speculat\w*|"
                    r"signs? of|not conclusive|allegedly|claims?)\b", re.IGNORECASE)
_DATE_HEDGE = re.compile(r"\b(?:likely|probably|possibly)\s+(?:on\s+)?$", re.IGNORECASE)
# A sentence ends at . ! ? followed by a space or the end, or at a line break: "pic.twitter.com"
# and "Il-76MD." inside a line do not end it.
_SENTENCE = re.compile(r"(?:[^.!?\n]|[.!?]+(?=[^\s.!?]))+(?:[.!?]+|$)", re.MULTILINE)
#: A cue outside the subject's clause counts only this close to it (characters).
_MAX_CUE_DISTANCE = 60
_CLAUSE_SPLIT = re.compile(r";|:\s|,\s*(?:while|whereas|but)\b|\s\|\s|\bwhile\b|\bwhereas\b",
                           re.IGNORECASE)
_FROM = re.compile(r"\b(?:from|leaving|left|departed|departing)\s+(?:\S+\s+){0,2}$",
                   re.IGNORECASE)
_TO = re.compile(r"\b(?:to|towards|for|into)\s+(?:\S+\s+){0,1}$", re.IGNORECASE)

# --- dates -----------------------------------------------------------------------------------

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


def find_dates(text: str, published: dt.datetime) -> list[FoundDate]:
    """Explicit and post-relative dates in ``text``; "N days after/before" anchors on the
    explicit date that follows or precedes it, else on the post's day."""
    ref = published.date()
    found: list[FoundDate] = []
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


# --- extraction ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Subject:
    kind: SubjectKind
    id: str
    label: str
    start: int
    end: int
    rule: str
    entry: GazEntry | None = None


def _clauses(start: int, sentence: str) -> list[tuple[int, int]]:
    bounds = [0, *[m.end() for m in _CLAUSE_SPLIT.finditer(sentence)], len(sentence) + 1]
    return [(start + a, start + b) for a, b in pairwise(bounds) if b > a]


def _stance(clause: str, cue_at: int, dates: Sequence[FoundDate], offset: int) -> tuple[Stance, str]:
    # Hedges that qualify a date ("likely on 2 December") say nothing about the event.
    masked = list(clause)
    for f in dates:
        s = f.start - offset
        if 0 <= s <= len(clause):
            m = _DATE_HEDGE.search(clause[:s])
            if m:
                masked[m.start():s] = " " * (s - m.start())
    text = "".join(masked)
    if re.search(r"not conclusive|inconclusive", text, re.IGNORECASE):
        return Stance.SPECULATES, "hedge:'not conclusive'"
    neg = [m for m in _NEGATION.finditer(text) if m.start() < cue_at and cue_at - m.end() < 40]
    if neg:
        return Stance.DENIES, f"negation:{neg[-1].group()!r}"
    hedge = _HEDGE.search(text)
    if hedge:
        return Stance.SPECULATES, f"hedge:{hedge.group()!r}"
    return Stance.ASSERTS, "no negation or hedge"


def extract_claims(report: Report, gazetteer: Gazetteer,
                   source: ReportSource | None = None) -> list[Claim]:
    """The claims of one report. Credibility is the source's default (6 if ungraded)."""
    text = report.text
    credibility = source.default_credibility if source is not None else 6
    mentions = gazetteer.find(text)
    sites_in_post = {m.entry.id for m in mentions
                     if m.entry.kind in (SubjectKind.SITE, SubjectKind.PLACE)}
    dates = find_dates(text, report.published)
    post_dates = {d.date for d in dates}
    post_sites = {m.entry.id: m.entry for m in mentions if m.entry.kind == SubjectKind.SITE}
    post_site = next(iter(post_sites.values())) if len(post_sites) == 1 else None
    claims: list[Claim] = []
    for sm in _SENTENCE.finditer(text):
        s0, s1 = sm.start(), sm.end()
        sentence = sm.group()
        cues = [(m.start() + s0, m.end() + s0, _CUES[int(m.lastgroup[1:])][0], m.group())
                for m in _CUE.finditer(sentence) if m.lastgroup]
        if not cues:
            continue
        sent_mentions = [m for m in mentions if s0 <= m.start < s1]
        regs = [_Subject(SubjectKind.AIRCRAFT, f"{m.group(1).upper()}-{m.group(2)}",
                         f"{m.group(1).upper()}-{m.group(2)}", m.start() + s0, m.end() + s0,
                         "registration") for m in _REG.finditer(sentence)]
        vessels = [_Subject(SubjectKind.VESSEL, m.entry.id, m.entry.label, m.start, m.end,
                            f"gazetteer:{m.text!r}", m.entry)
                   for m in sent_mentions if m.entry.kind == SubjectKind.VESSEL]
        places = [m for m in sent_mentions if m.entry.kind != SubjectKind.VESSEL]
        movers = regs + vessels
        subjects = movers or [_Subject(m.entry.kind, m.entry.id, m.entry.label, m.start, m.end,
                                       f"gazetteer:{m.text!r}", m.entry) for m in places]
        if not subjects and post_site is not None:
            # "Looking pretty empty" under a header naming one base: the post's only site,
            # once per kind of cue in the sentence.
            subjects = [_Subject(post_site.kind, post_site.id, post_site.label, c[0], c[1],
                                 f"post site:{post_site.id} (only site named in the post)",
                                 post_site) for c in cues]
        clauses = _clauses(s0, sentence)
        types = [(m.start() + s0, m.group()) for m in _TYPE.finditer(sentence)]
        seen: set[tuple[str, ClaimKind]] = set()
        for subj in subjects:
            c0, c1 = next(((a, b) for a, b in clauses if a <= subj.start < b), (s0, s1))
            # "fall of X" is about X only, not about the next name in the clause.
            usable = [c for c in cues if not c[3].lower().endswith(" of")
                      or text[c[1]:subj.start].strip() == ""]
            in_clause = [c for c in usable if c0 <= c[0] < c1] or \
                [c for c in usable if abs(c[0] - subj.start) <= _MAX_CUE_DISTANCE
                 or subj.kind == SubjectKind.VESSEL]  # ship lists run long
            if not in_clause:
                continue
            cue = min(in_clause, key=lambda c: abs(c[0] - subj.start))
            kind = cue[2]
            if (subj.id, kind) in seen:
                continue
            seen.add((subj.id, kind))
            rules = [subj.rule, f"cue:{cue[3]!r}->{kind.value}"]
            # Stance is read in the clause of the cue, which may not be the subject's.
            k0, k1 = next(((a, b) for a, b in clauses if a <= cue[0] < b), (c0, c1))
            stance, why = _stance(text[k0:min(k1, s1)], cue[0] - k0, dates, k0)
            rules.append(f"stance:{stance.value} ({why})")
            site_id = site_kind = destination = ""
            if subj.kind in (SubjectKind.AIRCRAFT, SubjectKind.VESSEL):
                tie = [m for m in places if c0 <= m.start < c1]
                if not tie and len(movers) == 1:
                    tie = places
                for m in tie:
                    if _TO.search(text[max(c0, m.start - 20):m.start]) and \
                            not _FROM.search(text[max(c0, m.start - 30):m.start]):
                        destination = destination or m.entry.id
                    elif not site_id:
                        site_id, site_kind = m.entry.id, m.entry.kind.value
                if site_id:
                    rules.append(f"tie:{site_id} (same clause)")
                elif subj.kind == SubjectKind.VESSEL and not tie and len(sites_in_post) == 1:
                    # A ship list under a post about one harbour belongs to that harbour.
                    site_id = next(iter(sites_in_post))
                    site_kind = next(m.entry.kind.value for m in mentions
                                     if m.entry.id == site_id)
                    rules.append(f"tie:{site_id} (only site in the post)")
                if destination:
                    rules.append(f"destination:{destination}")
                near_type = [t for p, t in types if abs(p - subj.start) < 40]
                label = f"{near_type[0]} {subj.label}" if near_type else subj.label
            else:
                label = subj.label
            in_sentence = [d for d in dates if s0 <= d.start < s1]
            if in_sentence:
                cue_at = cue[0]

                def score(d: FoundDate, cue_at: int = cue_at) -> float:
                    # The date nearest the cue, and one introduced by "on" before others.
                    on = 20 if re.search(r"\bon\s+$", text[max(0, d.start - 4):d.start]) else 0
                    return abs(d.start - cue_at) - on
                best = min(in_sentence, key=score)
                event_date, basis = best.date, best.basis
                rules.append(f"date:{basis} {best.text!r}")
            elif len(post_dates) == 1:
                (event_date,) = post_dates
                basis = "post"
                rules.append(f"date:the post's only date {event_date}")
            else:
                event_date, basis = report.published.date(), "published"
                rules.append("date: none given; on or before the post's day")
            claims.append(Claim(
                id=f"{report.id}:{s0}-{s1}:{subj.id}:{kind.value}", report_id=report.id,
                source_id=report.source_id, subject_kind=subj.kind, subject_id=subj.id,
                subject_label=label, kind=kind, stance=stance, published=report.published,
                event_date=event_date, date_precision=DatePrecision.DAY, date_basis=basis,
                span=(s0, s1), text=sentence.strip(), credibility=credibility,
                site_id=site_id, site_kind=site_kind, destination_id=destination,
                rules=tuple(rules)))
    return claims
