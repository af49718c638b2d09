"""Who is hostile to whom on a date, directly or through one step of alliance."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable

from basewatch.model import Relation, RelationKind

__all__ = ["Hostility"]


class Hostility:
    """Answers hostility questions from a list of relations.

    Rule: ``a`` is hostile to ``b`` on a day if a relation between them says so; otherwise if
    ``a`` is hostile to a direct ally of ``b`` or a direct ally of ``a`` is hostile to ``b``
    (one step, not the transitive closure, which would make every coalition hostile to
    everyone). A direct alliance or a stated neutral relation between ``a`` and ``b`` always
    wins over the inference.

    >>> from basewatch.model import Provenance, Source
    >>> p = Provenance(Source("example"))
    >>> h = Hostility([Relation("gov", "russia", RelationKind.ALLIED, p),
    ...                Relation("opp", "gov", RelationKind.HOSTILE, p)])
    >>> h.hostile("opp", "russia", dt.date(2024, 12, 1))
    True
    """

    def __init__(self, relations: Iterable[Relation]) -> None:
        self.relations = list(relations)
        # The relations in force change only on these days: between two of them every answer
        # is the same, so the pairs in force are kept per span (an evaluation over years of
        # daily history asks them on every change date).
        self._edges = sorted({d for r in self.relations for d in (
            r.valid_from, r.valid_to + dt.timedelta(days=1) if r.valid_to else None) if d})
        self._pairs: dict[tuple[RelationKind, int], set[frozenset[str]]] = {}
        self._hostile: dict[tuple[str, str, int], bool] = {}
        self._hostile_to: dict[tuple[str, tuple[str, ...], int], frozenset[str]] = {}

    def _direct(self, kind: RelationKind, day: dt.date) -> set[frozenset[str]]:
        key = (kind, bisect.bisect_right(self._edges, day))
        pairs = self._pairs.get(key)
        if pairs is None:
            pairs = {frozenset((r.a, r.b)) for r in self.relations
                     if r.kind is kind and r.active_on(day)}
            self._pairs[key] = pairs
        return pairs

    def allies(self, faction: str, day: dt.date) -> set[str]:
        pairs = self._direct(RelationKind.ALLIED, day)
        return {x for p in pairs if faction in p for x in p if x != faction}

    def hostile(self, a: str, b: str, day: dt.date) -> bool:
        if a == b:
            return False
        key = (a, b, bisect.bisect_right(self._edges, day))
        known = self._hostile.get(key)
        if known is None:
            known = self._hostile[key] = self._is_hostile(a, b, day)
        return known

    def _is_hostile(self, a: str, b: str, day: dt.date) -> bool:
        pair = frozenset((a, b))
        if pair in self._direct(RelationKind.ALLIED, day) or pair in self._direct(
                RelationKind.NEUTRAL, day):
            return False
        hostile = self._direct(RelationKind.HOSTILE, day)
        if pair in hostile:
            return True
        allies_a, allies_b = self.allies(a, day), self.allies(b, day)
        return any(frozenset((a, y)) in hostile for y in allies_b) or any(
            frozenset((x, b)) in hostile for x in allies_a
        )

    def hostile_to(self, faction: str, candidates: Iterable[str], day: dt.date) -> set[str]:
        """The candidates hostile to ``faction`` on ``day``."""
        cands = tuple(candidates)
        key = (faction, cands, bisect.bisect_right(self._edges, day))
        found = self._hostile_to.get(key)
        if found is None:
            found = self._hostile_to[key] = frozenset(
                c for c in cands if self.hostile(c, faction, day))
        return set(found)
