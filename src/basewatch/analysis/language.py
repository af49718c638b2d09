"""The language of a post, offline. Pure: no I/O.

The script decides most posts at no cost: Arabic letters -> ``ar``. Cyrillic posts are
Ukrainian or Russian by the letters only one of them has (і ї є ґ against ы э ъ ё) when those
are clear, else by function words only one of them uses ("що", "та", "від" against "что",
"это", "от"); otherwise lingua-language-detector (its models ship inside the package; nothing is
downloaded) decides among the Cyrillic languages. A Latin-script post with English function
words is English; other Latin-script posts go to lingua among a few European languages.
Only the first 400 characters are read. A post with no letters has no language ("").
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

__all__ = ["detect_language"]

_AR = re.compile(r"[\u0621-\u064a]{2,}")
_CY = re.compile(r"[а-яёіїєґА-ЯЁІЇЄҐ]{2,}")
_LA = re.compile(r"[A-Za-z]{2,}")
_UK_LETTERS = "іїєґІЇЄҐ"
_RU_LETTERS = "ыэъёЫЭЪЁ"
# Frequent words of one language that the other does not write (lower case).
_UK_WORDS = re.compile(r"(?<!\w)(?:що|та|це|від|які|який|яка|також|буде|було|біля|під час|"
                       r"за даними|щодо|після|через|через те|тому|вже|ще|є|й|зі|із)(?!\w)")
_RU_WORDS = re.compile(r"(?<!\w)(?:что|это|от|и|как|также|будет|было|около|после|уже|еще|"
                       r"ещё|по данным|из-за|который|которые|они|он|она|были|о|об|во|со|не подтверждается)(?!\w)")
_SAMPLE = 400
_EN_WORDS = re.compile(r"\b(?:the|and|of|to|in|is|was|were|are|has|have|from|with|on|at|"
                       r"near|by|for|this|that|it|not|what|we|they|about|shows|after|been|"
                       r"which|will|would|their|there|says|said|reported|yesterday|today)\b")


@lru_cache(maxsize=2)
def _detector(kind: str) -> Any:
    from lingua import Language, LanguageDetectorBuilder

    langs = ((Language.RUSSIAN, Language.UKRAINIAN, Language.BELARUSIAN, Language.BULGARIAN)
             if kind == "cyrillic" else
             (Language.ENGLISH, Language.FRENCH, Language.GERMAN, Language.SPANISH,
              Language.TURKISH, Language.ITALIAN, Language.POLISH))
    return LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()


def _lingua(text: str, kind: str) -> str:
    lang = _detector(kind).detect_language_of(text)
    return str(lang.iso_code_639_1.name.lower()) if lang is not None else ""


def detect_language(text: str) -> str:
    """ISO 639-1 code of the post's main language, or "" if it has no letters."""
    sample = text[:_SAMPLE]
    if not sample.strip():
        return ""
    cy = len(_CY.findall(sample))
    # Most posts are in one script: when Cyrillic words are half the words, the other
    # scripts need no count.
    ar = la = 0
    if 2 * cy < len(sample.split()):
        ar, la = len(_AR.findall(sample)), len(_LA.findall(sample))
        if not ar + cy + la:
            return ""
        if ar >= cy and ar >= la:
            return "ar"
    if cy and cy >= la:
        uk = sum(map(sample.count, _UK_LETTERS))
        ru = sum(map(sample.count, _RU_LETTERS))
        # Each of these letters exists in one alphabet only; a post that mixes the two
        # (a quote) is the language of the clear majority, else function words, else lingua.
        if uk > 3 * ru:
            return "uk"
        if ru > 3 * uk:
            return "ru"
        low = sample.lower()
        uw, rw = len(_UK_WORDS.findall(low)), len(_RU_WORDS.findall(low))
        if uw > 3 * rw:
            return "uk"
        if rw > 3 * uw:
            return "ru"
        return _lingua(sample, "cyrillic") or ("uk" if uk > ru else "ru")
    # Latin script: English function words settle it without a model.
    words = _EN_WORDS.findall(sample.lower())
    if len(words) >= 2:
        return "en"
    return _lingua(sample, "latin") or "en"
