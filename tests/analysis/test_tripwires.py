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
