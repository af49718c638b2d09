"""The Crimea scenario through the HTTP API (FastAPI TestClient): change dates, exposure,
reach, front and a site page over two years of daily history."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.theatre.crimea import change_dates, distance_km, reach_since


@pytest.fixture(scope="module")
def client(crimea_ws: Path) -> Iterator[TestClient]:
    from basewatch.api import create_app

    with TestClient(create_app(crimea_ws)) as c:
        yield c


def test_dates_lists_every_date_where_something_changes(client: TestClient) -> None:
    d = client.get("/dates").json()
    assert d["control"] == ["2022-06-01", "2022-09-15", "2022-11-11", "2024-02-17"]
    # the weapons' own dates too, each between or after the snapshots
    assert d["changes"] == change_dates()
    assert d["last"] == "2024-04-17"


def test_site_summary_spans_two_years_of_daily_history(client: TestClient) -> None:
    r = client.get("/sites/saky/summary")
    assert r.status_code == 200, r.text
    s = r.json()
    assert s["dates"][0] == "2022-06-01" and s["dates"][-1] == "2024-04-17"
    assert len(s["dates"]) == 687  # every day, over a year and a half
    assert s["site"]["id"] == "saky" and s["synthetic"] is True
    wide = client.get("/sites/saky/summary", params={"from": "2022-06-01", "to": "2024-06-01"})
    assert wide.status_code == 200 and len(wide.json()["dates"]) == 732
    bad = client.get("/sites/saky/summary", params={"from": "2024-01-01", "to": "2023-01-01"})
    assert bad.status_code == 400 and "from" in bad.json()["detail"]


def test_factions_have_no_colour_set_so_the_map_chooses(client: TestClient) -> None:
    colours = {f["id"]: f["color"] for f in client.get("/factions").json()}
    assert set(colours) == {"russia", "ukraine"}


def test_exposure_endpoint_distances(client: TestClient) -> None:
    rows = client.get("/exposure", params={"date": "2023-06-01"}).json()
    rows = rows if isinstance(rows, list) else rows["exposure"]
    by = {r["facility"]: r for r in rows}
    assert by["saky"]["distance_km"] == pytest.approx(distance_km("saky", "2023-06-01"), abs=0.1)
    since = {x["system"]: x["since"] for x in by["saky"]["systems_in_reach"]}
    assert since == {"storm-shadow": reach_since("saky")["storm-shadow"]}


def test_reach_is_not_silently_empty_without_against(client: TestClient) -> None:
    fc = client.get("/reach", params={"date": "2023-06-01"}).json()
    systems = {f["properties"]["system"] for f in fc["features"]}
    assert systems == {"himars", "storm-shadow"}
    assert {f["properties"]["faction"] for f in fc["features"]} == {"ukraine"}


def test_front_endpoint_has_a_front(client: TestClient) -> None:
    fc = client.get("/front", params={"date": "2023-06-01"}).json()
    assert fc["features"] and fc["synthetic"] is True


def test_site_summary_reach_dates_follow_the_rules(client: TestClient) -> None:
    s = client.get("/sites/dzhankoi/summary").json()
    by_day = {e["date"]: e for e in s["exposure"]}
    since = {x["system"]: x["since"] for x in by_day["2024-04-17"]["systems_in_reach"]}
    assert since == reach_since("dzhankoi")
    assert not by_day["2023-05-10"]["systems_in_reach"]


def test_change_dates_include_the_day_after_an_end(crimea_ws: Path, tmp_path: Path) -> None:
    import json
    import shutil

    from tests.theatre.crimea import cli

    ws = tmp_path / "ws"
    ws.mkdir()
    shutil.copy(crimea_ws / "basewatch.gpkg", ws / "basewatch.gpkg")
    extra = tmp_path / "extra.json"  # a holding that ends, and one that starts before control
    extra.write_text(json.dumps({"systems": [], "holdings": [
        {"faction": "ukraine", "system": "himars", "valid_from": "2021-01-01",
         "valid_to": "2023-12-31", "source": "test: a made-up end date"}]}), "utf-8")
    cli("weapons", "import", extra, "-w", ws)
    fac = tmp_path / "f.csv"
    fac.write_text("id,name,operator,type,lon,lat,valid_from,valid_to,source\n"
                   "test-site,Test site,russia,base,34.0,45.5,2022-07-04,2023-03-31,test\n",
                   "utf-8")
    cli("import", "facilities", fac, "-w", ws)
    from basewatch.api import create_app

    with TestClient(create_app(ws)) as c:
        changes = c.get("/dates").json()["changes"]
    # the day after each end; a start before the first snapshot is not a stop of its own
    assert {"2024-01-01", "2022-07-04", "2023-04-01"} <= set(changes)
    assert "2021-01-01" not in changes and changes[0] == "2022-06-01"
    assert changes == sorted(set(changes))
