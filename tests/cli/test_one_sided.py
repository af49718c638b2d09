"""One-sided control through the CLI and the API: only Red's ground is published; Blue's is
implied by an imported country outline, so the front, distances, reach areas and rings work
with no tripwire set (issue 17, item 3)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pyproj
import pytest
from fastapi.testclient import TestClient
from shapely.geometry import Point, shape
from typer.testing import CliRunner

from basewatch.api import create_app
from basewatch.cli.main import app

runner = CliRunner()
GEOD = pyproj.Geod(ellps="WGS84")


def _fc(*features: dict) -> str:  # type: ignore[type-arg]
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def _box(x0: float, y0: float, x1: float, y1: float) -> dict:  # type: ignore[type-arg]
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("onesided")
    files = {
        "factions.json": json.dumps({"factions": [{"id": "blue", "name": "Blue", "source": "t"},
                                                  {"id": "red", "name": "Red", "source": "t"}],
                                     "relations": [{"a": "blue", "b": "red", "kind": "hostile",
                                                    "source": "t"}]}),
        "facilities.csv": "id,name,operator,type,lon,lat,source\n"
                          "port,Red port,red,naval_base,30.5,49.0005,t\n"
                          "field,Blue field,blue,airbase,31.4,49.5,t\n",
        "outlines.geojson": _fc({"type": "Feature", "properties": {"id": "country", "faction": "blue",
                                                                   "source": "t"},
                                 "geometry": _box(30.0, 48.99, 33.0, 50.0)}),
        "control.geojson": _fc(*({"type": "Feature", "properties": {"faction": "red", "date": day,
                                                                    "source": "t"},
                                  "geometry": _box(30.0, 49.0, edge, 50.0)}
                                 for day, edge in (("2025-01-01", 31.0), ("2025-01-02", 31.1)))),
        "weapons.json": json.dumps({"systems": [{"id": "rk", "name": "Rocket", "class": "mrl",
                                                 "source": "t", "munitions": [
                                                     {"name": "m", "max_range_km": 40,
                                                      "source": "t range"}]}],
                                    "holdings": [{"faction": "red", "system": "rk", "source": "t"}]}),
    }
    for name, text in files.items():
        (d / name).write_text(text)
    w = d / "ws"
    for cmd, name in ((["import", "factions"], "factions.json"),
                      (["import", "facilities"], "facilities.csv"),
                      (["import", "outlines"], "outlines.geojson"),
                      (["import", "control"], "control.geojson"),
                      (["weapons", "import"], "weapons.json")):
        r = runner.invoke(app, [*cmd, str(d / name), "-w", str(w)])
        assert r.exit_code == 0, r.output
    return w


def test_the_front_runs_along_the_held_edge_only(ws: Path) -> None:
    r = runner.invoke(app, ["front", "--date", "2025-01-02", "-w", str(ws), "--json"])
    assert r.exit_code == 0, r.output
    (seg,) = json.loads(r.stdout)["segments"]
    assert {seg["a"], seg["b"]} == {"blue", "red"} and 110.5 <= seg["length_km"] <= 112.0


def test_distances_to_implied_ground_and_no_phantom_ground_at_the_coast(ws: Path) -> None:
    r = runner.invoke(app, ["exposure", "--date", "2025-01-01", "-w", str(ws), "--json"])
    rows = {x["facility"]: x for x in json.loads(r.stdout)}
    lats = np.linspace(49.0, 50.0, 20_000)
    true = GEOD.inv(np.full(lats.size, 30.5), np.full(lats.size, 49.0005),
                    np.full(lats.size, 31.0), lats)[2].min() / 1000
    assert rows["port"]["nearest_faction"] == "blue"
    assert true - 0.75 <= rows["port"]["distance_km"] <= true + 0.05  # not the 1 km sliver
    assert rows["field"]["systems_in_reach"][0]["system"] == "rk"


def test_reach_and_rings_default_without_tripwires(ws: Path) -> None:
    c = TestClient(create_app(ws))
    fc = c.get("/reach", params={"date": "2025-01-02"}).json()
    assert fc["against"] == ["blue", "red"] and fc["features"]
    (area,) = fc["features"]
    assert shape(area["geometry"]).contains(Point(31.4, 49.5))
    rings = c.get("/rings", params={"date": "2025-01-02"}).json()["features"]
    assert {f["properties"]["site"] for f in rings} == {"field"}
    control = c.get("/control", params={"date": "2025-01-02"}).json()["features"]
    assert {(f["properties"]["faction"], f["properties"]["status"]) for f in control} == {
        ("red", "assessed"), ("blue", "implied")}
    empty = c.get("/reach", params={"date": "2025-01-02", "against": "red"}).json()
    assert empty["features"] == [] and "holds a weapon" in empty["note"]


def test_implied_ground_is_stored_and_gives_way_to_published_ground(ws: Path, tmp_path: Path) -> None:
    import shutil

    from basewatch.store import Workspace
    from basewatch.store.base import CONTROL

    w = tmp_path / "ws"
    shutil.copytree(ws, w)
    with Workspace(w) as x:  # derived rows in the control layer: every reader (caches) sees them
        rows = x.store.select(CONTROL, {"status": "implied"})
        assert sorted(r.date.isoformat() for r in rows) == ["2025-01-01", "2025-01-02"]
    own = tmp_path / "blue.geojson"
    own.write_text(_fc({"type": "Feature", "properties": {"faction": "blue", "date": "2025-01-02",
                                                          "source": "t"},
                        "geometry": _box(31.1, 49.0, 33.0, 50.0)}))
    r = runner.invoke(app, ["import", "control", str(own), "-w", str(w)])
    assert r.exit_code == 0, r.output
    with Workspace(w) as x:
        on2 = {(a.faction, a.status.value) for a in x.control_on(dt.date(2025, 1, 2))}
        on1 = {(a.faction, a.status.value) for a in x.control_on(dt.date(2025, 1, 1))}
    assert on2 == {("red", "assessed"), ("blue", "assessed")}  # published ground wins
    assert on1 == {("red", "assessed"), ("blue", "implied")}
