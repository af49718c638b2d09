"""The cue index finds exactly what the single cue pattern finds (the pattern is the oracle)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from basewatch.analysis.lexicon import LANGUAGES, _languages, lexicon_for
from basewatch.analysis.lexicon.cue_index import CueIndex, split_top

DATA = Path(__file__).parent / "data" / "claims_multilingual.jsonl"
EXTRA = ["Удар по Гостомелю, удари, ударили; не обстрілювали", "ВСУ отступили из Бахмута.",
         "قصف عنيف على حميميم وانسحاب القوات", "Ships departed Tartus; no departure seen",
         "бої, боях, боями — boi", "", "...", "Взрывы-взрывы в 5:00"]


def test_top_level_alternatives_split_outside_groups_and_classes() -> None:
    assert split_top(r"a|b(?:c|d)|[|x]|e\|f") == ["a", "b(?:c|d)", "[|x]", r"e\|f"]


@pytest.mark.parametrize("lang", ["uk", "ru", "ar", "en", ""])
def test_same_matches_as_the_single_pattern(lang: str) -> None:
    texts = [json.loads(line)["text"] for line in DATA.read_text("utf-8").splitlines()] + EXTRA
    lex = lexicon_for(lang)
    codes = lex.languages or LANGUAGES
    pats = [p for c in codes for _, p in _languages()[c].cues]
    one = re.compile(r"\b(?:" + "|".join(f"(?P<k{i}>{p})" for i, p in enumerate(pats)) + r")\b",
                     re.IGNORECASE)
    idx = CueIndex(pats)
    for t in texts:
        want = [(m.start(), m.end(), int(m.lastgroup[1:]), m.group()) for m in one.finditer(t)]
        assert [(m.start, m.end, m.index, m.text) for m in idx.finditer(t)] == want, t


def test_sentence_pattern_splits_as_the_plain_one() -> None:
    import random

    from basewatch.analysis.claims import _SENTENCE

    plain = re.compile(r"(?:[^.!?؟\n]|[.!?؟]+(?=[^\s.!?؟]))+(?:[.!?؟]+|$)", re.MULTILINE)
    rng = random.Random(7)
    texts = ["".join(rng.choice("ab .!?؟\n\t,") for _ in range(rng.randint(0, 25)))
             for _ in range(5000)] + ["Il-76MD. left pic.twitter.com/x! Ok?? Yes…\nНет؟ لا"]
    for t in texts:
        assert [m.span() for m in _SENTENCE.finditer(t)] == \
            [m.span() for m in plain.finditer(t)], repr(t)


@pytest.mark.parametrize("lang", ["uk", "ru", "ar", "en"])
def test_gated_patterns_find_what_the_plain_ones_find(lang: str) -> None:
    from basewatch.analysis.lexicon.cue_index import gate

    texts = [json.loads(line)["text"] for line in DATA.read_text("utf-8").splitlines()] + EXTRA
    x = _languages()[lang]
    phrases = [x.negations, x.hedges, x.strong_hedges, x.denials_after, x.ago,
               *(p for p, _ in x.relative)]
    for p in (p for p in phrases if p):
        plain = re.compile(rf"(?<!\w)(?:{p})(?!\w)", re.IGNORECASE)
        gated = re.compile(rf"(?<!\w){gate(p)}(?:{p})(?!\w)", re.IGNORECASE)
        for t in texts:
            assert [m.span() for m in gated.finditer(t)] == [m.span() for m in plain.finditer(t)]
