"""Hand-written synthetic sentences run through the claim extractor against a small gazetteer
of places (the claim-rule rounds' tests: ``test_claims_round*.py``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from basewatch.analysis.claims import Gazetteer, extract_claims
from basewatch.analysis.gazetteer import GazEntry
from basewatch.model import Provenance, Source
from basewatch.model.reports import Report, SubjectKind


def claims_in(text: str, places: Mapping[str, Sequence[str]], *, language: str, generator: str,
              first_per_place: bool = False) -> list[tuple[str, str, str]]:
    """(place, kind, stance) of every claim the extractor finds in ``text`` (a synthetic post
    of 1 Dec 2024), the places given by their aliases, the first alias their label; with
    ``first_per_place`` only the first claim on each place, in text order."""
    g = Gazetteer()
    for pid, aliases in places.items():
        e = GazEntry(SubjectKind.PLACE, pid, aliases[0])
        for n in aliases:
            g.add(n, e)
    prov = Provenance(Source("basewatch tests"), synthetic=True, generator=generator)
    r = Report(id="r", source_id="s", text=text, provenance=prov, language=language,
               published=dt.datetime(2024, 12, 1, 8, tzinfo=dt.UTC))
    claims = extract_claims(r, g)
    if not first_per_place:
        return [(c.subject_id, c.kind.value, c.stance.value) for c in claims]
    out: list[tuple[str, str, str]] = []
    for c in sorted(claims, key=lambda c: c.span):
        if c.subject_id not in {x[0] for x in out}:
            out.append((c.subject_id, c.kind.value, c.stance.value))
    return out
