"""One reach evaluation on every face (issue 17): a small made-up theatre, imported through the
CLI, where a weapon is delivered between two control snapshots, one site is overrun and one
site's margin is smaller than its location uncertainty. Expected distances from pyproj.Geod."""

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

FACTIONS = {"factions": [
    {"id": "blue", "name": "Blue", "source": "test theatre"},
    {"id": "red", "name": "Red", "source": "test theatre"}],
    "relations": [{"a": "blue", "b": "red", "kind": "hostile", "source": "test theatre"}]}
SNAP1, DELIVERY, SNAP2 = "2025-01-01", "2025-01-05", "2025-01-10"
RED_EDGE = 31.0  # Red holds lon 30-31 (then 30-31.02), Blue lon 31-33, lat 49-50.


def _poly(x0: float, x1: float) -> dict:  # type: ignore[type-arg]
    return {"type": "Polygon", "coordinates": [[[x0, 49.0], [x1, 49.0], [x1, 50.0], [x0, 50.0],
                                                [x0, 49.0]]]}


def _control() -> dict:  # type: ignore[type-arg]
    feats = []
    for day, edge in ((SNAP1, RED_EDGE), (SNAP2, RED_EDGE + 0.02)):
        feats += [{"type": "Feature", "properties": {"faction": "red", "date": day,
                                                     "source": "test theatre"},
                   "geometry": _poly(30.0, edge)},
                  {"type": "Feature", "properties": {"faction": "blue", "date": day,
                                                     "source": "test theatre"},
                   "geometry": _poly(edge, 33.0)}]
    return {"type": "FeatureCollection", "features": feats}


def _edge_distance_km(lon: float, lat: float, edge: float) -> float:
    """Geodesic distance to the meridian segment lon=edge, lat 49-50, densified every ~10 m."""
    lats = np.linspace(49.0, 50.0, 12_000)
    return float(GEOD.inv(np.full(lats.size, lon), np.full(lats.size, lat),
                          np.full(lats.size, edge), lats)[2].min()) / 1000


ALPHA = (31.5, 49.5)     # ~36 km from Red: reached by the 50 km rocket once delivered
RANGE_KM = 50.0


def _beta() -> tuple[float, float]:
    """A point 48.5 km from Red's first edge: a 1.5 km margin, under its 5 km uncertainty."""
    lon, _, _ = GEOD.fwd(RED_EDGE, 49.5, 90.0, 48_500)
    return round(float(lon), 5), 49.5


