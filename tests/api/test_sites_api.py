"""The map layers' and site pages' endpoints on the demo workspace: rings checked against
pyproj.Geod, reach areas, corridor GeoJSON, claims, chips (safe lookup), summary, pagination."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pyproj
import pytest
from fastapi.testclient import TestClient
from shapely.geometry import Point, shape

from basewatch.api import create_app

GEOD = pyproj.Geod(ellps="WGS84")
KHMEIMIM = (35.949, 35.401)


@pytest.fixture(scope="module")
def client(demo_ws: Path, tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    from tests.faces_workspace import demo_with_alerts

    return TestClient(create_app(demo_with_alerts(demo_ws, tmp_path_factory.mktemp("alerts"))))


def test_smerch_rings_are_geodesic_circles_of_the_munition_range(client: TestClient) -> None:
    fc = client.get("/rings", params={"date": "2024-12-05", "site": "Hmeimim"}).json()
    rings = {f["properties"]["munition"]: f for f in fc["features"]}
    assert set(rings) == {"9M528 (HE-frag)", "9M55K (cargo)"}
    for f in rings.values():
        lon, lat = np.array(f["geometry"]["coordinates"][0]).T
        _, _, d = GEOD.inv(np.full(lon.size, KHMEIMIM[0]), np.full(lon.size, KHMEIMIM[1]), lon, lat)
        assert np.allclose(d, f["properties"]["radius_km"] * 1000, rtol=1e-6)
        # Khmeimim is 30-45 km from opposition ground: inside both Smerch ranges (70, 90 km).
        assert f["properties"]["in_reach"] is True and f["properties"]["synthetic"] is True
        assert 30 <= f["properties"]["distance_km"] <= 45


def test_no_rings_before_the_smerch_was_captured(client: TestClient) -> None:
    # The opposition holds captured Smerch from 3 Dec; before that nobody hostile holds one.
    assert client.get("/rings", params={"date": "2024-12-02"}).json()["features"] == []
    after = client.get("/rings", params={"date": "2024-12-03"}).json()["features"]
    assert {f["properties"]["site"] for f in after} == {"khmeimim", "tartus"}


def test_reach_areas_cover_khmeimim_from_opposition_ground(client: TestClient) -> None:
    fc = client.get("/reach", params={"date": "2024-12-05"}).json()
    assert fc["against"] == ["russia"]
    by = {f["properties"]["munition"]: shape(f["geometry"]) for f in fc["features"]}
    assert by["9M528 (HE-frag)"].contains(Point(*KHMEIMIM))
    assert by["9M528 (HE-frag)"].area > by["9M55K (cargo)"].area
    # A point 85 km beyond the nearest opposition ground, toward Khmeimim, is within 90 km of it.
    e = client.get("/exposure", params={"date": "2024-12-05", "site": "khmeimim"}).json()[0]
    n = e["nearest_point"]
    az, _, _ = GEOD.inv(n["lon"], n["lat"], *KHMEIMIM)
    lon, lat, _ = GEOD.fwd(n["lon"], n["lat"], az, 85_000)
    assert by["9M528 (HE-frag)"].contains(Point(lon, lat))
    assert client.get("/reach", params={"date": "2024-12-02"}).json()["features"] == []
    assert client.get("/reach", params={"date": "2024-12-05", "against": "nobody"}).status_code == 404


def test_corridor_route_then_break_near_homs(client: TestClient) -> None:
    ok = client.get("/corridor/route", params={"date": "2024-12-04", "from": "Tartus",
                                               "to": "Damascus"}).json()
    (route,) = ok["features"]
    assert route["properties"]["kind"] == "route" and route["geometry"]["type"] in (
        "LineString", "MultiLineString")
    # The route's geodesic length agrees with the corridor's reported length.
    assert GEOD.geometry_length(shape(route["geometry"])) / 1000 == pytest.approx(
        route["properties"]["length_km"], abs=0.1)
    cut = client.get("/corridor/route", params={"date": "2024-12-08"}).json()
    kinds = {(f["properties"]["from"], f["properties"]["kind"]) for f in cut["features"]}
    assert ("Tartus naval facility", "usual_route") in kinds
    breaks = [f["properties"]["near"] for f in cut["features"]
              if f["properties"]["kind"] == "break" and f["properties"]["from"].startswith("Tartus")]
    assert "Homs" in breaks and len(breaks) == len(set(breaks))
    assert client.get("/corridor/route", params={"date": "2024-12-04", "from": "Tartus"}).status_code == 404


def test_claims_paginate_with_grades(client: TestClient) -> None:
    full = client.get("/claims", params={"site": "tartus", "limit": 1000}).json()
    assert full["total"] == len(full["claims"]) > 2
    assert all(c["source"]["grade"] for c in full["claims"])
    assert any(c["kind"] == "departure" and c["corroboration"] >= 2 for c in full["claims"])
    page = client.get("/claims", params={"site": "tartus", "limit": 2, "offset": 1}).json()
    assert page["total"] == full["total"] and page["claims"] == full["claims"][1:3]
    assert client.get("/claims", params={"site": "Atlantis"}).status_code == 404
    r = client.get("/claims", params={"limit": "many"})
    assert r.status_code == 422 and "limit" in r.text


def test_lists_paginate_with_total_header(client: TestClient) -> None:
    every = client.get("/alerts").json()
    assert len(every) >= 4
    page = client.get("/alerts", params={"limit": 2, "offset": 1})
    assert page.json() == every[1:3] and page.headers["X-Total-Count"] == str(len(every))
    on = client.get("/alerts", params={"date": "2024-12-03"}).json()
    assert on == [a for a in every if a["date"] == "2024-12-03"] and on
    counts = client.get("/imagery/counts", params={"site": "tartus", "limit": 5})
    assert len(counts.json()) == 5 and int(counts.headers["X-Total-Count"]) > 5
    ev = client.get("/flights/events", params={"site": "OSLK", "limit": 3, "offset": 2})
    assert len(ev.json()) == 3 and int(ev.headers["X-Total-Count"]) > 5


def test_site_summary_khmeimim(client: TestClient) -> None:
    s = client.get("/sites/Hmeimim/summary").json()
    assert s["site"]["id"] == "khmeimim" and len(s["dates"]) == 12
    by_day = {e["date"]: e for e in s["exposure"]}
    assert 30 <= by_day["2024-12-04"]["distance_km"] <= 45
    assert not by_day["2024-12-02"]["systems_in_reach"]
    assert {r["since"] for r in by_day["2024-12-05"]["systems_in_reach"]} == {"2024-12-03"}
    assert s["airfield"]["ident"] == "OSLK" and s["sorties"]
    timeline = client.get("/assessment/timeline", params={
        "site": "khmeimim", "from": s["dates"][0], "to": s["dates"][-1]}).json()
    assert [p["probability"] for p in s["probability"]] == [p["probability"] for p in timeline]
    assert s["assessment"]["steps"]
    tartus = client.get("/sites/tartus/summary").json()
    assert tartus["airfield"] is None and any(r["verdict"] == "anomalous" for r in tartus["imagery"])
    assert client.get("/sites/Atlantis/summary").status_code == 404
    # Up to 2 Dec: the 3 Dec imagery, the Smerch and the alerts of 3 Dec are not known yet.
    early = client.get("/sites/tartus/summary", params={"to": "2024-12-02"}).json()
    assert early["dates"][-1] == "2024-12-02" and early["imagery"]
    assert max(r["date"] for r in early["imagery"]) < "2024-12-03"
    assert all(a["date"] <= "2024-12-02" for a in early["alerts"])
    assert not any(e["systems_in_reach"] for e in early["exposure"])


def test_chips_by_id_only(demo_ws: Path, tmp_path: Path) -> None:
    from basewatch.sources.chips import write_png

    ws = tmp_path / "ws"
    ws.mkdir()
    shutil.copy(demo_ws / "basewatch.gpkg", ws / "basewatch.gpkg")
    rgb = np.zeros((8, 8, 3), np.uint8)
    rgb[2:4, 2:4] = 255
    write_png(ws / "chips" / "SYNTHETIC_tartus_harbour-basin_S2A_20241203.png", rgb)
    (tmp_path / "secret.png").write_bytes(b"not yours")
    c = TestClient(create_app(ws))
    listed = c.get("/imagery/chips", params={"site": "tartus"}).json()
    (chip,) = listed["chips"]
    assert chip["synthetic"] and chip["date"] == "2024-12-03"
    png = c.get(f"/imagery/chips/{chip['id']}")
    assert png.headers["content-type"] == "image/png" and png.content.startswith(b"\x89PNG")
    again = c.get(f"/imagery/chips/{chip['id']}", headers={"If-None-Match": png.headers["ETag"]})
    assert again.status_code == 304
    assert c.get("/imagery/chips", params={"site": "khmeimim"}).json()["total"] == 0
    for bad in ("..%2Fsecret", "secret", "..", "%2E%2E%2Fsecret"):
        assert c.get(f"/imagery/chips/{bad}").status_code in (404, 422)


@pytest.mark.parametrize("path,params,field", [
    ("/rings", {"date": "2024-13-01"}, "date"),
    ("/reach", {"date": "yesterday"}, "date"),
    ("/corridor/route", {"date": "0"}, "date"),
    ("/sites/tartus/summary", {"from": "5 Dec"}, "from"),
])
def test_bad_types_are_422_naming_the_field(client: TestClient, path: str, params: dict[str, str],
                                            field: str) -> None:
    r = client.get(path, params=params)
    assert r.status_code == 422 and field in r.text


def test_dates_outside_the_data_are_404(client: TestClient) -> None:
    for path in ("/rings", "/reach", "/corridor/route"):
        r = client.get(path, params={"date": "2020-01-01"})
        assert r.status_code == 404 and "2020-01-01" in r.json()["detail"]
