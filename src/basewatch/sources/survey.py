"""Importer of survey counts (CSV)."""

from __future__ import annotations

from pathlib import Path

from basewatch.errors import BasewatchError, ImportFormatError
from basewatch.model import SurveyCount, SurveyEdition
from basewatch.sources._common import Parsed, decode_text, iter_csv, provenance_from, read_limited
from basewatch.sources.registry import OperatorResolver

__all__ = ["parse_survey"]


def parse_survey(path: str | Path, resolve_operator: OperatorResolver) -> Parsed:
    """Survey counts: one row per (edition, operator, type, region); empty means "all"."""
    p = Path(path)
    data, digest = read_limited(p)
    text = decode_text(data, p)
    records: list[SurveyCount] = []
    seen: dict[tuple[str, ...], str] = {}
    for row in iter_csv(p, text, ("publisher", "edition_date", "count", "source")):
        edition_date = row.date("edition_date", required=True)
        assert edition_date is not None
        count = row.number("count", lo=0, hi=1e7)
        assert count is not None
        if count != int(count):
            raise ImportFormatError(f"{row.where}: count {count:g} is not a whole number")
        op = row.get("operator")
        try:
            operator = resolve_operator(op) if op else ""
            rec = SurveyCount(
                edition=SurveyEdition(row.require("publisher"), edition_date),
                operator=operator, type=row.get("type").lower(), region=row.get("region"),
                count=int(count), provenance=provenance_from(row.get, row.where))
        except ImportFormatError:
            raise
        except BasewatchError as exc:
            raise ImportFormatError(f"{row.where}: {exc}") from None
        if rec.key in seen:
            raise ImportFormatError(f"{row.where}: duplicate count for {rec.key} "
                                    f"(first at {seen[rec.key]})")
        seen[rec.key] = row.where
        records.append(rec)
    return Parsed(p, "survey", digest, records)
