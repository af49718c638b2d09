"""Names of sites, places and vessel classes, found in text through inflection and script.

Aliases are entered in their dictionary form ("Гостомель", "Hostomel", "اللاذقية"). Each
token of an alias is indexed under several keys, and each word of a text is looked up under
the same kinds of keys, so that a mention is found

* as written, folded (no case, no accents; Arabic alef/ya/ta-marbuta forms unified):
  ``f:tartus``;
* through inflection: Russian and Ukrainian words are reduced to their dictionary forms with
  pymorphy3 and its dictionaries, which predict forms of names they do not list
  ("під Гостомелем" -> гостомель, "в Харькове" -> харьков);
* through script: a phonetic skeleton of the ASCII transliteration (anyascii), where
  Gostomel = Hostomel, Kiiv = Kyiv, Khmeymim = Khmeimim: ``s:gostomel``;
* through a stem, when the morphology does not reduce an unlisted name ("Ирпеня" ->
  ирпен- = Ирпень): a case ending is cut off both the word and the alias (stems of four
  letters or more);
* through Arabic clitics: و ف ب ل ك and ال in front of a word are peeled off
  ("وبحميميم" -> حميميم).

Lemma and skeleton keys are tried only for capitalised words (names) whose first letters
could start a known name, so that a post of ordinary words costs a few set look-ups.
Matching is one pass, longest name first, on word boundaries ("Hama" never inside "Hamas").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from basewatch.analysis.name_keys import (  # re-exported: the gazetteer's word keys
    _ADJ_LEMMA,
    _ARABIC,
    _CYRILLIC,
    WORD,
    _arabic_variants,
    adjective_stem,
    alias_keys,
    cyrillic_stem,
    fold,
    function_word,
    lemmas,
    noun_cases,
    skeleton,
)
from basewatch.analysis.region_names import (
    _AREA_AFTER_ADJ,
    _AREA_NOUN,
    _AREA_WORDS,
    _LIST_THEN_REGION,
    _OFFICE_ADJ,
    _REGION_NOUN_IN,
    _REGION_NOUNS,
    land_name,
)
from basewatch.model import Facility, Place
from basewatch.model.reports import SubjectKind

__all__ = [
    "VESSEL_CLASSES",
    "GazEntry",
    "Gazetteer",
    "Mention",
    "alias_keys",
    "fold",
    "lemmas",
    "noun_cases",
    "skeleton",
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

@dataclass(frozen=True, slots=True)
class GazEntry:
    """What a name refers to: a site (facility), a place or a vessel class."""

    kind: SubjectKind
    id: str
    label: str
    operator: str = ""


@dataclass(frozen=True, slots=True)
class Mention:
    """A name found in a text: characters [start, end), the entry it names, and how it was
    matched (``exact``, ``lemma``, ``translit`` or ``clitic``)."""

    start: int
    end: int
    text: str
    entry: GazEntry
    how: str = "exact"


class Gazetteer:
    """Names to entries, in a trie of token keys for one-pass, longest-first matching.

    When a site and a place share a name ("Tartus" is a city and the naval facility's id),
    the site wins: claims in posts are about the base, and the place is kept as a fallback.
    """

    def __init__(self) -> None:
        # Nested dicts keyed by token key; the key "" holds the entry a name ends on.
        self._trie: dict[str, Any] = {}
        self._prefixes: set[str] = set()  # first 3 characters of every key, with its tag
        self.size = 0
        self.names: list[tuple[str, GazEntry]] = []
        self._keys: dict[str, list[tuple[str, str]]] = {}  # word -> its keys (a memo)
        self._inner: dict[str, list[tuple[str, str]]] = {}  # the same inside a name
        # word -> the trie nodes its keys reach from the root, with how (a memo); the words
        # that reach one: a post none of whose words is among them names nothing.
        self._root: dict[str, list[tuple[dict[str, Any], str]]] = {}
        self._starts: set[str] = set()
        # "Курская область" is also named by its adjective alone in a list sharing one noun
        # ("над Брянской, Курской и Орловской областями"): adjective key -> entry.
        self._region_adj: dict[str, GazEntry] = {}
        self._land_names: set[str] = set()  # the "X-щина" names derived from "X-ська область"
        self._pending: list[tuple[str, GazEntry]] = []

    def add(self, name: str, entry: GazEntry) -> None:
        """Add a name; the trie is built on the first look-up (so that a fingerprint of the
        names costs no morphology)."""
        if WORD.search(name):
            self.names.append((name, entry))
            self._pending.append((name, entry))

    def _index(self) -> None:
        pending, self._pending = self._pending, []
        if pending:
            self._keys.clear()  # the prefixes that gate lemma and skeleton keys change
            self._inner.clear()
            self._root.clear()
            self._starts.clear()
        for name, entry in pending:
            tokens = WORD.findall(name)
            self._insert(tokens, entry)
            if (land := land_name(tokens)) and fold(land) not in self._land_names:
                self._land_names.add(fold(land))
                self._insert([land], entry)

    def _insert(self, tokens: list[str], entry: GazEntry) -> None:
        if len(tokens) == 2 and fold(tokens[1]) in _REGION_NOUNS and _CYRILLIC.search(tokens[0]):
            for k in alias_keys(tokens[0]):
                if k.startswith("f:") and _ADJ_LEMMA.search(k):
                    self._region_adj.setdefault(k, entry)
        nodes: list[dict[str, Any]] = [self._trie]
        for i, t in enumerate(tokens):
            nxt: list[dict[str, Any]] = []
            keys = alias_keys(t)
            if i < len(tokens) - 1 and _CYRILLIC.search(t) and (a := adjective_stem(fold(t))):
                keys.append(f"a:{a}")  # a modifier of a name of several words, in any case
            for k in dict.fromkeys(keys):
                self._prefixes.add(k[:5])
                for node in nodes:
                    child = node.setdefault(k, {})
                    if not any(child is x for x in nxt):
                        nxt.append(child)
            nodes = nxt
        for node in nodes:
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

    def fingerprint(self) -> str:
        """A digest of every name and entry: a cache of derived claims is valid only for it."""
        import hashlib

        h = hashlib.sha256()
        for name, e in sorted(self.names, key=lambda x: (x[0], x[1].id, x[1].kind.value)):
            h.update(f"{name}\x1f{e.kind.value}\x1f{e.id}\x1f{e.label}\x1f{e.operator}\x1e"
                     .encode())
        return h.hexdigest()[:16]

    def keys_of(self, word: str) -> list[tuple[str, str]]:
        """The keys a word of a text is looked up under, each with how it matches."""
        if self._pending:
            self._index()
        hit = self._keys.get(word)
        if hit is None:
            if len(self._keys) > 500_000:
                self._keys.clear()
            hit = self._keys[word] = self._keys_of(word)
        return hit

    def _keys_of(self, word: str) -> list[tuple[str, str]]:
        f = fold(word)
        keys = [(f"f:{f}", "exact")]
        if _ARABIC.search(f):
            keys.extend((f"f:{v}", "clitic") for v in _arabic_variants(f)[1:])
            return keys
        if not word[:1].isupper() or len(word) < 3:
            return keys
        pre = self._prefixes
        s = skeleton(word)
        if _CYRILLIC.search(f) and (f"f:{f[:3]}" in pre or f"s:{s[:3]}" in pre) and \
                function_word(word):
            return keys  # "Крім того": a preposition, not Крим
        if s and f"s:{s[:3]}" in pre:
            keys.append((f"s:{s}", "translit"))
        if _CYRILLIC.search(f) and (f"f:{f[:3]}" in pre or f"s:{s[:3]}" in pre):
            lems = lemmas(word)
            for lem in lems:
                keys.append((f"f:{lem}", "lemma"))
                keys.append((f"s:{skeleton(lem)}", "lemma"))
            # An adjective made from a name ("Курской", "Днепропетровской") is not the name:
            # no stem key for it ("Курской области" is Курская область, not Курск).
            if (stem := cyrillic_stem(f)) and not any(_ADJ_LEMMA.search(x) for x in lems):
                keys.append((f"t:{stem}", "stem"))
        if _CYRILLIC.search(f) and (a := adjective_stem(f)) and f"a:{a[:3]}" in pre:
            keys.append((f"a:{a}", "lemma"))  # only names of several words hold such keys
        return keys

    def inner_keys_of(self, word: str) -> list[tuple[str, str]]:
        """The keys of a word inside a name after its first word: also its dictionary forms
        when it is not capitalised, so that "Курской области" matches Курская область."""
        hit = self._inner.get(word)
        if hit is None:
            hit = self.keys_of(word)
            f = fold(word)
            if not word[:1].isupper() and len(word) >= 3 and _CYRILLIC.search(f) \
                    and f"f:{f[:3]}" in self._prefixes:
                hit = hit + [(f"f:{lem}", "lemma") for lem in lemmas(word)]
            elif word[:1].isupper() and _CYRILLIC.search(f) and f"f:{f[:2]}" in self._prefixes \
                    and f"f:{f[:3]}" not in self._prefixes:
                # A short last word of a name ("Яр": "под Часовым Яром") is looked up by its
                # dictionary forms too (the three-letter gate of keys_of misses it).
                hit = hit + [(f"f:{lem}", "lemma") for lem in lemmas(word)]
            if len(self._inner) > 500_000:
                self._inner.clear()
            self._inner[word] = hit
        return hit

    def _root_of(self, word: str) -> list[tuple[dict[str, Any], str]]:
        trie = self._trie
        hits = [(trie[k], how) for k, how in self.keys_of(word) if k in trie]
        if len(self._root) > 500_000:
            self._root.clear()
            self._starts.clear()
        self._root[word] = hits
        if hits:
            self._starts.add(word)
        return hits

    def find(self, text: str) -> list[Mention]:
        """Every mention in ``text``, longest match first, non-overlapping, in order."""
        if self._pending:
            self._index()
        # Most posts name nothing: their distinct words are checked against the memo with
        # set operations, and only words never seen before are looked up.
        distinct = set(WORD.findall(text))
        for w in distinct.difference(self._root):
            self._root_of(w)
        if self._starts.isdisjoint(distinct) and not (
                self._region_adj and any(w in text for w in _AREA_WORDS)
                and _AREA_AFTER_ADJ.search(text)):
            return []
        words = [(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]
        out: list[Mention] = []
        i, n = 0, len(words)
        keys: dict[int, list[tuple[str, str]]] = {}

        def kw(j: int) -> list[tuple[str, str]]:
            if j not in keys:
                keys[j] = self.inner_keys_of(words[j][2])
            return keys[j]

        root = self._root
        while i < n:
            # Breadth over the keys of each word: (node, how) pairs still alive.
            alive = root.get(words[i][2])
            if alive is None:
                alive = self._root_of(words[i][2])
            if not alive:
                i += 1
                continue
            best: tuple[int, GazEntry, str] | None = None
            j = i
            while alive:
                for node, how in alive:
                    hit = node.get("")
                    if hit is not None and (best is None or best[0] < j or
                                            (best[0] == j and best[2] != "exact" and
                                             how == "exact")):
                        best = (j, hit, how)
                j += 1
                if j >= n:
                    break
                nxt = []
                for node, how in alive:
                    for k, h2 in kw(j):
                        child = node.get(k)
                        if child is not None:
                            nxt.append((child, how if how != "exact" else h2))
                alive = nxt
            if best is None:
                i += 1
                continue
            last, entry, how = best
            s, e = words[i][0], words[last][1]
            out.append(Mention(s, e, text[s:e], entry, how))
            i = last + 1
        return self._with_shared_noun(text, words, out) if self._region_adj else out

    def _with_shared_noun(self, text: str, words: list[tuple[int, int, str]],
                          found: list[Mention]) -> list[Mention]:
        """Regions named by their adjective where one noun serves a list: "в Белгородской и
        Курской областях", "пять – над Брянской, три – над Белгородской" (the noun, in the
        plural or after an earlier region of the list, stands in the same sentence)."""
        # "захопити Донецьку та Луганську області": the first adjective of a list whose noun
        # comes after the last is the region, not the city its form also inflects (Донецьку:
        # the dative of Донецьк).
        for j, m in enumerate(found):
            if " " not in m.text and _CYRILLIC.search(m.text) and \
                    _LIST_THEN_REGION.match(text, m.end):
                hit = next((self._region_adj[k] for k, _ in self.keys_of(m.text)
                            if k in self._region_adj), None)
                if hit is not None and hit.id != m.entry.id:
                    found[j] = Mention(m.start, m.end, m.text, hit, "lemma, shared noun")
        taken = {i for m in found for i, w in enumerate(words) if m.start <= w[0] < m.end}
        extra: list[Mention] = []
        for i, (s, e, w) in enumerate(words):
            if i in taken or not _CYRILLIC.search(w):
                continue
            if _AREA_NOUN.match(text, e):
                # "в курском приграничье", "на Курском фронте", "Курской обл.": the region
                hit = next((self._region_adj[f"f:{x}"] for x in lemmas(w)
                            if f"f:{x}" in self._region_adj), None)
                if hit is not None:
                    extra.append(Mention(s, e, w, hit, "lemma, region's adjective"))
                continue
            if not w[:1].isupper():
                continue
            hit = next((self._region_adj[k] for k, _ in self.keys_of(w)
                        if k in self._region_adj), None)
            if hit is None:
                continue
            if _OFFICE_ADJ.match(text, e):
                continue  # "Харьковской областной военной администрации": an office
            sentence = text[max(0, text.rfind(".", 0, s) + 1):]
            sentence = sentence[:sentence.find(".") if "." in sentence else len(sentence)]
            if not _REGION_NOUN_IN.search(sentence):
                continue
            extra.append(Mention(s, e, w, hit, "lemma, shared noun"))
        return sorted(found + extra, key=lambda m: m.start) if extra else found
