"""Floors on real labelled scenes (benchmarks/bench_imagery_real.py on the held-out part of the
shared data). The floors sit a little under what the benchmark measured on the held-out scenes
(docs/imagery.md): a regression shows, a better detector raises them. Skipped where the shared
data is absent (``$BASEWATCH_SHARED_DATA``, else ``<project root>/../shared/data``)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_imagery_real",
                                                  ROOT / "benchmarks" / "bench_imagery_real.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # its dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    mod = _bench()
    root = mod.shared_data()
    if not (root / "sen2ships-dev").is_dir() or not (root / "airbus-aircraft-dev").is_dir():
        pytest.skip(f"no shared real data at {root} (set BASEWATCH_SHARED_DATA)")
    return mod


def test_vessels_on_held_out_sentinel2_ports(bench: ModuleType) -> None:
    scores = bench.run_vessels(bench.shared_data(), bench.VESSEL_HELD_OUT, "held-out")
    t = bench.total("all", "held-out", scores)
    assert t.labels == 38
    assert t.recall >= 0.28 and t.precision >= 0.35, bench.table("held-out", scores)


def test_aircraft_on_held_out_pleiades_images(bench: ModuleType) -> None:
    imgs = bench.aircraft_images(bench.shared_data())[bench.N_AIRCRAFT_DEV:]
    scores = bench.run_aircraft(bench.shared_data(), imgs, "held-out")
    t = bench.total("all", "held-out", scores)
    assert len(scores) == 4
    assert t.recall >= 0.47 and t.precision >= 0.62, bench.table("held-out", scores)
    # Counts: the sum of the per-image count errors (measured 29 of 121 labels; 45 before the
    # third pass).
    assert sum(abs(s.detections - s.labels) for s in scores) <= 35, bench.table("held-out", scores)


def test_aircraft_edge_option_on_held_out_pleiades_images(bench: ModuleType) -> None:
    """The edge-orientation option (docs/imagery.md, fourth pass): measured R 0.51 P 0.86 on the
    held-out images (the default: 0.52 / 0.68); its counts are not asserted (they are worse)."""
    from dataclasses import replace

    from basewatch.analysis.aircraft import AircraftParams

    imgs = bench.aircraft_images(bench.shared_data())[bench.N_AIRCRAFT_DEV:]
    scores = bench.run_aircraft(bench.shared_data(), imgs, "held-out",
                                replace(AircraftParams(), edge_weight=1.0))
    t = bench.total("all", "held-out", scores)
    assert t.recall >= 0.47 and t.precision >= 0.82, bench.table("held-out", scores)


def test_matching_is_one_to_one_within_30_m() -> None:
    from pyproj import Geod

    bench = _bench()
    lon, lat = 23.6, 37.95
    east_25 = Geod(ellps="WGS84").fwd(lon, lat, 90, 25.0)[:2]
    east_35 = Geod(ellps="WGS84").fwd(lon, lat, 90, 35.0)[:2]
    assert bench.match_vessels([east_25], [(lon, lat)]) == 1
    assert bench.match_vessels([east_35], [(lon, lat)]) == 0
    assert bench.match_vessels([east_25, east_25], [(lon, lat)]) == 1


def test_missed_vessels_are_told_apart_by_the_detectors_diagnostics() -> None:
    bench = _bench()
    core = np.zeros((100, 100), bool)
    core[:, 80:] = True
    boxes = [(10.0, 10.0, 4.0, 12.0),   # matched: not counted
             (82.0, 40.0, 4.0, 12.0),   # centre on the land core
             (30.0, 30.0, 4.0, 12.0),   # a kept object in its box, centre too far
             (50.0, 50.0, 4.0, 12.0),   # only a rejected object in its box
             (10.0, 70.0, 4.0, 12.0)]   # nothing there
    cands = [{"row": 31.0, "col": 31.5, "rejected": []},
             {"row": 55.0, "col": 51.5, "rejected": ["ring_snr", "snr"]},
             {"row": 57.0, "col": 52.0, "rejected": ["ring_snr"]}]
    why = bench.miss_reasons(boxes, {0}, {"land_core": core, "candidates": cands})
    assert why == {"land core": 1, "off-centre": 1, "ring_snr": 1, "unseen": 1}
