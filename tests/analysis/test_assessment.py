import datetime as dt
import random

import pytest

from basewatch.analysis.assessment import assess, probability_words
from basewatch.errors import ValidationError
from basewatch.model.assessment import Indicator, LikelihoodTable

D = dt.date(2024, 12, 5)


def table(rows, priors=(("w", 0.2), ("r", 0.8))):
    return LikelihoodTable.from_dict({
        "name": "test",
        "hypotheses": [{"id": h, "name": h, "prior": p, "justification": "test"} for h, p in priors],
        "rows": [{"kind": k, "state": s, "likelihoods": lk, "reason": "test", **extra}
                 for k, s, lk, *rest in rows for extra in [rest[0] if rest else {}]],
    })


def ind(kind, state="x", group=None, day=D, **kw):
    return Indicator(kind, state, "tartus", day, f"{kind}/{state}/{group}", "src",
                     group or kind, **kw)


T = table([("a", "x", {"w": 0.8, "r": 0.2}), ("b", "x", {"w": 0.9, "r": 0.3}),
           ("c", "x", {"w": 0.5, "r": 0.25})])


def test_two_pieces_of_evidence_match_hand_computation():
    # Prior 0.2; after a: 0.2*0.8 / (0.2*0.8 + 0.8*0.2) = 0.5; after b: 0.5*0.9/(0.5*0.9+0.5*0.3) = 0.75.
    a = assess(T, [ind("a", day=D - dt.timedelta(days=1)), ind("b")], "w", site="tartus", date=D)
    assert [round(s.probability_after, 6) for s in a.steps] == [0.5, 0.75]
    assert a.probability == pytest.approx(0.75)
    assert a.posterior["r"] == pytest.approx(0.25)
    assert a.steps[0].likelihood_ratio == pytest.approx(4.0)


def test_three_pieces_match_hand_computation():
    # Odds: 0.25 * 4 * 3 * 2 = 6 -> p = 6/7.
    a = assess(T, [ind("a"), ind("b"), ind("c")], "w", site="tartus", date=D)
    assert a.probability == pytest.approx(6 / 7)


def test_an_independence_group_of_three_counts_once():
    members = [ind("a", group="one-image"), ind("b", group="one-image"), ind("c", group="one-image")]
    a = assess(T, members, "w", site="tartus", date=D)
    assert len(a.steps) == 1
    # The most informative member represents the group: a (LR 4; b has 3, c 2).
    assert a.steps[0].indicator.kind == "a" and len(a.steps[0].others_in_group) == 2
    assert a.probability == pytest.approx(0.5)


def test_the_posterior_does_not_depend_on_the_order_of_evidence():
    items = [ind("a"), ind("b"), ind("c"), ind("a", group="g2")]
    first = assess(T, items, "w", site="tartus", date=D).probability
    rng = random.Random(4)
    for _ in range(5):
        rng.shuffle(items)
        assert assess(T, items, "w", site="tartus", date=D).probability == pytest.approx(first)


def test_sensitivity_signs():
    a = assess(T, [ind("a"), ind("b")], "w", site="tartus", date=D)
    for _, halved, doubled in a.sensitivity:
        assert halved < a.probability < doubled


def test_base_rate_replaces_the_routine_likelihood():
    t = table([("apron", "empty", {"w": 0.9, "r": 0.5}, {"base_rate_hypothesis": "r"})])
    common = assess(t, [ind("apron", "empty", base_rate=0.45)], "w", site="k", date=D)
    rare = assess(t, [ind("apron", "empty", base_rate=0.05)], "w", site="k", date=D)
    # 0.2*0.9 / (0.2*0.9 + 0.8*0.45) = 0.3333; with 0.05: 0.18/(0.18+0.04) = 0.8182.
    assert common.probability == pytest.approx(1 / 3)
    assert rare.probability == pytest.approx(0.18 / 0.22)
    assert common.steps[0].base_rate_used


def test_evidence_after_the_date_or_without_a_table_row_is_not_weighed():
    a = assess(T, [ind("a", day=D + dt.timedelta(days=1)), ind("zzz")], "w", site="t", date=D)
    assert a.steps == () and a.probability == pytest.approx(0.2)
    assert [i.kind for i in a.unweighed] == ["zzz"]


def test_words():
    assert [probability_words(p) for p in (0.01, 0.1, 0.3, 0.5, 0.6, 0.9, 0.99)] == [
        "almost no chance", "very unlikely", "unlikely", "roughly even chance", "likely",
        "very likely", "almost certain"]


@pytest.mark.parametrize("lk,message", [({"w": 0.0, "r": 0.5}, r"P\(e\|w\) = 0.0 must be in \(0, 1\)"),
                                        ({"w": 1.2, "r": 0.5}, r"must be in \(0, 1\)"),
                                        ({"w": 0.5}, r"missing \['r'\]")])
def test_bad_likelihood_tables_are_refused(lk, message):
    with pytest.raises(ValidationError, match=message):
        table([("a", "x", lk)])


def test_priors_must_sum_to_one():
    with pytest.raises(ValidationError, match="priors sum to 0.9000, not 1"):
        table([], priors=(("w", 0.2), ("r", 0.7)))
