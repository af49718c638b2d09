import datetime as dt

import pytest
from shapely.geometry import Point, box

from basewatch.errors import ValidationError
from basewatch.model import (
    ControlArea,
    DatePrecision,
    Facility,
    FacilityType,
    Faction,
    LocationPrecision,
    Place,
    Provenance,
    Relation,
    RelationKind,
    Source,
    SurveyCount,
    SurveyEdition,
    normalize_name,
)


def test_every_record_round_trips_through_to_dict(prov):
    synthetic = Provenance(Source("gen", "t", "u"), dt.date(2024, 12, 1), LocationPrecision.AREA,
                           DatePrecision.WEEK, synthetic=True, generator="basewatch.x", seed=7,
                           notes="made up")
    records = [
        Facility("k", "Khmeimim", "russia", FacilityType.AIRBASE, 35.9, 35.4, synthetic,
                 aliases=("Hmeimim",), valid_from=dt.date(2015, 9, 1),
                 footprint=box(35.9, 35.3, 36.0, 35.5), areas={"apron": box(35.91, 35.4, 35.92, 35.41)}),
        Place("homs", "Homs", 36.7, 34.7, prov, aliases=("Hims",), population=800000),
        Faction("opp", "Opposition", prov, aliases=("HTS",)),
        Relation("a", "b", RelationKind.HOSTILE, prov, valid_from=dt.date(2020, 1, 1)),
        ControlArea("opp", dt.date(2024, 12, 5), box(36, 35, 37, 36), synthetic),
        SurveyCount(SurveyEdition("Jusoor", dt.date(2024, 7, 2)), 801, prov),
    ]
    for r in records:
        back = type(r).from_dict(r.to_dict())
        assert back == r
        assert back.to_dict() == r.to_dict()


def test_synthetic_records_must_name_their_generator():
    with pytest.raises(ValidationError, match="must name its generator"):
        Provenance(Source("x"), synthetic=True)
    assert Provenance(Source("x"), synthetic=True, generator="g", seed=1).label.startswith("SYNTHETIC")


def test_every_record_needs_a_source():
    with pytest.raises(ValidationError, match="source publisher is required"):
        Provenance(Source(""))


def test_future_source_dates_are_refused():
    with pytest.raises(ValidationError, match="in the future"):
        Provenance(Source("x"), source_date=dt.date.today() + dt.timedelta(days=400))


@pytest.mark.parametrize("lon,lat,message", [(0, 95.2, "latitude 95.2 outside"),
                                             (181, 0, "longitude 181 outside"),
                                             (float("nan"), 0, "finite")])
def test_facility_coordinates_are_checked(prov, lon, lat, message):
    with pytest.raises(ValidationError, match=message):
        Facility("x", "X", "russia", FacilityType.BASE, lon, lat, prov)


def test_validity_must_be_in_order(prov):
    with pytest.raises(ValidationError, match="valid_to 2020-01-01 before valid_from 2021-01-01"):
        Facility("x", "X", "r", FacilityType.BASE, 0, 0, prov, valid_from=dt.date(2021, 1, 1),
                 valid_to=dt.date(2020, 1, 1))


def test_names_match_across_accents_case_and_punctuation(prov):
    f = Facility("tartus", "Tartus naval facility", "russia", FacilityType.NAVAL_BASE, 35.87, 34.9,
                 prov, aliases=("Ṭarṭūs naval base", "PMTO-Tartus"))
    assert f.matches("tartus naval base") and f.matches("pmto tartus") and f.matches("TARTUS")
    assert not f.matches("Tartu")
    assert normalize_name("  Ḥamāh ") == "hamah"


def test_facility_types_parse_synonyms_and_map_to_survey_classes():
    assert FacilityType.parse("Air Base") is FacilityType.AIRBASE
    assert FacilityType.parse("checkpoint").survey_class == "point"
    assert FacilityType.parse("naval facility").survey_class == "base"
    with pytest.raises(ValidationError, match="unknown facility type 'castle'"):
        FacilityType.parse("castle")


def test_control_areas_are_polygons(prov):
    with pytest.raises(ValidationError, match="must be a Polygon or MultiPolygon, got Point"):
        ControlArea("a", dt.date(2024, 1, 1), Point(0, 0), prov)
