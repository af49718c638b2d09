"""Corroboration: reposts and quotes count once, conflicts shown, official silence recorded."""

from __future__ import annotations

import datetime as dt

from basewatch.analysis.corroboration import group_claims, independent_origins, silences
from basewatch.model import DatePrecision, Provenance, Source
from basewatch.model.reports import (
    Claim,
    ClaimKind,
    Report,
    ReportSource,
    SourceKind,
    Stance,
    SubjectKind,
)

P = Provenance(Source("test fixture"))
UTC = dt.UTC


def rep(rid: str, source: str, day: int, text: str, *, url: str = "",
        quotes: tuple[str, ...] = ()) -> Report:
    return Report(rid, source, dt.datetime(2024, 12, day, 9, tzinfo=UTC), text, P, url=url,
                  quotes=quotes)


def claim(r: Report, day: int, stance: Stance = Stance.ASSERTS,
          kind: ClaimKind = ClaimKind.DEPARTURE, subject: str = "tartus") -> Claim:
    return Claim(f"{r.id}:{subject}:{kind.value}", r.id, r.source_id, SubjectKind.SITE, subject,
                 subject, kind, stance, r.published, dt.date(2024, 12, day), DatePrecision.DAY,
                 "explicit", (0, len(r.text)), r.text)


def test_reposts_of_one_text_count_once():
    a = rep("a", "alice", 3, "Ships LEFT Tartus")
    b = rep("b", "bob", 3, "ships left   tartus")  # the same text, folded
    c = rep("c", "carol", 4, "Frigates departed Tartus on 2 Dec")
    (g,) = group_claims([claim(a, 2), claim(b, 2), claim(c, 2)], {r.id: r for r in (a, b, c)})
    assert g.origins == (("alice", "bob"), ("carol",))
    assert g.corroboration == 2
    assert g.credibility == 1  # two independent origins assert it, none denies


def test_a_quote_adds_no_origin_but_two_quoted_posts_stay_independent():
    a = rep("a", "alice", 3, "Ships left Tartus", url="https://x.test/a")
    b = rep("b", "bob", 3, "Flotilla departed Tartus", url="https://x.test/b")
    article = rep("art", "news", 5, "As Alice and Bob say, the fleet left Tartus",
                  quotes=("https://x.test/a", "https://x.test/b"))
    reports = {r.id: r for r in (a, b, article)}
    (g,) = group_claims([claim(a, 2), claim(b, 3), claim(article, 5)], reports)
    assert g.origins == (("alice",), ("bob",))
    assert g.derived == ("news",)
    assert g.corroboration == 2
    assert set(g.sources) == {"alice", "bob", "news"}


def test_two_forwards_of_one_outside_post_are_one_origin():
    a = rep("a", "chan1", 3, "forward one text", quotes=("telegram:origin",))
    b = rep("b", "chan2", 3, "forward other words", quotes=("telegram:origin",))
    origins, derived = independent_origins([a, b])
    assert [[r.id for r in o] for o in origins] == [["a", "b"]] and derived == []


def test_the_same_source_twice_is_one_origin():
    a = rep("a", "alice", 3, "Ships left Tartus")
    b = rep("b", "alice", 4, "Confirmed: ships left Tartus")
    (g,) = group_claims([claim(a, 3), claim(b, 4)], {"a": a, "b": b})
    assert g.corroboration == 1 and g.credibility == 6


def test_asserts_against_denies_is_a_conflict():
    a = rep("a", "alice", 3, "Ships left Tartus")
    b = rep("b", "bob", 3, "Ships have not left Tartus")
    (g,) = group_claims([claim(a, 3), claim(b, 3, Stance.DENIES)], {"a": a, "b": b})
    assert g.conflict and g.stances == {"asserts": 1, "denies": 1}
    assert g.corroboration == 1


def test_claims_far_apart_in_time_are_separate_groups():
    a = rep("a", "alice", 1, "Ships left Tartus")
    b = rep("b", "bob", 12, "Ships left Tartus again")
    gs = group_claims([claim(a, 1), claim(b, 12)], {"a": a, "b": b}, window_days=3)
    assert [(g.start, g.end) for g in gs] == [(dt.date(2024, 12, 1),) * 2,
                                              (dt.date(2024, 12, 12),) * 2]


def _official(sid: str, speaks_for: tuple[str, ...]) -> ReportSource:
    return ReportSource(sid, sid.upper(), SourceKind.OFFICIAL, P, speaks_for=speaks_for)


def test_silence_of_official_sources_that_speak_for_the_operator():
    a = rep("a", "alice", 3, "Ships left Tartus")
    mod = _official("mod", ("russia",))
    other = _official("pentagon", ("us_coalition",))
    talker = _official("kremlin", ("russia",))
    k = rep("k", "kremlin", 4, "Ships have not left Tartus")
    unrelated = rep("m", "mod", 3, "Statement on something else")
    (g,) = group_claims([claim(a, 2), claim(k, 4, Stance.DENIES)], {"a": a, "k": k})
    sil = silences(g, [mod, other, talker], [a, k, unrelated], operator="russia", window_days=3,
                   as_of=dt.date(2024, 12, 5))
    assert [(s.source_id, s.window_start, s.window_end, s.reports_in_window) for s in sil] == [
        ("mod", dt.date(2024, 12, 2), dt.date(2024, 12, 5), 1)]
    assert sil[0].statement.startswith("no official confirmation: MOD published nothing")
