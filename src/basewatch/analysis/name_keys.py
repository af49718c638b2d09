"""Keys of a word for the gazetteer: folded, lemmas (pymorphy3), phonetic skeleton of its
transliteration, Cyrillic and adjective stems, Arabic clitics peeled off (pure; the
gazetteer's matching is in :mod:`basewatch.analysis.gazetteer`)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

__all__ = ["WORD", "adjective_stem", "alias_keys", "cyrillic_stem", "fold", "function_word",
           "lemmas", "noun_cases", "skeleton"]

# A word may hold apostrophes (Ukrainian "п'ять", "Слов'янськ"), but the English possessive
# "'s" is not part of the name ("Kharkiv's").
WORD = re.compile(r"\w+(?:['’ʼ](?![sS]\b)\w+)*")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
#: Dictionary forms of adjectives made from names (курский, днепропетровский, київський).
_ADJ_LEMMA = re.compile(r"(?:ск|цк|зк)(?:ий|ой)$|(?:ськ|цьк|зьк)ий$")
_AR_NORM = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه",
                          "ـ": None, "ؤ": "و", "ئ": "ي"})
_AR_CLITIC = re.compile(r"^(?:[وف])?(?:[بلك])?(?:ال)?")


@lru_cache(maxsize=200_000)
def fold(token: str) -> str:
    """A token folded like :func:`basewatch.model.normalize_name`: no case, no accents,
    apostrophes dropped; Arabic letter variants unified and short vowels dropped."""
    if token.isascii():
        return token.lower().replace("'", "")
    text = unicodedata.normalize("NFKD", token.casefold())
    # Accents go, but not the marks that make й and ї letters of their own (ё -> е goes:
    # Russian writes the two interchangeably).
    text = "".join(c for i, c in enumerate(text) if not unicodedata.combining(c)
                   or (c == "\u0306" and text[i - 1:i] == "и")
                   or (c == "\u0308" and text[i - 1:i] == "і"))
    text = text.replace("'", "").replace("’", "").replace("ʼ", "")
    if _ARABIC.search(text):
        text = text.translate(_AR_NORM)
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """A script-independent key: ASCII transliteration, lower case, with the spellings that
    differ between transliterations unified (h/g, y/i/j, kh, doubled letters)."""
    from anyascii import anyascii

    s = re.sub(r"[^a-z0-9]", "", anyascii(token).lower())
    s = s.replace("kh", "x")
    s = re.sub(r"(?<![szc])h", "g", s)
    s = s.replace("x", "h").replace("y", "i").replace("j", "i").replace("ё", "e")
    return re.sub(r"(.)\1+", r"\1", s)


@lru_cache(maxsize=1)
def _analyzers() -> tuple[Any, ...]:
    import pymorphy3

    return (pymorphy3.MorphAnalyzer(lang="ru"), pymorphy3.MorphAnalyzer(lang="uk"))


@lru_cache(maxsize=200_000)
def _analysis(w: str) -> tuple[tuple[str, ...], bool]:
    """A lower-case word's dictionary forms (both languages' first four analyses) and whether
    a dictionary knows it only as a preposition, a conjunction or a particle: one parse per
    analyser for both."""
    out: dict[str, None] = {}
    function = False
    for morph in _analyzers():
        parses = morph.parse(w)
        for p in parses[:4]:
            out[p.normal_form] = None
        # (the first analysis decides cheaply; only then are the others asked whether the
        # dictionary knows them, which costs a look-up each)
        if not function and parses and parses[0].tag.POS in _FUNCTION_POS:
            known = [p for p in parses if p.is_known]
            function = bool(known) and all(p.tag.POS in _FUNCTION_POS for p in known)
    return tuple(fold(x) for x in out), function


def lemmas(word: str) -> tuple[str, ...]:
    """Dictionary forms of a Russian or Ukrainian word (both languages' analyses)."""
    return _analysis(word.lower())[0]


_FUNCTION_POS = frozenset({"PREP", "CONJ", "PRCL", "INTJ"})


def function_word(word: str) -> bool:
    """A word a Russian or Ukrainian dictionary knows only as a preposition, a conjunction or
    a particle ("Крім", "Окрім", "Біля", "Хоча"): capitalised at a sentence's start, it is
    no name, whatever its transliteration resembles (Krim ~ Krym)."""
    return _analysis(word.lower())[1]


@lru_cache(maxsize=50_000)
def noun_cases(word: str) -> frozenset[str]:
    """The grammatical cases (OpenCorpora tags: nomn, gent, datv...) a Russian or Ukrainian
    word likely has as a noun (analyses of score >= 0.2; Ukrainian when it has і ї є ґ)."""
    ru, uk = _analyzers()
    morph = uk if _UK_ONLY.search(word.lower()) else ru
    return frozenset(str(p.tag.case) for p in morph.parse(word.lower())[:4]
                     if p.tag.POS == "NOUN" and p.tag.case and p.score >= 0.2)


_UK_ONLY = re.compile("[іїєґ]")
#: Case endings of Russian and Ukrainian nouns, longest first: a name pymorphy does not know
#: and does not reduce ("Ирпеня") is matched by its stem against the alias's stem.
_ENDINGS = ("ями", "ами", "ях", "ах", "ом", "ем", "ём", "ой", "ей", "ою", "ею", "ов", "ев", "ів",
            "ю", "я", "у", "е", "і", "и", "ы", "а", "ь", "й", "о")
_MIN_STEM = 4


def cyrillic_stem(f: str) -> str:
    """A folded Cyrillic word without its case ending ("" if too short to be safe)."""
    for e in _ENDINGS:
        if f.endswith(e) and len(f) - len(e) >= _MIN_STEM:
            return f[: -len(e)]
    return f if len(f) >= _MIN_STEM else ""


#: Endings of Russian and Ukrainian adjectives (and of possessives in -ов, -ин: "Часов Яр",
#: "под Часовым Яром"), longest first.
_ADJ_ENDINGS = ("ыми", "ими", "ого", "его", "ому", "ему", "ой", "ей", "ый", "ий", "ій", "ая",
                "яя", "ое", "ее", "ую", "юю", "ою", "ею", "ої", "єї", "ым", "им", "ім", "ом",
                "ем", "ые", "ие", "ых", "их", "і", "а", "я", "у", "ю", "е")


def adjective_stem(f: str) -> str:
    """A folded Cyrillic word without an adjective's ending ("кривому" -> "крив", "часовым"
    -> "часов"), "" when too short to be safe. Used only for the words before the last of a
    name of several words, whose modifiers agree with the noun in every case (Кривой Рог ->
    в Кривом Роге, Часов Яр -> под Часовым Яром, Велика Новосілка -> Великої Новосілки)."""
    for e in _ADJ_ENDINGS:
        if f.endswith(e) and len(f) - len(e) >= 3:
            return f[: -len(e)]
    return f if len(f) >= 3 else ""


def _arabic_variants(f: str) -> list[str]:
    m = _AR_CLITIC.match(f)
    out = [f]
    if m and m.end():
        # Every split of the clitic run: "وال" + name, "و" + "الname".
        for i in range(1, m.end() + 1):
            rest = f[i:]
            if len(rest) >= 2:
                out.append(rest)
    if f.startswith("لل") and len(f) > 4:
        out.append("ال" + f[2:])
        out.append(f[2:])
    return out


def alias_keys(token: str) -> list[str]:
    """The keys an alias token (in dictionary form) is indexed under."""
    f = fold(token)
    keys = [f"f:{f}"]
    if _ARABIC.search(f):
        if f.startswith("ال") and len(f) > 4:
            keys.append(f"f:{f[2:]}")
        return keys
    if any(c.isalpha() for c in f):
        keys.append(f"s:{skeleton(token)}")
        if _CYRILLIC.search(f):
            keys.extend(f"f:{x}" for x in lemmas(token))
            if stem := cyrillic_stem(f):
                keys.append(f"t:{stem}")
    return keys
