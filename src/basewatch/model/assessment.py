"""Assessment records: hypotheses, indicators, likelihood tables, tripwires and alerts."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from basewatch.errors import ValidationError

__all__ = ["Alert", "Hypothesis", "Indicator", "LikelihoodRow", "LikelihoodTable", "Tripwire"]


@dataclass(frozen=True, slots=True)
class Hypothesis:
    """One of a set of competing hypotheses about a site, with its prior and why."""

    id: str
    name: str
    prior: float
    justification: str

    def __post_init__(self) -> None:
        if not 0.0 < self.prior < 1.0:
            raise ValidationError(f"hypothesis {self.id}: prior {self.prior} must be in (0, 1)")


@dataclass(frozen=True, slots=True)
class Indicator:
    """An observation from another capability, ready to be weighed.

    ``kind`` and ``state`` select a row of the likelihood table (e.g. kind
    ``imagery_verdict``, state ``anomalous``). ``base_rate`` is how often the observed state
    occurs in the site's own history under routine activity, when known; it then replaces the
    table's likelihood under the routine hypothesis, so that a common state weighs little.
    Indicators sharing a ``group`` are not independent (five posts repeating one image) and
    count once.
    """

    kind: str
    state: str
    site: str
    date: dt.date
    description: str
    source: str
    group: str
    synthetic: bool = False
    base_rate: float | None = None
    n_observations: int | None = None
    refs: tuple[str, ...] = ()
    stale_after_days: int | None = None  # an observation (imagery) stops counting after this

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "state": self.state, "site": self.site,
                "date": self.date.isoformat(), "description": self.description,
                "source": self.source, "group": self.group, "synthetic": self.synthetic,
                "base_rate": self.base_rate, "n_observations": self.n_observations,
                "refs": list(self.refs), "stale_after_days": self.stale_after_days}


@dataclass(frozen=True, slots=True)
class LikelihoodRow:
    """P(observing ``state`` of ``kind`` | hypothesis), per hypothesis, with a reason."""

    kind: str
    state: str
    likelihoods: dict[str, float]
    reason: str
    base_rate_hypothesis: str | None = None  # the hypothesis whose likelihood the base rate sets

    def __post_init__(self) -> None:
        for h, p in self.likelihoods.items():
            if not (isinstance(p, (int, float)) and math.isfinite(p) and 0.0 < p < 1.0):
                raise ValidationError(
                    f"likelihood table {self.kind}/{self.state}: P(e|{h}) = {p!r} must be in (0, 1)")
        if not self.reason.strip():
            raise ValidationError(f"likelihood table {self.kind}/{self.state}: a reason is required")


@dataclass(frozen=True)
class LikelihoodTable:
    """Hypotheses and the likelihood of each indicator state under each, editable as JSON."""

    hypotheses: tuple[Hypothesis, ...]
    rows: dict[tuple[str, str], LikelihoodRow] = field(default_factory=dict)
    name: str = ""

    def __post_init__(self) -> None:
        total = sum(h.prior for h in self.hypotheses)
        if abs(total - 1.0) > 1e-6:
            raise ValidationError(f"likelihood table {self.name}: priors sum to {total:.4f}, not 1")
        ids = {h.id for h in self.hypotheses}
        for row in self.rows.values():
            missing = ids - set(row.likelihoods)
            extra = set(row.likelihoods) - ids
            if missing or extra:
                raise ValidationError(
                    f"likelihood table {self.name} {row.kind}/{row.state}: "
                    + (f"missing {sorted(missing)}" if missing else f"unknown {sorted(extra)}"))

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LikelihoodTable:
        try:
            hyps = tuple(Hypothesis(h["id"], h["name"], float(h["prior"]), h.get("justification", ""))
                         for h in d["hypotheses"])
            rows = {}
            for r in d.get("rows", []):
                row = LikelihoodRow(r["kind"], r["state"], {k: float(v) for k, v in r["likelihoods"].items()},
                                    r.get("reason", ""), r.get("base_rate_hypothesis"))
                rows[(row.kind, row.state)] = row
        except (KeyError, TypeError) as exc:
            raise ValidationError(f"likelihood table: missing or malformed field {exc}") from None
        return cls(hyps, rows, str(d.get("name", "")))


@dataclass(frozen=True, slots=True)
class Tripwire:
    """A user-defined condition on a site, evaluated per date."""

    id: str
    condition: str
    site: str
    created: dt.datetime

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "condition": self.condition, "site": self.site,
                "created": self.created.isoformat()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Tripwire:
        return cls(d["id"], d["condition"], d["site"], dt.datetime.fromisoformat(d["created"]))


@dataclass(frozen=True, slots=True)
class Alert:
    """A tripwire that fired on a date, with the evidence that fired it."""

    tripwire: str
    date: dt.date
    site: str
    message: str
    evidence: tuple[str, ...]
    synthetic: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.tripwire, self.date.isoformat())

    def to_dict(self) -> dict[str, Any]:
        return {"tripwire": self.tripwire, "date": self.date.isoformat(), "site": self.site,
                "message": self.message, "evidence": list(self.evidence),
                "synthetic": self.synthetic}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Alert:
        return cls(d["tripwire"], dt.date.fromisoformat(d["date"]), d["site"], d["message"],
                   tuple(d.get("evidence", ())), bool(d.get("synthetic", False)))
