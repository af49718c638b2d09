"""Inventories: counts by operator x type x region, from a registry or from survey editions."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from basewatch.errors import ValidationError
from basewatch.model import Facility, FacilityRow, FacilityType, SurveyCount, SurveyEdition

__all__ = [
    "DIMENSIONS",
    "FacilityRow",
    "Inventory",
    "SurveyDiff",
    "inventory_from_facilities",
    "inventory_from_rows",
    "inventory_from_survey",
    "survey_diff",
    "survey_editions",
    "survey_table",
]

#: ``type`` is the survey class (base/point), as surveys count; ``detail`` the facility type as
#: recorded (airbase, naval_base, base, point, ...), which only the registry knows.
DIMENSIONS = ("operator", "type", "detail", "region")


@dataclass(frozen=True)
class Inventory:
    """Counts grouped by ``by``; ``total`` and ``by_type`` (base/point) as the source gives them."""

    source: str  # "registry" or "survey"
    date: dt.date
    by: tuple[str, ...]
    rows: list[dict[str, Any]]
    total: int
    by_type: dict[str, int]
    edition: SurveyEdition | None = None
    synthetic: bool = False
    sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    by_detail: dict[str, int] = field(default_factory=dict)  # registry: per recorded type

    @property
    def largest_operator(self) -> str | None:
        per: Counter[str] = Counter()
        for r in self.rows:
            if "operator" in r:
                per[r["operator"]] += r["count"]
        return per.most_common(1)[0][0] if per else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "date": self.date.isoformat(),
            "edition": {"publisher": self.edition.publisher, "date": self.edition.date.isoformat()}
            if self.edition else None,
            "by": list(self.by),
            "total": self.total,
            "by_type": dict(self.by_type),
            "by_detail": dict(self.by_detail),
            "largest_operator": self.largest_operator,
            "rows": self.rows,
            "synthetic": self.synthetic,
            "sources": self.sources,
            "notes": self.notes,
        }


def _check_by(by: Sequence[str]) -> tuple[str, ...]:
    bad = [b for b in by if b not in DIMENSIONS]
    if bad:
        raise ValidationError(f"cannot group by {', '.join(bad)} (choose from {', '.join(DIMENSIONS)})")
    return tuple(by)


def inventory_from_rows(
    rows: Iterable[FacilityRow], day: dt.date, by: Sequence[str] = ("operator", "type")
) -> Inventory:
    """Count facilities active on ``day``; type is the survey class (base/point)."""
    by = _check_by(by)
    classes = {t.value: t.survey_class for t in FacilityType}
    active = [r for r in rows if (r.valid_from is None or r.valid_from <= day)
              and (r.valid_to is None or day <= r.valid_to)]
    counts: Counter[tuple[str, ...]] = Counter()
    for r in active:
        values = {"operator": r.operator, "type": classes[r.type], "detail": r.type,
                  "region": r.region}
        counts[tuple(values[b] for b in by)] += 1
    out = [dict(zip(by, k, strict=True)) | {"count": n} for k, n in sorted(counts.items())]
    by_type = Counter(classes[r.type] for r in active)
    return Inventory(source="registry", date=day, by=by, rows=out, total=len(active),
                     by_type=dict(by_type), synthetic=any(r.synthetic for r in active),
                     by_detail=dict(sorted(Counter(r.type for r in active).items())))


def inventory_from_facilities(
    facilities: Iterable[Facility], day: dt.date, by: Sequence[str] = ("operator", "type")
) -> Inventory:
    """Count the registry's facilities active on ``day`` (see :func:`inventory_from_rows`)."""
    items = list(facilities)
    inv = inventory_from_rows(
        (FacilityRow(f.operator, f.type.value, f.region, f.valid_from, f.valid_to,
                     f.provenance.synthetic) for f in items), day, by)
    inv.sources.extend(sorted({f.provenance.label for f in items if f.active_on(day)}))
    return inv


def survey_editions(counts: Iterable[SurveyCount]) -> list[SurveyEdition]:
    return sorted({c.edition for c in counts}, key=lambda e: (e.date, e.publisher))


def _dims(c: SurveyCount) -> frozenset[str]:
    return frozenset(d for d in DIMENSIONS if getattr(c, d, None))


