"""Importer of survey counts (CSV)."""

from __future__ import annotations

from pathlib import Path

from basewatch.errors import BasewatchError, ImportFormatError
from basewatch.model import SurveyCount, SurveyEdition
from basewatch.sources._common import CsvRow, Parsed, provenance_from
from basewatch.sources.features import read_features
from basewatch.sources.mapping import Faults, FieldMapping, missing_fields
from basewatch.sources.registry import OperatorResolver

__all__ = ["parse_survey"]


REQUIRED = ("publisher", "edition_date", "count", "source")


def parse_survey(path: str | Path, resolve_operator: OperatorResolver,
                 mapping: FieldMapping | None = None) -> Parsed:
    """Survey counts: one row per (edition, operator, type, region); empty means "all".

    A CSV (any usual delimiter) or a spreadsheet (.xlsx, .ods); ``mapping`` fills or renames
    columns (``--set publisher="Jusoor for Studies"``, ``--date-from-name``).
    """
    ff = read_features(path, "survey", mapping)
    p = ff.path
    have = set(ff.columns) | {k for f in ff.features[:1] for k in f.props}
    missing = [c for c in REQUIRED if c not in have]
    if missing:
        raise ImportFormatError(f"{p.name} line 1: missing column{'s' if len(missing) > 1 else ''} "
                                f"{', '.join(missing)} (found: {', '.join(ff.columns)})")
    records: list[SurveyCount] = []
    seen: dict[tuple[str, ...], str] = {}
    faults = Faults()
    for f in ff.features:
        if f.row is None:
            raise ImportFormatError(f"{f.where}: survey counts are a table (CSV or spreadsheet)")
        fault = missing_fields(f.row.values, ("publisher", "edition_date", "count", "source"),
                               f.row.where)
        if fault:
            faults.add(fault)
            continue
        rec = faults.guard(_count, f.row, resolve_operator)
        if rec is None:
            continue
        if rec.key in seen:
            faults.add(f"{f.row.where}: duplicate count for {rec.key} (first at {seen[rec.key]})")
            continue
        seen[rec.key] = f.row.where
        records.append(rec)
    faults.check()
    return Parsed(p, "survey", ff.sha256, records, [], ff.notes)


def _count(row: CsvRow, resolve_operator: OperatorResolver) -> SurveyCount:
    edition_date = row.date("edition_date", required=True)
    assert edition_date is not None
    count = row.number("count", lo=0, hi=1e7)
    assert count is not None
    if count != int(count):
        raise ImportFormatError(f"{row.where}: count {count:g} is not a whole number")
    op = row.get("operator")
    try:
        operator = resolve_operator(op) if op else ""
        return SurveyCount(
            edition=SurveyEdition(row.require("publisher"), edition_date),
            operator=operator, type=row.get("type").lower(), region=row.get("region"),
            count=int(count), provenance=provenance_from(row.get, row.where))
    except ImportFormatError:
        raise
    except BasewatchError as exc:
        raise ImportFormatError(f"{row.where}: {exc}") from None
