"""The capabilities' endpoints answer what the CLI answers, on the demo workspace."""

import pytest
from fastapi.testclient import TestClient

from basewatch.api import create_app


@pytest.fixture(scope="module")
def client(demo_ws):
    return TestClient(create_app(demo_ws))


def test_exposure_claim_c(client):
    r = client.get("/exposure", params={"date": "2024-12-04", "site": "Hmeimim"})
    assert r.status_code == 200
    (k,) = r.json()
    assert 30 <= k["distance_km"] <= 45
    assert {s["since"] for s in k["systems_in_reach"]} == {"2024-12-03"}
    again = client.get("/exposure", params={"date": "2024-12-04", "site": "Hmeimim"},
                       headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304


def test_corridor_claim_d(client):
    ok = client.get("/corridor", params={"from": "Tartus", "to": "Damascus", "date": "2024-12-04"}).json()
    cut = client.get("/corridor", params={"from": "Tartus", "to": "Damascus", "date": "2024-12-04",
                                          "assume_captured": "Hama,Homs"}).json()
    assert ok["connected"] is True and ok["minimum_cut"] == ["Homs"]
    assert cut["connected"] is False
    # A what-if with a capture radius of the call: the answer says which extent it used.
    wide = client.get("/corridor", params={"from": "Tartus", "to": "Damascus", "date": "2024-12-04",
                                           "assume_captured": "Homs", "capture_radius_km": 3}).json()
    assert wide["captures"] == [{"place": "Homs", "extent": "disc 3.0 km", "from": "--capture-radius"}]


def test_assessment_claim_i_and_alerts(client):
    t = client.get("/assessment", params={"site": "tartus", "date": "2024-12-05"}).json()
    assert t["probability"] >= 0.6 and t["steps"]
    series = client.get("/assessment/timeline", params={"site": "tartus", "from": "2024-11-27",
                                                        "to": "2024-12-08"}).json()
    assert len(series) == 12


def test_imagery_and_flights(client):
    rows = client.get("/imagery/counts", params={"site": "tartus"}).json()
    assert any(r["date"] == "2024-12-03" and r["verdict"] == "anomalous" for r in rows)
    ev = client.get("/flights/events", params={"site": "OSLK", "date": "2024-12-04"}).json()
    assert any(e["registration"] == "RA-78847" and e["destination"] == "Moscow area" for e in ev)


def test_flights_daily_is_strict_json(client):
    # The first days have no baseline yet (a NaN rate inside): null in the body, which a
    # browser's JSON.parse accepts; NaN it would refuse.
    import json

    def refuse(token):
        raise AssertionError(f"non-JSON constant {token} in the body")

    r = client.get("/flights/daily", params={"site": "khmeimim"})
    body = json.loads(r.text, parse_constant=refuse)
    first = body["rows"][0]
    assert first["baseline_days"] == 0 and first["baseline_rate"] is None
    assert any(isinstance(row["baseline_rate"], float) for row in body["rows"])


@pytest.mark.parametrize("path,params", [
    ("/exposure", {"date": "2024-12-04", "site": "Atlantis"}),
    ("/corridor", {"from": "Tartus", "to": "Atlantis", "date": "2024-12-04"}),
    ("/assessment", {"site": "Atlantis", "date": "2024-12-05"}),
])
def test_unknown_sites_are_404(client, path, params):
    r = client.get(path, params=params)
    assert r.status_code == 404 and "Atlantis" in r.json()["detail"]