def survey_table(counts: Iterable[SurveyCount], by: Sequence[str]) -> dict[tuple[str, ...], int] | None:
    """Counts of one edition grouped by ``by``, or None if the edition does not give them.

    Rows given exactly at that level are used as they are; otherwise the finest rows that
    cover it are added up.
    """
    want = frozenset(by)
    rows = list(counts)
    exact = [c for c in rows if _dims(c) == want]
    if not exact:
        covering = [c for c in rows if _dims(c) >= want]
        if not covering:
            return None
        finest = min({_dims(c) for c in covering}, key=len)
        exact = [c for c in covering if _dims(c) == finest]
    table: Counter[tuple[str, ...]] = Counter()
    for c in exact:
        table[tuple(getattr(c, d) for d in by)] += c.count
    return dict(table)


def inventory_from_survey(
    counts: Iterable[SurveyCount], day: dt.date, by: Sequence[str] = ("operator", "type"),
    publisher: str | None = None,
) -> Inventory | None:
    """The latest survey edition at or before ``day`` (optionally of one publisher); None if
    there is none, or if ``by`` asks for ``detail`` (surveys count bases and points only)."""
    by = _check_by(by)
    if "detail" in by:
        return None
    all_counts = [c for c in counts if publisher is None or c.edition.publisher == publisher]
    editions = [e for e in survey_editions(all_counts) if e.date <= day]
    if not editions:
        return None
    edition = editions[-1]
    rows_in = [c for c in all_counts if c.edition == edition]
    notes: list[str] = []
    total_t = survey_table(rows_in, ())
    total = total_t[()] if total_t else 0
    by_type = {k[0]: v for k, v in (survey_table(rows_in, ("type",)) or {}).items()}
    if by_type and total and sum(by_type.values()) != total:
        notes.append(f"types add up to {sum(by_type.values())}, not the stated total {total}")
    table = survey_table(rows_in, by)
    rows: list[dict[str, Any]] = []
    if table is None:
        notes.append(f"{edition} gives no breakdown by {', '.join(by)}")
    else:
        rows = [dict(zip(by, k, strict=True)) | {"count": n}
                for k, n in sorted(table.items(), key=lambda kv: (-kv[1], kv[0]))]
        if total and sum(table.values()) != total:
            notes.append(f"breakdown adds up to {sum(table.values())}, not the stated total {total}")
    notes += sorted({c.provenance.notes for c in rows_in if c.provenance.notes})
    return Inventory(
        source="survey", date=day, by=by, rows=rows, total=total, by_type=by_type, edition=edition,
        synthetic=any(c.provenance.synthetic for c in rows_in),
        sources=sorted({c.provenance.label for c in rows_in}), notes=notes,
    )


@dataclass(frozen=True)
class SurveyDiff:
    """Change between two editions: totals always; by operator where both give it."""

    old: SurveyEdition
    new: SurveyEdition
    old_total: int
    new_total: int
    by_operator: dict[str, tuple[int, int]]
    notes: list[str]

    @property
    def change(self) -> int:
        return self.new_total - self.old_total

    @property
    def change_pct(self) -> float:
        return 100.0 * self.change / self.old_total if self.old_total else float("nan")

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": {"publisher": self.old.publisher, "date": self.old.date.isoformat(),
                    "total": self.old_total},
            "new": {"publisher": self.new.publisher, "date": self.new.date.isoformat(),
                    "total": self.new_total},
            "change": self.change,
            "change_pct": round(self.change_pct, 1),
            "by_operator": {k: {"old": a, "new": b, "change": b - a}
                            for k, (a, b) in self.by_operator.items()},
            "notes": self.notes,
        }


def survey_diff(counts: Iterable[SurveyCount], old: SurveyEdition, new: SurveyEdition) -> SurveyDiff:
    """Compare two editions; raises ValidationError if either is missing or gives no total."""
    rows = list(counts)
    a = [c for c in rows if c.edition == old]
    b = [c for c in rows if c.edition == new]
    for ed, rs in ((old, a), (new, b)):
        if not rs:
            raise ValidationError(f"no survey edition {ed}")
    ta, tb = survey_table(a, ()), survey_table(b, ())
    if not ta or not tb:
        raise ValidationError("both editions must give a total")
    oa, ob = survey_table(a, ("operator",)), survey_table(b, ("operator",))
    notes: list[str] = []
    by_op: dict[str, tuple[int, int]] = {}
    if oa is not None and ob is not None:
        for k in sorted(set(oa) | set(ob)):
            by_op[k[0]] = (oa.get(k, 0), ob.get(k, 0))
    else:
        missing = [str(e) for e, t in ((old, oa), (new, ob)) if t is None]
        notes.append(f"no change by operator: {', '.join(missing)} gives only totals")
    return SurveyDiff(old, new, ta[()], tb[()], by_op, notes)
