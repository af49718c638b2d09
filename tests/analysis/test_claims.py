"""Claim extraction: gazetteer matching, ties, dates, stance, on the article and tricky text."""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from basewatch.analysis.claims import Gazetteer, extract_claims, find_dates
from basewatch.model import Facility, FacilityType, Place, Provenance, Source
from basewatch.model.reports import ClaimKind, Report, Stance, SubjectKind

P = Provenance(Source("test fixture"))
UTC = dt.UTC


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    fac = [
        Facility("khmeimim", "Khmeimim Air Base", "russia", FacilityType.AIRBASE, 35.949, 35.401, P,
                 aliases=("Hmeimim", "Humaymim", "Hmeimim Air Base", "Hmeymim")),
        Facility("tartus", "Tartus naval facility", "russia", FacilityType.NAVAL_BASE, 35.87,
                 34.905, P, aliases=("Tartous naval base",)),
    ]
    places = [Place("tartus", "Tartus", 35.8866, 34.889, P, aliases=("Tartous", "Ṭarṭūs")),
              Place("hama", "Hama", 36.7578, 35.1318, P), Place("latakia", "Latakia", 35.79, 35.53, P),
              Place("moscow", "Moscow", 37.6173, 55.7558, P), Place("kabul", "Kabul", 69.2, 34.55, P)]
    return Gazetteer.build(fac, places)


def report(text: str, day: dt.date = dt.date(2024, 12, 3)) -> Report:
    published = dt.datetime.combine(day, dt.time(12), UTC)
    return Report(Report.make_id("t", published, text), "t", published, text, P)


def claims_of(gaz: Gazetteer, text: str, day: dt.date = dt.date(2024, 12, 3)):
    return extract_claims(report(text, day), gaz)


@pytest.mark.parametrize("name", ["Hmeimim", "Khmeimim", "Humaymim", "HMEIMIM", "Hmeymim"])
def test_every_alias_of_khmeimim_names_the_site(gaz: Gazetteer, name: str):
    (m,) = gaz.find(f"Aircraft seen at {name} today.")
    assert (m.entry.kind, m.entry.id, m.text) == (SubjectKind.SITE, "khmeimim", name)


def test_tartus_spellings_resolve_to_the_naval_facility_over_the_city(gaz: Gazetteer):
    ids = [(m.entry.kind, m.entry.id) for m in gaz.find("Tartus, Tartous and Ṭarṭūs")]
    # "Tartus" is the facility's id and the city's name: the site wins. Ṭarṭūs folds to
    # "tartus" (accents dropped) so it is the site too; "Tartous" alone is only the city's.
    assert ids == [(SubjectKind.SITE, "tartus"), (SubjectKind.PLACE, "tartus"),
                   (SubjectKind.SITE, "tartus")]


def test_a_site_name_inside_another_word_does_not_match(gaz: Gazetteer):
    assert gaz.find("Hamas fighters; the Tartusian coast; Kabulistan; Moscowitz") == []


def test_longest_name_wins(gaz: Gazetteer):
    (m,) = gaz.find("the Hmeimim Air Base apron")
    assert m.text == "Hmeimim Air Base"


def test_trie_finds_the_same_mentions_as_a_regex_per_name():
    rng = random.Random(7)
    words = ["".join(rng.choice("abcdefghij") for _ in range(rng.randint(4, 8))) for _ in range(300)]
    names = list(dict.fromkeys(words))[:150]
    g = Gazetteer()
    from basewatch.analysis.claims import GazEntry

    for n in names:
        g.add(n, GazEntry(SubjectKind.PLACE, n, n))
    text = " ".join(rng.choice(words + ["xx", "yy"]) for _ in range(2000))
    naive = sorted((m.start(), m.end()) for n in names
                   for m in re.finditer(rf"\b{re.escape(n)}\b", text, re.IGNORECASE))
    assert [(m.start, m.end) for m in g.find(text)] == naive


ARMORED_TRUTHS = ("⚡️Russian Air Force Il-76MD (RA-78847) from Khmeimim Air Base 🇸🇾 returning to "
                  "Moscow 🇷🇺\n\n\n\nRussian EMERCOM Il-76TD (RA-76845) leaving Kabul 🇦🇫 "
                  "(Humanitarian aid) -MenchOsint pic.twitter.com/XZwLZ7iRoW")


