"""Per-language cue words, negations, hedges and relative dates for claim extraction. Pure.

Each language module (``en``, ``ru``, ``uk``, ``ar``) defines one :class:`Lexicon` of regular
expression fragments; :func:`lexicon_for` joins the lexicons a post needs into compiled
patterns, once per set of languages. A post in Russian is read with the Russian *and*
Ukrainian lexicons (channels mix the two in one post) and the English one (quoted names,
"HIMARS"); an Arabic post with Arabic and English. Every rule that fires names its language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from basewatch.analysis.lexicon.cue_index import CueIndex, gate
from basewatch.model.reports import ClaimKind

__all__ = ["LANGUAGES", "Compiled", "Lexicon", "lexicon_for"]


@dataclass(frozen=True)
class Lexicon:
    """Regular-expression fragments of one language (matched case-insensitively, on word
    boundaries). ``strong_hedges`` win over negations ("не подтверждают" is doubt, not
    denial); ``relative`` maps a phrase to days before the post; ``months`` maps a word stem
    to a month number; ``ago`` is "N days ago" with a group ``n``."""

    code: str
    name: str
    cues: tuple[tuple[ClaimKind, str], ...]
    negations: str
    hedges: str
    strong_hedges: str = r"(?!x)x"
    denials_after: str = r"(?!x)x"  # a verdict after the statement: "…, — фейк"
    relative: tuple[tuple[str, int], ...] = ()
    months: dict[str, int] = field(default_factory=dict)
    ago: str = r"(?!x)x"
    numbers: dict[str, int] = field(default_factory=dict)
    clause_split: str = r"(?!x)x"
    from_words: str = r"(?!x)x"
    to_words: str = r"(?!x)x"
    #: A sentence that begins so ("Об этом сообщили в ...") attributes the sentences before it.
    attribution_back: str = r"(?!x)x"
    #: Verbs and phrases of reporting: a first sentence with one relays a report (its later
    #: sentences' claims are attributed), and a capital followed by one is its government
    #: ("Дамаск считает", "В Дамаске подтвердили").
    reporting: str = r"(?!x)x"
    #: Cues given by their dictionary forms, every inflected form generated (``forms.py``):
    #: (kind, "lemma lemma ..."), optionally with a lookahead that must follow each form and
    #: lookbehinds that must precede it: (kind, "lemma ...", after, before).
    lemma_cues: tuple[tuple[ClaimKind, ...], ...] = ()


def _cue_patterns(x: Lexicon) -> list[tuple[ClaimKind, str]]:
    """A lexicon's cue patterns: its stem patterns, then its lemmas' generated forms."""
    out = list(x.cues)
    if x.lemma_cues:
        from basewatch.analysis.lexicon.forms import lemma_pattern

        for kind, lemmas, *ctx in x.lemma_cues:
            out.append((kind, lemma_pattern(lemmas, x.code, *ctx)))
    return out


def _languages() -> dict[str, Lexicon]:
    from basewatch.analysis.lexicon import ar, en, ru, uk

    return {m.LEXICON.code: m.LEXICON for m in (en, ru, uk, ar)}


LANGUAGES: tuple[str, ...] = ("en", "ru", "uk", "ar")

#: Languages read together with a post's own.
_WITH = {"ru": ("ru", "uk", "en"), "uk": ("uk", "ru", "en"), "ar": ("ar", "en"),
         "en": ("en",)}


@dataclass(frozen=True)
class Compiled:
    """The joined, compiled patterns of a set of languages."""

    languages: tuple[str, ...]
    cue: re.Pattern[str]
    cue_index: CueIndex  # the same matches as ``cue``, found faster (see cue_index.py)
    cue_kinds: tuple[tuple[ClaimKind, str], ...]  # (kind, language) per named group k<i>
    negation: re.Pattern[str]
    hedge: re.Pattern[str]
    strong_hedge: re.Pattern[str]
    denial_after: re.Pattern[str]
    relative: tuple[tuple[re.Pattern[str], int, str], ...]
    relative_any: re.Pattern[str]  # every relative phrase, named r<i> after ``relative``
    day_month: re.Pattern[str]
    months: dict[str, int]
    ago: tuple[re.Pattern[str], ...]
    numbers: dict[str, int]
    clause_split: re.Pattern[str]
    from_words: re.Pattern[str]
    to_words: re.Pattern[str]
    attribution_back: re.Pattern[str]
    reporting: re.Pattern[str]

    def month(self, word: str) -> int | None:
        return self.months.get(" ".join(word.lower().rstrip(".").split()))


def _alt(parts: list[str]) -> str:
    return "|".join(f"(?:{p})" for p in parts if p)


@lru_cache(maxsize=32)
def lexicon_for(language: str) -> Compiled:
    """The compiled lexicon to read a post in ``language`` (ISO 639-1); unknown: all."""
    langs = _WITH.get(language, LANGUAGES)
    lex = [_languages()[c] for c in langs]
    per_lex = [(x, _cue_patterns(x)) for x in lex]
    cue_kinds = tuple((k, x.code) for x, cues in per_lex for k, _ in cues)
    pats = [p for _, cues in per_lex for _, p in cues]
    # The word boundaries stand outside the alternation, so that a position inside a word
    # fails once instead of once per cue (the same matches: the engine backtracks into the
    # alternation when the closing boundary fails).
    cue = re.compile(r"\b(?:" + "|".join(f"(?P<k{i}>{p})" for i, p in enumerate(pats)) + r")\b",
                     re.IGNORECASE)
    months: dict[str, int] = {}
    for x in lex:
        months.update(x.months)
    mon = "|".join(sorted((re.escape(m) for m in months), key=len, reverse=True))
    numbers: dict[str, int] = {}
    for x in lex:
        numbers.update(x.numbers)

    def word(p: str) -> re.Pattern[str]:
        return re.compile(rf"(?<!\w){gate(p)}(?:{p})(?!\w)", re.IGNORECASE)

    return Compiled(
        languages=langs, cue=cue, cue_index=CueIndex(pats), cue_kinds=cue_kinds,
        negation=word(_alt([x.negations for x in lex])),
        hedge=word(_alt([x.hedges for x in lex])),
        strong_hedge=word(_alt([x.strong_hedges for x in lex])),
        denial_after=word(_alt([x.denials_after for x in lex])),
        relative=tuple((word(p), days, x.code) for x in lex for p, days in x.relative),
        relative_any=_relative_any([p for x in lex for p, _ in x.relative]),
        day_month=re.compile(rf"(?<!\w)(?P<d>\d{{1,2}})(?:-?го)?\s+(?P<mon>{mon})\.?"
                             rf"(?:,?\s+(?P<y>\d{{4}}))?(?!\w)", re.IGNORECASE) if mon
        else re.compile(r"(?!x)x"),
        months=months,
        ago=tuple(word(x.ago) for x in lex), numbers=numbers,
        clause_split=re.compile(_alt([x.clause_split for x in lex]), re.IGNORECASE),
        from_words=re.compile(rf"(?<!\w)(?:{_alt([x.from_words for x in lex])})\s+"
                              r"(?:\S+\s+){0,2}$", re.IGNORECASE),
        to_words=re.compile(rf"(?<!\w)(?:{_alt([x.to_words for x in lex])})\s+(?:\S+\s+){{0,1}}$",
                            re.IGNORECASE),
        attribution_back=re.compile(
            rf"^\W*(?:{_alt([x.attribution_back for x in lex]) or '(?!x)x'})(?!\w)",
            re.IGNORECASE),
        reporting=word(_alt([x.reporting for x in lex]) or r"(?!x)x"),
    )


def _relative_any(phrases: list[str]) -> re.Pattern[str]:
    # Longer phrases first, so that an alternation tries "позавчера" before "вчера" and
    # "أول أمس" before "أمس" at the same place.
    order = sorted(range(len(phrases)), key=lambda i: -len(phrases[i]))
    alt = "|".join(f"(?P<r{i}>{phrases[i]})" for i in order)
    return re.compile(rf"(?<!\w){gate(alt)}(?:{alt})(?!\w)" if phrases else r"(?!x)x",
                      re.IGNORECASE)
