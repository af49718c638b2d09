"""Cue words given by their dictionary form, with every inflected form generated. Pure.

A lexicon may list a cue as a lemma ("бой", "воевать", "приехать") instead of a stem
pattern: pymorphy3 (with the dictionaries that ship in pymorphy3-dicts-ru and -uk) gives the
lemma's lexeme, every case and number of a noun, every person, tense, participle and gerund
of a verb ("боям", "воюющих", "приедет", "блокированных", "выявлен"), and the cue pattern
is the alternation of those forms (with ё also written е). The forms are generated once per
lexicon, not listed by hand, so a form nobody thought of is not missed.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["lemma_pattern", "word_forms"]

_POS_ORDER = {"INFN": 0, "NOUN": 1, "VERB": 2}


@lru_cache(maxsize=4096)
def word_forms(lemma: str, language: str) -> tuple[str, ...]:
    """Every form of ``lemma`` in ``language`` ("ru" or "uk"), longest first; the lemma
    alone when the dictionary does not hold it."""
    from basewatch.analysis.name_keys import _analyzers  # the analysers already loaded

    ru, uk = _analyzers()
    morph = uk if language == "uk" else ru
    low = lemma.lower()
    parses = [p for p in morph.parse(low) if p.normal_form.replace("ё", "е") == low.replace("ё", "е")]
    if not parses:
        return (low,)
    parses.sort(key=lambda p: _POS_ORDER.get(str(p.tag.POS), 9))
    pos = str(parses[0].tag.POS)
    forms: set[str] = set()
    for p in parses:
        if str(p.tag.POS) != pos:
            continue
        for f in p.lexeme:
            forms.add(f.word)
            forms.add(f.word.replace("ё", "е"))
    return tuple(sorted(forms, key=lambda w: (-len(w), w)))


def _trie_pattern(words: list[str]) -> str:
    """An alternation of ``words`` with common prefixes factored out ("ликвидир(?:овал|ует)"):
    the engine tries each letter once instead of once per form. Longer continuations first,
    so a form is never cut short by a shorter one that is its prefix."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def walk(node: dict) -> str:
        alts = []
        for ch in sorted((k for k in node if k), key=lambda k: -_depth(node[k])):
            alts.append(re.escape(ch) + walk(node[ch]))
        if "" in node:
            alts.append("")
        if len(alts) == 1:
            return alts[0]
        return "(?:" + "|".join(alts) + ")"

    return walk(trie)


def _depth(node: dict) -> int:
    return 1 + max((_depth(v) for k, v in node.items() if k), default=0)


def lemma_pattern(lemmas: str, language: str, after: str = "", before: str = "") -> str:
    """One cue pattern: the forms of the space-separated ``lemmas``, each lemma's forms as
    one top-level alternative (so that the cue index gates it by its first letters), with
    ``before`` (lookbehinds) in front of each and ``after`` (a lookahead) after each."""
    return "|".join(before + "(?:" + _trie_pattern(list(word_forms(lem, language))) + ")"
                    + after for lem in lemmas.split())