def test_ra78847_tied_to_khmeimim_and_ra76845_to_kabul_not_khmeimim(gaz: Gazetteer):
    by = {c.subject_id: c for c in claims_of(gaz, ARMORED_TRUTHS, dt.date(2024, 12, 4))
          if c.subject_kind == SubjectKind.AIRCRAFT}
    assert set(by) == {"RA-78847", "RA-76845"}
    a, b = by["RA-78847"], by["RA-76845"]
    assert (a.kind, a.site_id, a.destination_id) == (ClaimKind.DEPARTURE, "khmeimim", "moscow")
    assert a.subject_label == "Il-76MD RA-78847"
    assert (b.kind, b.site_id) == (ClaimKind.DEPARTURE, "kabul")
    assert b.subject_label == "Il-76TD RA-76845"


def test_two_aircraft_in_one_sentence_each_get_their_own_site(gaz: Gazetteer):
    cs = claims_of(gaz, "Il-76MD RA-78847 left Hmeimim while RA-76845 was leaving Kabul.")
    ties = {c.subject_id: c.site_id for c in cs if c.subject_kind == SubjectKind.AIRCRAFT}
    assert ties == {"RA-78847": "khmeimim", "RA-76845": "kabul"}


def test_site_claims_are_not_made_from_the_sites_an_aircraft_is_tied_to(gaz: Gazetteer):
    cs = claims_of(gaz, ARMORED_TRUTHS, dt.date(2024, 12, 4))
    assert {c.subject_kind for c in cs} == {SubjectKind.AIRCRAFT}


def test_mt_anderson_tartus_post_departure_likely_on_2_december(gaz: Gazetteer):
    text = ("🚨update🚨\n\n🇷🇺Med Sea Flotilla🇷🇺\n\n📷 from 3 December 2024 confirms the Med Sea "
            "flotilla has departed Tartus, likely on 2 December\n\n\n\nThe departed vessels "
            "include: 3x frigates (2x Gorshkov class | 1x Grigorovich class), 1x Improved Kilo "
            "and 2x auxiliaries")
    cs = claims_of(gaz, text)
    site = [c for c in cs if c.subject_kind == SubjectKind.SITE]
    assert [(c.subject_id, c.kind, c.stance, c.event_date, c.date_basis) for c in site] == [
        ("tartus", ClaimKind.DEPARTURE, Stance.ASSERTS, dt.date(2024, 12, 2), "explicit")]
    vessels = {c.subject_id: c.site_id for c in cs if c.subject_kind == SubjectKind.VESSEL}
    assert vessels == {"admiral-gorshkov-class": "tartus", "admiral-grigorovich-class": "tartus",
                       "kilo-class": "tartus"}
    for c in cs:  # every claim keeps the span it came from
        assert text[c.span[0]:c.span[1]].strip() == c.text


def test_gorzhkov_spelling_is_the_gorshkov_class(gaz: Gazetteer):
    cs = claims_of(gaz, "Two Admiral Gorzhkov-class frigates were stationed at Tartus.")
    assert {(c.subject_id, c.kind, c.site_id) for c in cs} == {
        ("admiral-gorshkov-class", ClaimKind.PRESENCE, "tartus")}


@pytest.mark.parametrize("text,stance", [
    ("Russian ships have left Tartus.", Stance.ASSERTS),
    ("Russian ships have not left Tartus.", Stance.DENIES),
    ("The Russian navy ships are reportedly vacating the base in Tartus.", Stance.SPECULATES),
    ("The Hmeimim military airbase also appears deserted.", Stance.SPECULATES),
    ("Khmeimim: this apron is sometimes empty so not conclusive of an evacuation", Stance.SPECULATES),
])
def test_stance_from_negations_and_hedges(gaz: Gazetteer, text: str, stance: Stance):
    (c, *_) = claims_of(gaz, text)
    assert c.stance == stance, c.rules


