"""The HTTP API on the demo workspace, through FastAPI's TestClient (no sockets)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pyproj import Geod

from basewatch.api import create_app
from basewatch.store import Workspace


@pytest.fixture(scope="module")
def client(demo_ws: Path) -> TestClient:
    return TestClient(create_app(demo_ws))


def test_openapi_lists_every_endpoint(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for p in ("/facilities", "/facilities/{site}", "/places", "/control", "/control/changes",
              "/front", "/inventory", "/survey/diff", "/dates", "/factions"):
        assert p in paths


def test_dates_match_the_store(client: TestClient, demo_ws: Path) -> None:
    with Workspace(demo_ws) as ws:
        expected = [d.isoformat() for d in ws.control_dates()]
    body = client.get("/dates").json()
    assert body["control"] == expected
    assert body["first"] == "2024-11-27" and body["last"] == "2024-12-08"


def test_facilities_geojson_filter_and_pages(client: TestClient, demo_ws: Path) -> None:
    with Workspace(demo_ws) as ws:
        all_ids = [f.id for f in ws.facilities()]
        russian = [f.id for f in ws.facilities(operator="russia")]
    body = client.get("/facilities").json()
    assert body["type"] == "FeatureCollection" and body["total"] == len(all_ids)
    assert [f["id"] for f in body["features"]] == all_ids
    ru = client.get("/facilities", params={"operator": "russia"}).json()
    assert [f["id"] for f in ru["features"]] == russian and "khmeimim" in russian
    page = client.get("/facilities", params={"limit": 3, "offset": 2}).json()
    assert [f["id"] for f in page["features"]] == all_ids[2:5]
    k = next(f for f in body["features"] if f["id"] == "khmeimim")
    assert k["geometry"]["coordinates"] == pytest.approx([35.949, 35.401], abs=0.01)
    assert "synthetic" in k["properties"] and "provenance" in k["properties"]


def test_facility_by_alias_and_unknown_site(client: TestClient) -> None:
    assert client.get("/facilities/Hmeimim").json()["id"] == "khmeimim"
    r = client.get("/facilities/nowhere-at-all")
    assert r.status_code == 404 and "nowhere-at-all" in r.json()["detail"]


def test_control_marks_synthetic_and_area_is_geodesic(client: TestClient) -> None:
    body = client.get("/control", params={"date": "2024-12-05"}).json()
    assert body["snapshot"] == "2024-12-05" and body["synthetic"] is True
    factions = {f["properties"]["faction"] for f in body["features"]}
    assert {"government", "opposition"} <= factions
    from shapely.geometry import shape

    g = Geod(ellps="WGS84")
    for feat in body["features"]:
        assert feat["properties"]["synthetic"] is True
        km2 = abs(g.geometry_area_perimeter(shape(feat["geometry"]))[0]) / 1e6
        assert feat["properties"]["area_km2"] == pytest.approx(km2, rel=1e-3, abs=0.1)


def test_control_changes_hama_changes_hands(client: TestClient) -> None:
    body = client.get("/control/changes", params={"from": "2024-12-01", "to": "2024-12-08"}).json()
    hama = [p for p in body["places_changed"] if p["place"] == "Hama"]
    assert hama and hama[0]["date"] == "2024-12-05" and hama[0]["from"] == "government"
    assert body["factions"]["opposition"]["gained_km2"] > 0


def test_front_lines_between_hostile_factions(client: TestClient) -> None:
    body = client.get("/front", params={"date": "2024-12-05"}).json()
    assert body["features"] and body["previous_snapshot"] == "2024-12-04"
    pairs = {frozenset((f["properties"]["a"], f["properties"]["b"])) for f in body["features"]}
    assert frozenset(("government", "opposition")) in pairs
    assert all(f["geometry"]["type"] in ("LineString", "MultiLineString")
               for f in body["features"])


def test_inventory_and_survey_diff(client: TestClient) -> None:
    inv = client.get("/inventory", params={"date": "2024-12-05", "by": "operator"}).json()
    assert inv["total"] == sum(r["count"] for r in inv["rows"])
    diff = client.get("/survey/diff").json()
    assert diff["change"] == diff["new"]["total"] - diff["old"]["total"]


def test_etag_gives_304_and_changes_with_query(client: TestClient) -> None:
    r = client.get("/control", params={"date": "2024-12-05"})
    tag = r.headers["etag"]
    again = client.get("/control", params={"date": "2024-12-05"}, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    other = client.get("/control", params={"date": "2024-12-08"}, headers={"If-None-Match": tag})
    assert other.status_code == 200 and other.headers["etag"] != tag


@pytest.mark.parametrize(("url", "code", "needle"), [
    ("/control?date=2020-01-01", 404, "2024-11-27"),
    ("/front?date=1999-01-01", 404, "no control snapshot"),
    ("/control?date=not-a-date", 422, "date"),
    ("/control/changes?from=2024-12-08&to=2024-12-01", 400, "before"),
    ("/facilities?limit=0", 422, "limit"),
    ("/inventory?date=2024-12-05&by=colour", 422, "by"),
    ("/survey/diff?to=2001-01-01", 404, "2001-01-01"),
])
def test_bad_requests_are_4xx_with_a_message(client: TestClient, url: str, code: int,
                                             needle: str) -> None:
    r = client.get(url)
    assert r.status_code == code
    assert needle in r.text


def test_missing_workspace_is_404(tmp_path: Path) -> None:
    r = TestClient(create_app(tmp_path)).get("/dates")
    assert r.status_code == 404 and "no workspace" in r.json()["detail"]


def test_serve_refuses_a_missing_workspace(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from basewatch.cli.main import app

    r = CliRunner().invoke(app, ["serve", "-w", str(tmp_path / "none")])
    assert r.exit_code == 2 and "no workspace" in r.output


def test_concurrent_requests_share_no_connection(client: TestClient) -> None:
    # Each request opens and closes its own workspace in its worker thread.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda d: client.get("/control", params={"date": d}).status_code,
                              [f"2024-12-0{i}" for i in range(1, 9)] * 3))
    assert codes == [200] * 24
