"""Reports model: grades never default to reliable; records round-trip through dicts."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from basewatch.errors import ValidationError
from basewatch.model import DatePrecision, Provenance, Source
from basewatch.model.reports import (
    Claim,
    ClaimKind,
    Report,
    ReportSource,
    SourceKind,
    Stance,
    SubjectKind,
    content_hash,
    source_id_for,
)

P = Provenance(Source("test fixture"), source_date=dt.date(2024, 12, 5))
T = dt.datetime(2024, 12, 3, 9, 30, tzinfo=dt.UTC)


def test_an_ungraded_source_is_f6_and_says_so():
    s = ReportSource("x", "X", SourceKind.OSINT, P)
    assert (s.reliability, s.default_credibility, s.graded, s.grade) == ("F", 6, False,
                                                                         "F6 (ungraded)")


def test_a_grade_needs_a_grader_and_valid_codes():
    with pytest.raises(ValidationError, match="needs graded_by"):
        ReportSource("x", "X", SourceKind.OSINT, P, reliability="A", default_credibility=1)
    with pytest.raises(ValidationError, match="credibility 7 is not an Admiralty grade 1-6"):
        ReportSource("x", "X", SourceKind.OSINT, P, reliability="B", default_credibility=7,
                     graded_by="me")
    s = ReportSource("x", "X", SourceKind.OSINT, P, reliability="b", default_credibility=2,
                     graded_by="me")
    assert s.grade == "B2"


def test_source_matches_handles_without_at_and_case():
    s = ReportSource("mt-anderson", "MT Anderson", SourceKind.OSINT, P, handles=("@MT_Anderson",))
    assert s.matches("mt_anderson") and s.matches("@MT_ANDERSON") and s.matches("MT Anderson")
    assert source_id_for("@MT_Anderson") == "mt-anderson"


def test_repost_text_has_the_same_hash():
    assert content_hash("Ships  LEFT\nTartus") == content_hash("ships left tartus")
    assert content_hash("ships left tartus") != content_hash("ships left latakia")


def test_report_needs_utc_time_and_text():
    with pytest.raises(ValidationError, match="UTC-aware"):
        Report("r", "s", dt.datetime(2024, 12, 3), "text", P)
    with pytest.raises(ValidationError, match="text is empty"):
        Report("r", "s", T, "  ", P)


def test_records_round_trip_through_dicts():
    s = ReportSource("kremlin", "Kremlin", SourceKind.OFFICIAL, P, speaks_for=("russia",),
                     handles=("Peskov",), language="ru")
    assert ReportSource.from_dict(s.to_dict()) == s
    r = Report("r1", "kremlin", T, "Nothing to add.", P, url="https://x.test/1",
               quotes=("https://x.test/0",), retrieved=T + dt.timedelta(hours=1))
    assert Report.from_dict(r.to_dict()) == r
    c = Claim("c1", "r1", "kremlin", SubjectKind.AIRCRAFT, "RA-78847", "Il-76MD RA-78847",
              ClaimKind.DEPARTURE, Stance.ASSERTS, T, dt.date(2024, 12, 2), DatePrecision.DAY,
              "explicit", (0, 15), "Nothing to add.", 2, "khmeimim", "site", "moscow",
              ("registration",))
    assert Claim.from_dict(c.to_dict()) == c
    row = json.loads(json.dumps(c.to_row()))  # as the claim cache keeps it
    assert Claim.from_row(row) == c
    assert Claim.from_row(row, credibility=5) == Claim.from_dict(c.to_dict(), credibility=5)
    assert c.tied_site == "khmeimim"