def test_relative_dates_cross_month_ends():
    post = dt.datetime(2024, 12, 1, 8, tzinfo=UTC)
    assert [d.date for d in find_dates("they left yesterday", post)] == [dt.date(2024, 11, 30)]
    leap = dt.datetime(2024, 3, 1, tzinfo=UTC)  # 2024 is a leap year: 1 Mar - 2 days = 28 Feb
    assert [d.date for d in find_dates("two days ago", leap)] == [dt.date(2024, 2, 28)]
    jan = dt.datetime(2025, 1, 2, tzinfo=UTC)  # no year: 30 December is last year's
    assert [d.date for d in find_dates("on 30 December", jan)] == [dt.date(2024, 12, 30)]


def test_days_after_an_explicit_date_and_after_an_unknown_event():
    post = dt.datetime(2024, 12, 5, tzinfo=UTC)
    found = find_dates("two days after 27 November the base was hit", post)
    assert dt.date(2024, 11, 29) in [d.date for d in found]
    # "two days after the start of the offensive": no anchor in the text, no date made up
    assert find_dates("problems two days after the start of the offensive", post) == []


@pytest.mark.parametrize("text,expected", [
    ("December 3, 2024", dt.date(2024, 12, 3)), ("3 Dec 2024", dt.date(2024, 12, 3)),
    ("on November 29", dt.date(2024, 11, 29)), ("2024-12-02", dt.date(2024, 12, 2)),
    ("Sept 9", dt.date(2024, 9, 9)),
])
def test_explicit_date_forms(text: str, expected: dt.date):
    (d,) = find_dates(text, dt.datetime(2024, 12, 5, tzinfo=UTC))
    assert d.date == expected and d.basis == "explicit"


def test_post_with_one_site_gives_its_header_to_sentences_without_a_name(gaz: Gazetteer):
    text = ("🇷🇺Khmeimim Air Base🇷🇺\n\n50cm 📷 from the air base near 🇸🇾Latakia (3 Dec 2024)\n\n"
            "Looking pretty empty, only 5 aircraft visible and none located on the apron")
    cs = [c for c in claims_of(gaz, text, dt.date(2024, 12, 3)) if c.kind == ClaimKind.ABSENCE]
    assert [(c.subject_id, c.event_date, c.date_basis) for c in cs] == [
        ("khmeimim", dt.date(2024, 12, 3), "post")]


def test_the_seed_article_yields_the_departure_and_the_aircraft(gaz: Gazetteer):
    from pathlib import Path

    seed = Path(__file__).resolve().parents[2] / "src/basewatch/demo/data/posts.jsonl"
    import json

    article = [json.loads(x) for x in seed.read_text("utf-8").splitlines()][-1]["text"]
    cs = claims_of(gaz, article, dt.date(2024, 12, 5))
    kinds = {(c.subject_id, c.kind) for c in cs}
    assert ("tartus", ClaimKind.DEPARTURE) in kinds
    assert ("khmeimim", ClaimKind.ABSENCE) in kinds
    air = {c.subject_id: c.site_id for c in cs if c.subject_kind == SubjectKind.AIRCRAFT}
    assert air == {"RA-78847": "khmeimim", "RA-76845": "kabul"}


def test_fall_of_a_city_is_about_that_city_only(gaz: Gazetteer):
    cs = claims_of(gaz, "After the fall of Aleppo, Hama is now the focal point.")
    assert cs == []  # Aleppo is not in this gazetteer; Hama did not fall
    cs = claims_of(gaz, "After the fall of Hama, Latakia is next.")
    assert [(c.subject_id, c.kind) for c in cs] == [("hama", ClaimKind.CAPTURE)]


@settings(max_examples=150, deadline=None)
@given(prefix=st.text(alphabet="abcxyz", max_size=3), suffix=st.text(alphabet="abcxyz", max_size=3),
       name=st.sampled_from(["Hama", "Tartus", "Khmeimim", "Latakia", "Kabul"]))
def test_a_name_glued_to_letters_never_matches_and_a_free_one_always_does(
        gaz: Gazetteer, prefix: str, suffix: str, name: str):
    glued = f"{prefix}{name}{suffix}"
    found = gaz.find(f"near {glued} today")
    if prefix or suffix:
        assert found == []
    else:
        assert [m.text for m in found] == [name]
