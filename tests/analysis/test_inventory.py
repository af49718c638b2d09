import datetime as dt

import pytest

from basewatch.analysis.inventory import (
    inventory_from_facilities,
    inventory_from_survey,
    survey_diff,
    survey_table,
)
from basewatch.errors import ValidationError
from basewatch.model import Facility, FacilityType, SurveyCount, SurveyEdition

NEW = SurveyEdition("Jusoor", dt.date(2024, 7, 2))
OLD = SurveyEdition("Jusoor", dt.date(2023, 7, 1))


@pytest.fixture
def counts(prov):
    rows = [(NEW, "", "", 801), (NEW, "", "base", 102), (NEW, "", "point", 699),
            (NEW, "iran", "base", 52), (NEW, "iran", "point", 477),
            (NEW, "turkey", "base", 12), (NEW, "turkey", "point", 114),
            (NEW, "russia", "base", 21), (NEW, "russia", "point", 93),
            (NEW, "us", "base", 17), (NEW, "us", "point", 15), (OLD, "", "", 830)]
    return [SurveyCount(e, n, prov, operator=o, type=t) for e, o, t, n in rows]


def test_survey_inventory_gives_the_seed_totals(counts):
    inv = inventory_from_survey(counts, dt.date(2024, 12, 5), ("operator",))
    assert inv is not None and inv.edition == NEW
    assert inv.total == 801
    assert inv.by_type == {"base": 102, "point": 699}
    # 52 + 477 = 529, by hand.
    assert inv.rows[0] == {"operator": "iran", "count": 529}
    assert inv.largest_operator == "iran"
    assert inv.notes == []


def test_survey_inventory_before_the_new_edition_uses_the_old_one(counts):
    inv = inventory_from_survey(counts, dt.date(2024, 1, 1), ("operator",))
    assert inv is not None and inv.edition == OLD and inv.total == 830
    assert inv.rows == [] and "gives no breakdown" in inv.notes[0]


def test_survey_inventory_before_any_edition_is_none(counts):
    assert inventory_from_survey(counts, dt.date(2020, 1, 1)) is None


def test_survey_diff_is_minus_29_or_minus_3_5_percent(counts):
    diff = survey_diff(counts, OLD, NEW)
    assert diff.change == -29
    assert round(diff.change_pct, 1) == -3.5  # -29 / 830 = -3.494 %
    assert diff.by_operator == {}
    assert "gives only totals" in diff.notes[0]


def test_survey_table_adds_finer_rows_when_a_level_is_not_given(counts, prov):
    new_only = [c for c in counts if c.edition == NEW]
    assert survey_table(new_only, ("operator",))[("turkey",)] == 126
    assert survey_table(new_only, ("type",)) == {("base",): 102, ("point",): 699}
    assert survey_table(new_only, ("region",)) is None


def test_breakdown_that_does_not_add_up_is_noted(prov):
    rows = [SurveyCount(NEW, 10, prov), SurveyCount(NEW, 4, prov, operator="a", type="base")]
    inv = inventory_from_survey(rows, dt.date(2025, 1, 1), ("operator",))
    assert any("adds up to 4, not the stated total 10" in n for n in inv.notes)


def test_registry_inventory_counts_active_facilities_by_survey_class(prov):
    def fac(i, op, t, frm=None, to=None):
        return Facility(str(i), f"f{i}", op, t, 36.0, 35.0, prov, valid_from=frm, valid_to=to)

    items = [fac(1, "russia", FacilityType.AIRBASE), fac(2, "russia", FacilityType.POINT),
             fac(3, "iran", FacilityType.OBSERVATION_POST),
             fac(4, "iran", FacilityType.BASE, to=dt.date(2020, 1, 1)),
             fac(5, "iran", FacilityType.BASE, frm=dt.date(2030, 1, 1))]
    inv = inventory_from_facilities(items, dt.date(2024, 12, 1), ("operator", "type"))
    assert inv.total == 3
    assert inv.rows == [{"operator": "iran", "type": "point", "count": 1},
                        {"operator": "russia", "type": "base", "count": 1},
                        {"operator": "russia", "type": "point", "count": 1}]


def test_grouping_by_an_unknown_dimension_is_refused(prov):
    with pytest.raises(ValidationError, match="cannot group by colour"):
        inventory_from_facilities([], dt.date(2024, 1, 1), ("colour",))
