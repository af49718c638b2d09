"""Verdicts against a site's own history, with base rates computed by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from basewatch.analysis.verdicts import (
    MIN_HISTORY,
    Verdict,
    daily_counts,
    daily_totals,
    judge_count,
    judge_series,
)
from basewatch.model import Provenance, Source
from basewatch.model.imagery import ImageryCount

UTC = dt.UTC


def test_empty_apron_seen_in_18_percent_of_history_is_not_conclusive() -> None:
    # 140 earlier dates, apron empty on 25 of them (presence/absence from Sentinel-2)
    history = [0] * 25 + [1] * 115
    j = judge_count(0, history, presence_only=True, what="apron, aircraft")
    assert j.n == 140
    assert j.base_rate == pytest.approx(25 / 140)  # 17.9 %
    assert j.p_tail == pytest.approx(26 / 142)
    assert j.verdict is Verdict.NOT_CONCLUSIVE
    assert "18 % of 140 earlier observations" in j.text
    assert "not conclusive" in j.text


def test_never_seen_drop_after_120_dates_is_anomalous() -> None:
    j = judge_count(0, [3] * 80 + [2] * 30 + [1] * 10)
    assert j.base_rate == 0.0
    assert j.p_tail == pytest.approx(1 / 122)  # Laplace: (0 + 1) / (120 + 2)
    assert j.score == pytest.approx(2.0864, abs=1e-3)
    assert j.verdict is Verdict.ANOMALOUS
    assert "0 % of 120" in j.text


def test_rare_state_is_unusual() -> None:
    # 2 of 60 earlier dates had 0: p = 3/62 = 0.048 < 0.05 but >= 0.01
    j = judge_count(0, [0] * 2 + [2] * 58)
    assert j.p_tail == pytest.approx(3 / 62)
    assert j.verdict is Verdict.UNUSUAL


def test_count_inside_interquartile_range_is_normal() -> None:
    j = judge_count(2, [1] * 10 + [2] * 20 + [3] * 10)
    assert j.verdict is Verdict.NORMAL
    assert j.state == "2" and j.base_rate == pytest.approx(0.5)


def test_surge_uses_upper_tail() -> None:
    j = judge_count(9, [2] * 99 + [3] * 1)
    assert j.state == "9 or more" and j.base_rate == 0.0
    assert j.verdict is Verdict.ANOMALOUS


def test_too_little_history_is_not_conclusive_whatever_the_count() -> None:
    j = judge_count(0, [5] * (MIN_HISTORY - 1))
    assert j.verdict is Verdict.NOT_CONCLUSIVE and "too little history" in j.text
    assert judge_count(0, []).text.endswith("(too little history)")


def _c(day: int, count: int, res: float, synthetic: bool = False, cls: str = "frigate") -> ImageryCount:
    prov = Provenance(Source("gen" if synthetic else "analyst"), synthetic=synthetic,
                      generator="test" if synthetic else "")
    return ImageryCount("tartus", "harbour basin", dt.datetime(2024, 11, day, 9, tzinfo=UTC), cls,
                        count, "S2", prov, resolution_m=res)


def test_daily_counts_keep_the_finest_count_of_a_date() -> None:
    series = daily_counts([_c(1, 3, 10.0, True), _c(1, 2, 0.5), _c(2, 3, 10.0, True)])
    assert [(d.day.day, d.count, d.synthetic) for d in series] == [(1, 2, False), (2, 3, True)]


def test_daily_totals_only_on_dates_with_every_class() -> None:
    fr = daily_counts([_c(1, 3, 10), _c(2, 3, 10)])
    sub = daily_counts([_c(1, 1, 10, cls="submarine")])
    assert daily_totals({"frigate": fr, "submarine": sub}) == [(dt.date(2024, 11, 1), 4, False)]


def test_judge_series_uses_only_earlier_dates() -> None:
    days = [(dt.date(2024, 1, 1) + dt.timedelta(days=i), 3, False) for i in range(15)]
    days.append((dt.date(2024, 2, 1), 0, False))
    out = judge_series(days)
    assert out[0].n == 0 and out[-1].n == 15
    assert out[-1].p_tail == pytest.approx(1 / 17)
    assert out[-1].verdict is Verdict.NOT_CONCLUSIVE  # 15 dates cannot make 0 anomalous
    assert out[-1].last == dt.date(2024, 1, 15)