@pytest.fixture(scope="module")
def theatre(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("theatre")
    ws = d / "ws"
    (d / "factions.json").write_text(json.dumps(FACTIONS))
    beta = _beta()
    (d / "facilities.csv").write_text(
        "id,name,aliases,operator,type,lon,lat,source,location_precision\n"
        f"alpha,Alpha Airfield,,blue,airbase,{ALPHA[0]},{ALPHA[1]},test theatre,exact\n"
        f"beta,Beta town depot,,blue,depot,{beta[0]},{beta[1]},test theatre,approximate\n"
        "gamma,Gamma post,,blue,base,30.5,49.5,test theatre,exact\n"
        "bridge,Crimean Bridge,Kerch Strait Bridge,blue,other,32.5,49.9,test theatre,exact\n"
        "kacha,Kacha,,blue,airbase,32.6,49.8,test theatre,exact\n")
    (d / "control.geojson").write_text(json.dumps(_control()))
    (d / "weapons.json").write_text(json.dumps({"systems": [
        {"id": "lr-rocket", "name": "Longbow", "class": "mrl", "source": "test theatre",
         "munitions": [{"name": "standard", "max_range_km": RANGE_KM,
                        "source": {"publisher": "Test range table", "title": "Longbow"}}]}],
        "holdings": [{"faction": "red", "system": "lr-rocket", "valid_from": DELIVERY,
                      "source": "test theatre"}]}))
    for cmd, name in ((["import", "factions"], "factions.json"),
                      (["import", "facilities"], "facilities.csv"),
                      (["import", "control"], "control.geojson"),
                      (["weapons", "import"], "weapons.json")):
        r = runner.invoke(app, [*cmd, str(d / name), "-w", str(ws)])
        assert r.exit_code == 0, r.output
    for site, cond in (("alpha", "in_reach(lr-rocket)"), ("gamma", "distance < 10"),
                       ("beta", "distance < 100")):
        r = runner.invoke(app, ["tripwires", "add", cond, "--site", site, "-w", str(ws)])
        assert r.exit_code == 0, r.output
    return ws


def run_json(*args: object) -> object:
    r = runner.invoke(app, [str(a) for a in args] + ["--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_distances_match_geod(theatre: Path) -> None:
    rows = {r["facility"]: r for r in run_json("exposure", "--date", SNAP1, "-w", theatre)}
    assert rows["alpha"]["distance_km"] == pytest.approx(_edge_distance_km(*ALPHA, RED_EDGE), abs=0.01)


def test_weapon_delivered_between_snapshots_reaches_from_its_own_date_on_the_cli(theatre: Path) -> None:
    before = {r["facility"]: r for r in run_json("exposure", "--date", "2025-01-04", "-w", theatre)}
    assert before["alpha"]["systems_in_reach"] == [] and before["alpha"]["state"] == "outside_reach"
    rows = {r["facility"]: r for r in run_json("exposure", "--date", "2025-01-07", "-w", theatre)}
    (r,) = rows["alpha"]["systems_in_reach"]
    assert r["system"] == "lr-rocket" and r["since"] == DELIVERY
    tl = run_json("exposure", "timeline", "--site", "alpha", "-w", theatre)
    assert DELIVERY in [s["date"] for s in tl["series"]]
    assert tl["first_in_reach"] == [{"system": "lr-rocket", "munition": "standard", "date": DELIVERY}]


def test_the_same_since_date_on_the_api_and_the_site_summary(theatre: Path) -> None:
    c = TestClient(create_app(theatre))
    (row,) = c.get("/exposure", params={"date": "2025-01-07", "site": "alpha"}).json()
    assert row["systems_in_reach"][0]["since"] == DELIVERY
    s = c.get("/sites/alpha/summary", params={"from": SNAP1, "to": "2025-01-12"}).json()
    reached = [e["date"] for e in s["exposure"] if e["systems_in_reach"]]
    assert reached[0] == DELIVERY and len(reached) == 8  # 5 .. 12 Jan
    assert all(r["since"] == DELIVERY for e in s["exposure"] for r in e["systems_in_reach"])
    assert s["warnings"] and "generic default" in s["warnings"][0]  # no likelihood table


def test_tripwires_fire_on_the_delivery_date_by_system_id_and_on_the_overrun(theatre: Path) -> None:
    out = run_json("tripwires", "run", "-w", theatre)  # default: the workspace's span
    fired = {(a["site"], a["date"], a["message"]) for a in out["alerts"]}
    assert ("alpha", DELIVERY, f"alpha: in_reach(lr-rocket) on {DELIVERY}") in fired
    assert ("gamma", SNAP1, f"gamma: site overrun on {SNAP1}") in fired


def test_an_overrun_site_has_its_own_state(theatre: Path) -> None:
    rows = {r["facility"]: r for r in run_json("exposure", "--date", "2025-01-12", "-w", theatre)}
    g = rows["gamma"]
    assert g["state"] == "inside_hostile" and g["systems_in_reach"] == []
    assert g["inside"]["faction"] == "red" and g["inside"]["since"] == SNAP1
    # Depth: distance to Blue's ground, whose edge moved to 31.02 on 10 Jan.
    assert g["inside"]["depth_km"] == pytest.approx(_edge_distance_km(30.5, 49.5, RED_EDGE + 0.02),
                                                    abs=0.01)
    text = runner.invoke(app, ["exposure", "--date", "2025-01-12", "-w", str(theatre)],
                         env={"COLUMNS": "300"}).output
    assert "inside ground held by red since 2025-01-01" in " ".join(text.split())


def test_a_margin_under_the_location_uncertainty_is_flagged(theatre: Path) -> None:
    rows = {r["facility"]: r for r in run_json("exposure", "--date", "2025-01-07", "-w", theatre)}
    (b,) = rows["beta"]["systems_in_reach"]
    assert 0 < b["margin_km"] < 5 and b["within_location_uncertainty"] is True
    assert rows["alpha"]["systems_in_reach"][0]["within_location_uncertainty"] is False
    c = TestClient(create_app(theatre))
    (row,) = c.get("/exposure", params={"date": "2025-01-07", "site": "beta"}).json()
    assert row["systems_in_reach"][0]["within_location_uncertainty"] is True
    (ring,) = c.get("/rings", params={"date": "2025-01-07", "site": "beta"}).json()["features"]
    assert ring["properties"]["within_location_uncertainty"] is True
    (ring,) = c.get("/rings", params={"date": "2025-01-07", "site": "alpha"}).json()["features"]
    assert ring["properties"]["within_location_uncertainty"] is False


def test_before_the_first_snapshot_no_control_is_known(theatre: Path) -> None:
    rows = run_json("exposure", "--date", "2024-12-01", "-w", theatre)
    assert {r["state"] for r in rows} == {"no_control_known"}
    r = runner.invoke(app, ["exposure", "--date", "2024-12-01", "-w", str(theatre)])
    assert r.exit_code == 0 and "No control known" in r.output


def test_site_resolves_by_the_first_words_of_an_alias(theatre: Path) -> None:
    (row,) = run_json("exposure", "--date", SNAP2, "--site", "kerch", "-w", theatre)
    assert row["facility"] == "bridge"


def test_inventory_tells_airbases_apart_from_bases(theatre: Path) -> None:
    inv = run_json("inventory", "--by", "type,detail", "--date", SNAP2, "-w", theatre)
    rows = {(r["type"], r["detail"]): r["count"] for r in inv["rows"]}
    assert rows == {("base", "airbase"): 2, ("base", "depot"): 1, ("base", "base"): 1,
                    ("base", "other"): 1}
    assert inv["by_detail"] == {"airbase": 2, "base": 1, "depot": 1, "other": 1}
    r = runner.invoke(app, ["inventory", "--by", "detail", "--source", "survey", "-w", str(theatre)])
    assert r.exit_code == 2 and "surveys count bases and points only" in r.output


def test_the_report_shows_since_dates_overrun_uncertainty_and_weapon_sources(theatre: Path,
                                                                             tmp_path: Path) -> None:
    run_json("tripwires", "run", "-w", theatre)
    out = tmp_path / "r.html"
    r = runner.invoke(app, ["report", "--date", "2025-01-07", "--output", str(out), "-w", str(theatre)])
    assert r.exit_code == 0, r.output
    text = " ".join(out.read_text("utf-8").split())
    assert f"since {DELIVERY}" in text
    assert "inside ground held by red since 2025-01-01" in text
    assert "gamma: site overrun on 2025-01-01" in text
    assert "Within location uncertainty: Beta town depot" in text
    assert "<li>Test range table: Longbow</li>" in text  # the weapon-range source
    assert "generic default table" in text  # no likelihood table: said in the caveats


def test_projection_of_a_front_that_did_not_move_gives_no_date_and_no_overflow() -> None:
    import datetime as dt

    from basewatch.analysis.exposure import Exposure, NearestGround
    from basewatch.model import Provenance, Source
    from basewatch.model.weapons import Holding, Munition, WeaponClass, WeaponSystem
    from basewatch.queries.exposure import Catalog, projection

    p = Provenance(Source("t"))
    system = WeaponSystem("s", "S", WeaponClass.MRL, (Munition("m", 0, 20, Source("t")),), p)
    cat = Catalog({"s": system}, [Holding("red", "s", p)])
    d0 = 36.123456789
    series = [Exposure("x", "X", "blue", dt.date(2025, 1, 1) + dt.timedelta(days=k), "red",
                       NearestGround(d, 30.0, 49.0), (), False, {"red": d})
              for k, d in enumerate((d0, d0, d0 - 3e-15, d0 - 4e-15))]
    out = projection(series, cat)
    assert out["pace_km_per_day"] == 0.0
    assert [u["projected_date"] for u in out["next"]] == [None]
