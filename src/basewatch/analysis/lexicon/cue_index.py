"""Cue words found fast: the alternatives of every cue pattern grouped by the letter they can
start with. Pure.

One regular expression of a hundred alternatives (``\\b(?:удар\\w*|обстріл\\w*|…)\\b``) makes
Python's engine try every alternative at every word boundary. Here each top-level alternative
of each cue pattern is kept as it is, with the set of first characters it can match (read
from the parsed pattern); at a word boundary only the alternatives that can start with the
character there are tried, in their original order, through one pattern compiled per
character on first use. The matches are those of the single pattern: leftmost, first
alternative that matches (with its closing word boundary) wins, non-overlapping.
"""

from __future__ import annotations

import re
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

__all__ = ["CueIndex", "CueMatch", "gate"]

_BOUNDARY = re.compile(r"\b")
_WORD_START = re.compile(r"\b(?=\w)")
_WORD_CHAR = re.compile(r"\w")
_MAX_RANGE = 2000  # a character class wider than this counts as "any character"


def split_top(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern (``a|b(?:c|d)`` -> ``a``, ``b(?:c|d)``)."""
    out, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]" or pattern[i - 1] == "["
        elif ch == "[":
            in_class = True
            if pattern[i + 1:i + 2] == "]" or pattern[i + 1:i + 3] == "^]":
                i += 2 if pattern[i + 1] == "]" else 3
                continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


def _first(items: Any) -> set[str] | None:
    """First characters a parsed (sub)pattern can match, lower-cased; None: any (or the
    pattern can match the empty string)."""
    out: set[str] = set()
    for op, av in items:
        if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            # a boundary, an anchor or a lookaround takes no character: the next item's first
            # characters are a superset of what can start a match here (a safe gate)
            continue
        if op in (C.MAX_REPEAT, C.MIN_REPEAT):
            inner = _first(av[2])
            if inner is None:
                return None
            out |= inner
            if av[0] >= 1:
                return out
            continue  # optional: what follows may come first
        one = _one(op, av)
        if one is None:
            return None
        return out | one
    return None  # the whole pattern can be empty


def _one(op: Any, av: Any) -> set[str] | None:
    if op is C.LITERAL:
        return {chr(av).lower(), chr(av).upper().lower()}
    if op is C.IN:
        out: set[str] = set()
        for o, a in av:
            if o is C.LITERAL:
                out |= {chr(a).lower(), chr(a).upper().lower()}
            elif o is C.RANGE and a[1] - a[0] <= _MAX_RANGE:
                out |= {chr(c).lower() for c in range(a[0], a[1] + 1)}
                out |= {chr(c).upper().lower() for c in range(a[0], a[1] + 1)}
            else:  # NEGATE, CATEGORY, a wide range
                return None
        return out
    if op is C.SUBPATTERN:
        return _first(av[3])
    if op is C.BRANCH:
        sets = [_first(b) for b in av[1]]
        return None if any(x is None for x in sets) else set().union(*sets)  # type: ignore[arg-type]
    return None


def gate(pattern: str, flags: int = re.IGNORECASE) -> str:
    """A lookahead on the characters ``pattern`` can start with (``(?=[вуо])``), or "" if
    any: put in front of a long alternation it makes a position that cannot start a match
    fail at once instead of once per alternative, with the same matches."""
    first = _first(_parser.parse(pattern, flags))
    if not first or len(first) > 200:
        return ""
    return "(?=[" + "".join(re.escape(c) for c in sorted(first)) + "])"


class CueMatch:
    """One cue found: where, which pattern (its index), the text."""

    __slots__ = ("end", "index", "start", "text")

    def __init__(self, start: int, end: int, index: int, text: str) -> None:
        self.start, self.end, self.index, self.text = start, end, index, text


class CueIndex:
    """The cue patterns (one per kind and language, in order) indexed by first character."""

    def __init__(self, patterns: list[str], flags: int = re.IGNORECASE) -> None:
        self.flags = flags
        # (pattern index, alternative, first characters or None)
        self.alts: list[tuple[int, str, set[str] | None]] = []
        for i, p in enumerate(patterns):
            for a in split_top(p):
                self.alts.append((i, a, _first(_parser.parse(a, flags))))
        self._by_char: dict[str, re.Pattern[str] | None] = {}
        # Where every alternative starts with a word character, only word starts can begin
        # a match (half the boundaries).
        words_only = all(first is not None and all(_WORD_CHAR.fullmatch(c) for c in first)
                         for _, _, first in self.alts)
        self._starts = _WORD_START if words_only else _BOUNDARY

    def _for(self, ch: str) -> re.Pattern[str] | None:
        if ch in self._by_char:
            return self._by_char[ch]
        parts = [f"(?P<k{n}_{i}>{a})" for n, (i, a, first) in enumerate(self.alts)
                 if first is None or ch in first]
        rx = re.compile("(?:" + "|".join(parts) + r")\b", self.flags) if parts else None
        self._by_char[ch] = rx
        return rx

    def finditer(self, text: str) -> list[CueMatch]:
        """Every cue in ``text``, as ``re.finditer`` of ``\\b(?:p0|p1|…)\\b`` finds them."""
        out: list[CueMatch] = []
        end = -1
        for b in self._starts.finditer(text):
            p = b.start()
            if p < end:
                continue
            rx = self._for(text[p:p + 1].lower()[:1])
            if rx is None:
                continue
            m = rx.match(text, p)
            if m is not None and m.end() > p:
                name = m.lastgroup or ""
                out.append(CueMatch(p, m.end(), int(name[1:].split("_", 1)[1]), m.group()))
                end = m.end()
        return out
