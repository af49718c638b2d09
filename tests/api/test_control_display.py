"""The slider's control layer: simplified outlines, stored once per distinct ground."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
import shapely
from fastapi.testclient import TestClient
from shapely.geometry import shape

from basewatch.analysis.exposure import distances_to_polygon
from basewatch.analysis.geodesy import area_km2
from basewatch.api import create_app
from basewatch.demo.history_gen import History, generate_history
from basewatch.store import CONTROL, FACILITIES, FACTIONS, RELATIONS, Workspace
from basewatch.store.display_cache import DISPLAY_GROUNDS
from basewatch.store.exposure_cache import snapshot_grounds


@pytest.fixture
def history() -> History:
    return generate_history(days=8, vertices=2500, sites=2, seed=5)


@pytest.fixture
def ws_path(tmp_path: Path, history: History) -> Path:
    with Workspace(tmp_path / "ws", create=True) as ws, ws.store.transaction():
        ws.store.put(FACTIONS, history.factions)
        ws.store.put(RELATIONS, history.relations)
        ws.store.put(FACILITIES, history.facilities)
        ws.store.put(CONTROL, history.areas)
    return tmp_path / "ws"


def test_outlines_are_simplified_within_the_stated_tolerance(ws_path: Path, history: History) -> None:
    client = TestClient(create_app(ws_path))
    day = history.dates()[3]
    body = client.get("/control/display", params={"date": day.isoformat(), "tolerance_m": 200}).json()
    assert body["simplified"]["tolerance_m"] == 200 and body["synthetic"] is True
    feats = {f["properties"]["faction"]: f for f in body["features"]}
    assert set(feats) == {"opp", "sdf"}
    for faction, f in feats.items():
        full = history.geometry(faction, day)
        simple = shape(f["geometry"])
        p = f["properties"]
        assert simple.is_valid and p["synthetic"] and p["source"] == "basewatch generator"
        assert p["vertices"] < p["source_vertices"] == shapely.get_num_coordinates(full)
        assert p["area_km2"] == pytest.approx(area_km2(full), abs=0.05)
        # Every vertex of the exact outline is within the tolerance of the simplified one
        # (exact geodesic distance to its boundary), and the simplified keeps original points.
        xy = shapely.get_coordinates(full)[::7]
        d, _, _ = distances_to_polygon(xy[:, 0], xy[:, 1], simple.boundary.buffer(1e-9))
        assert float(np.max(d)) <= 200.0 + 1.0
        kept = {tuple(v) for v in np.round(shapely.get_coordinates(simple), 9)}
        assert kept <= {tuple(v) for v in np.round(shapely.get_coordinates(full), 9)}


def test_one_outline_per_distinct_ground_and_a_replaced_snapshot_follows(
        ws_path: Path, history: History) -> None:
    client = TestClient(create_app(ws_path))
    days = history.dates()
    for d in days:
        assert client.get("/control/display", params={"date": d.isoformat()}).status_code == 200
    with Workspace(ws_path) as ws:
        grounds = {k for s in snapshot_grounds(ws.store).values() for k in s.grounds.values()}
        assert ws.store.count(DISPLAY_GROUNDS) == len(grounds) < 2 * len(days)
        replaced = dataclasses.replace(
            next(a for a in history.areas if a.faction == "opp" and a.date == days[2]),
            geometry=history.geometry("opp", days[-1]).buffer(0.05))
        with ws.store.transaction():
            ws.store.put(CONTROL, [replaced])
    body = client.get("/control/display", params={"date": days[2].isoformat()}).json()
    opp = next(f for f in body["features"] if f["properties"]["faction"] == "opp")
    assert opp["properties"]["area_km2"] == pytest.approx(area_km2(replaced.geometry), abs=0.05)


def test_tolerance_out_of_range_is_a_4xx(ws_path: Path, history: History) -> None:
    client = TestClient(create_app(ws_path))
    r = client.get("/control/display", params={"date": history.dates()[0].isoformat(),
                                                "tolerance_m": 1})
    assert r.status_code in (400, 422)
