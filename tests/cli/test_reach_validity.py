"""A facility exists only from its valid_from to its valid_to: on every face, nothing reaches
it outside those days and no tripwire of it fires there; and ``in_reach`` matches a system by
its catalogue aliases (issue 17). A small made-up two-sided theatre, imported through the CLI;
the expected dates follow from the rules, the distances from pyproj.Geod."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyproj
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from basewatch.api import create_app
from basewatch.cli.main import app

runner = CliRunner()
GEOD = pyproj.Geod(ellps="WGS84")
SNAP1, DELIVERY, CLOSED, OPENED, SNAP2 = (
    "2025-01-01", "2025-01-03", "2025-01-07", "2025-01-08", "2025-01-10")
RANGE_KM = 50.0
# Red holds lon 30-31, Blue 31-33 (lat 49-50). Delta (closed after 7 Jan) and Echo (opened on
# 8 Jan) are Blue's, well inside the rocket's range of Red's ground.
DELTA, ECHO = (31.3, 49.5), (31.4, 49.6)


def _poly(x0: float, x1: float) -> dict:  # type: ignore[type-arg]
    return {"type": "Polygon", "coordinates": [[[x0, 49.0], [x1, 49.0], [x1, 50.0], [x0, 50.0],
                                                [x0, 49.0]]]}


def _edge_km(lon: float, lat: float) -> float:
    lats = np.linspace(49.0, 50.0, 12_000)
    return float(GEOD.inv(np.full(lats.size, lon), np.full(lats.size, lat),
                          np.full(lats.size, 31.0), lats)[2].min()) / 1000


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert _edge_km(*DELTA) < RANGE_KM and _edge_km(*ECHO) < RANGE_KM
    d = tmp_path_factory.mktemp("validity")
    (d / "factions.json").write_text(json.dumps({
        "factions": [{"id": "blue", "name": "Blue", "source": "t"},
                     {"id": "red", "name": "Red", "source": "t"}],
        "relations": [{"a": "blue", "b": "red", "kind": "hostile", "source": "t"}]}))
    (d / "facilities.csv").write_text(
        "id,name,operator,type,lon,lat,source,valid_from,valid_to\n"
        f"delta,Delta field,blue,airbase,{DELTA[0]},{DELTA[1]},t,,{CLOSED}\n"
        f"echo,Echo field,blue,airbase,{ECHO[0]},{ECHO[1]},t,{OPENED},\n")
    (d / "control.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"faction": f, "date": day, "source": "t"},
         "geometry": _poly(*xs)}
        for day in (SNAP1, SNAP2) for f, xs in (("red", (30.0, 31.0)), ("blue", (31.0, 33.0)))]}))
    (d / "weapons.json").write_text(json.dumps({"systems": [
        {"id": "lr-rocket", "name": "Longbow", "aliases": ["Yew M2"], "class": "mrl",
         "source": "t", "munitions": [{"name": "standard", "max_range_km": RANGE_KM,
                                       "source": "t range"}]}],
        "holdings": [{"faction": "red", "system": "lr-rocket", "valid_from": DELIVERY,
                      "source": "t"}]}))
    w = d / "ws"
    for cmd, name in ((["import", "factions"], "factions.json"),
                      (["import", "facilities"], "facilities.csv"),
                      (["import", "control"], "control.geojson"),
                      (["weapons", "import"], "weapons.json")):
        r = runner.invoke(app, [*cmd, str(d / name), "-w", str(w)])
        assert r.exit_code == 0, r.output
    for site, cond in (("delta", "in_reach(lr-rocket)"), ("echo", "in_reach(yew m2)")):
        r = runner.invoke(app, ["tripwires", "add", cond, "--site", site, "-w", str(w)])
        assert r.exit_code == 0, r.output
    return w


def run_json(*args: object) -> object:
    r = runner.invoke(app, [str(a) for a in args] + ["--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_reach_ends_on_the_day_a_facility_closes(ws: Path) -> None:
    tl = run_json("exposure", "timeline", "--site", "delta", "-w", ws)
    assert tl["reach_spans"] == [{"system": "lr-rocket", "munition": "standard",
                                  "from": DELIVERY, "to": CLOSED}]
    assert max(s["date"] for s in tl["series"]) <= CLOSED
    (row,) = run_json("exposure", "--date", "2025-01-12", "--site", "delta", "-w", ws)
    assert row["state"] == "not_active" and row["systems_in_reach"] == []
    assert row["distance_km"] is None
    rows = run_json("exposure", "--date", "2025-01-12", "-w", ws)
    assert [r["facility"] for r in rows] == ["echo"]  # the list: what exists that day


def test_reach_starts_on_the_day_a_facility_opens_not_the_weapons(ws: Path) -> None:
    tl = run_json("exposure", "timeline", "--site", "echo", "-w", ws)
    assert tl["first_in_reach"] == [{"system": "lr-rocket", "munition": "standard",
                                     "date": OPENED}]
    assert min(s["date"] for s in tl["series"]) == OPENED
    (row,) = run_json("exposure", "--date", "2025-01-05", "--site", "echo", "-w", ws)
    assert row["state"] == "not_active"
    (row,) = run_json("exposure", "--date", "2025-01-09", "--site", "echo", "-w", ws)
    assert row["systems_in_reach"][0]["since"] == OPENED
    assert row["distance_km"] == pytest.approx(_edge_km(*ECHO), abs=0.01)


def test_the_api_and_the_site_page_agree(ws: Path) -> None:
    c = TestClient(create_app(ws))
    (row,) = c.get("/exposure", params={"date": "2025-01-12", "site": "delta"}).json()
    assert row["state"] == "not_active"
    s = c.get("/sites/echo/summary", params={"from": SNAP1, "to": "2025-01-12"}).json()
    assert s["exposure"][0]["date"] == OPENED
    assert all(e["systems_in_reach"][0]["since"] == OPENED for e in s["exposure"])


def test_tripwires_fire_while_the_site_exists_and_match_an_alias(ws: Path) -> None:
    out = run_json("tripwires", "run", "--from", SNAP1, "--to", "2025-01-12", "-w", ws)
    fired = sorted((a["site"], a["date"]) for a in out["alerts"])
    # Echo's "in_reach(yew m2)" (an alias of Longbow) on the day it opens, not on the
    # delivery date before it existed; Delta's on the delivery date, and nothing after 7 Jan.
    assert fired == [("delta", DELIVERY), ("echo", OPENED)]
