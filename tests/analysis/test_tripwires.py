import datetime as dt

import pytest

from basewatch.analysis.tripwires import SiteFacts, parse_condition, run_tripwires
from basewatch.errors import ValidationError
from basewatch.model.assessment import Tripwire

DAYS = [dt.date(2024, 12, d) for d in range(1, 7)]
NOW = dt.datetime(2024, 12, 1, tzinfo=dt.timezone.utc)


@pytest.fixture
def timeline():
    dist = [60, 50, 38, 45, 35, 30]
    reach = [set(), set(), {"BM-30 Smerch"}, {"BM-30 Smerch"}, {"BM-30 Smerch"}, {"BM-30 Smerch"}]
    corridor = [True, True, True, True, False, False]
    p = [0.1, 0.2, 0.4, 0.65, 0.7, 0.5]
    return {"tartus": {d: SiteFacts(distance_km=dist[i], in_reach=frozenset(reach[i]),
                                    corridors={"damascus": corridor[i]},
                                    probabilities={"withdrawal": p[i]}) for i, d in enumerate(DAYS)}}


@pytest.mark.parametrize("condition,fired_on", [
    ("distance < 40", [3, 5]),           # 38 on the 3rd, back to 45, then 35 on the 5th
    ("in_reach(smerch)", [3]),           # once, not every day it stays in reach
    ("corridor(damascus) == cut", [5]),
    ("p(withdrawal) >= 0.6", [4]),
])
def test_tripwires_fire_on_the_right_day_once(timeline, condition, fired_on):
    alerts = run_tripwires([Tripwire("t1", condition, "tartus", NOW)], timeline)
    assert [a.date.day for a in alerts] == fired_on
    assert all(a.tripwire == "t1" and a.evidence for a in alerts)


def test_evidence_is_kept_with_the_alert(timeline):
    (alert,) = run_tripwires([Tripwire("t", "in_reach(smerch)", "tartus", NOW)], timeline)
    assert alert.evidence == ("in reach of BM-30 Smerch",)


@pytest.mark.parametrize("text,message", [
    ("distance is small", "cannot parse condition"),
    ("distance == 40", "distance needs <, <=, > or >="),
    ("p(withdrawal) > high", "'high' is not a number"),
    ("corridor(damascus) == open", "use corridor\\(PLACE\\) == cut\\|connected"),
    ("in_reach()", "needs an argument"),
])
def test_unparseable_conditions_are_refused(text, message):
    with pytest.raises(ValidationError, match=message):
        parse_condition(text)


def test_in_reach_matches_the_system_id_the_name_and_the_munition():
    from basewatch.analysis.tripwires import ReachFact, evaluate

    facts = SiteFacts(in_reach=frozenset({ReachFact("bm-30-smerch", "BM-30 Smerch", "9M528 (HE-frag)")}))
    for arg in ("bm-30-smerch", "BM-30 Smerch", "smerch", "9m528", "BM 30"):
        assert evaluate(parse_condition(f"in_reach({arg})"), facts)[0], arg
    assert not evaluate(parse_condition("in_reach(uragan)"), facts)[0]


def test_site_overrun_fires_once_on_every_watched_site_without_being_set():
    inside = ("red", DAYS[2], 4.0)
    tl = {"gamma": {d: SiteFacts(inside=inside if i >= 2 else None) for i, d in enumerate(DAYS)},
          "other": {d: SiteFacts() for d in DAYS}}
    alerts = run_tripwires([Tripwire("t", "distance < 1", "gamma", NOW)], tl)
    (a,) = alerts
    assert (a.site, a.date, a.message) == ("gamma", DAYS[2], f"gamma: site overrun on {DAYS[2]}")
    assert "inside ground held by red since 2024-12-03, 4.0 km" in a.evidence[0]
    # Set explicitly, it is not doubled; switched off, it is not added.
    assert len(run_tripwires([Tripwire("o", "overrun", "gamma", NOW)], tl)) == 1
    assert run_tripwires([Tripwire("t", "distance < 1", "gamma", NOW)], tl, overrun=False) == []


@pytest.mark.parametrize("text", ["overrun(x)", "overrun == yes"])
def test_overrun_takes_nothing(text):
    with pytest.raises(ValidationError, match="overrun takes no argument"):
        parse_condition(text)
