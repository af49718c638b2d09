"""Names that posts use often and the gazetteer does not know: places and military units, so
the analyst can add them as aliases or places. Pure: no I/O.

A place candidate is a capitalised word (or two) right after a locative preposition ("під
Гостомелем", "в Харькове", "near Hostomel", "قرب حميميم": Arabic has no capitals, so any word
after one of its prepositions); a unit is a number with a unit word or abbreviation ("128-я
ОШБр", "3-й батальйон", "155th Brigade"). Forms are grouped by their dictionary form and
script-independent skeleton, so "Гостомелем" and "Гостомеля" count together.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from basewatch.analysis.gazetteer import WORD, Gazetteer, fold, lemmas, skeleton
from basewatch.model.reports import Report

__all__ = ["UnknownName", "unknown_names"]

_CAP = r"[A-ZА-ЯЁІЇЄҐ][\w'’-]+"
_PLACE = re.compile(
    r"(?<!\w)(?:в|во|у|под|під|біля|возле|около|близ|из|із|з|от|від|до|поблизу|neighbou?r|"
    r"in|near|at|outside|around|from|towards|of)\s+"
    rf"(?P<name>{_CAP}(?:[ -]{_CAP})?)")
_AR_PLACE = re.compile(r"(?<!\w)(?:في|قرب|بالقرب من|من|إلى|الى|مدينة|بلدة|قرية|ريف|مطار|قاعدة)"
                       r"\s+(?P<name>[\u0621-\u064a]{3,})")
_UNIT = re.compile(
    r"(?<!\w)(?P<name>\d{1,3}(?:-?(?:я|й|а|ї|го|ої|ой|ий|ая|st|nd|rd|th))?\s+"
    r"(?:(?:отдельн|окрем|гвардейск|гвардійськ|механизированн|механізован|штурмов|десантн)\w*\s+)?"
    r"(?:ОШБр|ОМБр|ОМПБр|ОДШБр|ОАЕМБр|МСП|МСД|ТД|ВДД|ДШБр|бригад\w*|полк\w*|дивизи\w*|"
    r"дивізі\w*|батальон\w*|батальйон\w*|армі\w*|арми\w*|(?:[A-Z][a-z]+\s+){0,2}"
    r"(?:Brigade|Regiment|Division|Battalion|Army|Corps)))(?!\w)")
#: Words that follow prepositions with a capital and are not places.
_STOP = {"telegram", "twitter", "україни", "украины", "россии", "росії", "the", "зсу", "всу", "сша", "нато", "рф", "ук"}


@dataclass
class UnknownName:
    """A name posts use that the gazetteer does not find, with counts and examples."""

    kind: str  # place or unit
    name: str  # the most frequent dictionary form
    count: int = 0
    forms: dict[str, int] = field(default_factory=dict)
    examples: list[dict[str, Any]] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "count": self.count,
                "sources": len(self.sources),
                "forms": dict(sorted(self.forms.items(), key=lambda x: -x[1])),
                "examples": self.examples}


def _forms(name: str) -> tuple[set[str], str]:
    """(every key a place name may be grouped under, its dictionary form)."""
    keys: set[str] = set()
    base: list[list[str]] = []
    for w in WORD.findall(name):
        if re.search(r"[а-яёіїєґ]", w.lower()):
            base.append(list(lemmas(w)) or [fold(w)])
        else:
            base.append([fold(w)])
    for i in range(max(len(b) for b in base)):
        keys.add(" ".join(skeleton(b[min(i, len(b) - 1)]) or b[0] for b in base))
    # The dictionary form shown: the last lemma pymorphy gives is its dictionary's (Ukrainian)
    # or a predicted one; the first is Russian, often the unchanged word when it is unknown.
    return keys, " ".join(b[-1] for b in base)


def _unit_key(name: str) -> str:
    return re.sub(r"(\w{5})\w*", r"\1", re.sub(r"-?(?:я|й|а|ї|го|ої|ой|ий|ая|st|nd|rd|th)\b",
                                                "", fold(name)))


def unknown_names(reports: Iterable[Report], gazetteer: Gazetteer, *, min_count: int = 2,
                  examples: int = 3) -> list[UnknownName]:
    """Places and units named at least ``min_count`` times that ``gazetteer`` lacks, most
    frequent first."""
    groups: dict[str, UnknownName] = {}
    alias: dict[str, str] = {}  # union-find over the keys a name is grouped under

    def root(k: str) -> str:
        while alias.get(k, k) != k:
            k = alias[k]
        return k

    for r in reports:
        text = r.text
        if not text:
            continue
        cands: list[tuple[str, re.Match[str]]] = []
        cands += [("place", m) for m in _PLACE.finditer(text)]
        cands += [("place", m) for m in _AR_PLACE.finditer(text)]
        cands += [("unit", m) for m in _UNIT.finditer(text)]
        for kind, m in cands:
            raw = m.group("name")
            if kind == "place":
                if fold(raw.split()[0]) in _STOP or (raw.isupper() and len(raw) <= 5):
                    continue
                if gazetteer.find(raw):
                    continue
                keys, form = _forms(raw)
                keys = {f"place:{k}" for k in keys}
            else:
                form = " ".join(raw.split())
                keys = {f"unit:{_unit_key(raw)}"}
            roots = {root(k) for k in keys}
            main = min(roots)
            merged = groups.pop(main, None) or UnknownName(kind, form)
            for other in roots - {main}:
                alias[other] = main
                o = groups.pop(other, None)
                if o is not None:
                    merged.count += o.count
                    for f, c in o.forms.items():
                        merged.forms[f] = merged.forms.get(f, 0) + c
                    merged.examples = (merged.examples + o.examples)[:examples]
                    merged.sources |= o.sources
            for k in keys:
                alias.setdefault(k, main)
            groups[main] = item = merged
            item.count += 1
            item.forms[raw] = item.forms.get(raw, 0) + 1
            item.sources.add(r.source_id)
            if len(item.examples) < examples:
                s, e = max(0, m.start() - 60), min(len(text), m.end() + 60)
                item.examples.append({"report": r.id, "source": r.source_id,
                                      "published": r.published.isoformat(), "url": r.url,
                                      "text": " ".join(text[s:e].split())})
    out = [u for u in groups.values() if u.count >= min_count]
    for u in out:
        if u.kind == "place":
            u.name = u.name.title()
    return sorted(out, key=lambda u: (-u.count, u.kind, u.name))
