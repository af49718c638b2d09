"""Every write made with a valid token is in the audit trail (admin reads it), refused ones
for their role too; requests without a valid token are not stored."""

from __future__ import annotations

import shutil
from pathlib import Path

from fastapi.testclient import TestClient

from basewatch.api import create_app
from basewatch.security import Role
from basewatch.store import Workspace
from basewatch.store.tokens import AUDIT, create_token


def test_the_audit_trail_names_who_did_what(demo_ws: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    shutil.copytree(demo_ws, folder)
    with Workspace(folder) as ws:
        ids, tok = {}, {}
        for role in Role:
            t, tok[role] = create_token(ws.store, f"desk {role.label}", role)
            ids[role] = t.id
    c = TestClient(create_app(folder))

    def h(role: Role) -> dict[str, str]:
        return {"Authorization": f"Bearer {tok[role]}"}

    body = {"site": "tartus", "condition": "distance < 25"}
    assert c.post("/tripwires", json=body, headers=h(Role.ANALYST)).status_code == 201
    assert c.post("/tripwires", json=body, headers=h(Role.READER)).status_code == 403
    assert c.post("/tripwires", json=body).status_code == 401  # no token: not stored
    assert c.post("/tripwires", json=body,
                  headers={"Authorization": "Bearer bw_000000000000.nope"}).status_code == 401
    assert c.get("/dates", headers=h(Role.ANALYST)).status_code == 200  # a read: not stored
    assert c.get("/audit", headers=h(Role.ANALYST)).status_code == 403
    r = c.get("/audit", headers=h(Role.ADMIN))
    assert r.status_code == 200
    got = [(e["token_id"], e["method"], e["path"], e["status"]) for e in r.json()["entries"]]
    assert got == [(ids[Role.READER], "POST", "/tripwires", 403),
                   (ids[Role.ANALYST], "POST", "/tripwires", 201)]  # newest first
    assert r.json()["entries"][1]["token_name"] == "desk analyst"
    with Workspace(folder) as ws:
        assert len(ws.store.select(AUDIT)) == 2


def test_the_cli_lists_the_audit_trail(demo_ws: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from basewatch.cli.main import app

    folder = tmp_path / "ws"
    shutil.copytree(demo_ws, folder)
    with Workspace(folder) as ws:
        t, secret = create_token(ws.store, "night desk", Role.ANALYST)
    c = TestClient(create_app(folder))
    r = c.delete("/tripwires/0000000000", headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 404
    out = CliRunner().invoke(app, ["tokens", "audit", "-w", str(folder), "--json"])
    assert out.exit_code == 0, out.output
    import json

    rows = json.loads(out.output)
    assert [(e["token_name"], e["method"], e["path"], e["status"]) for e in rows] == [
        ("night desk", "DELETE", "/tripwires/0000000000", 404)]


def test_an_api_import_keeps_the_reach_histories_its_audit_record_does_not_stale(
        demo_ws: Path, tmp_path: Path, monkeypatch) -> None:
    """The audit record of `POST /imports/...` is written after the import: it must not move
    the store's revision, or the reach histories kept right after the import are stale and
    the first `/exposure?date=` evaluates every history again."""
    from basewatch.queries import reach_kept

    folder = tmp_path / "ws"
    shutil.copytree(demo_ws, folder)
    with Workspace(folder) as ws:
        _, tok = create_token(ws.store, "desk", Role.ANALYST)
    c = TestClient(create_app(folder))
    csv = ("id,name,aliases,operator,type,lon,lat,region,country,valid_from,source,source_url,"
           "source_date,location_precision,date_precision\n"
           "t4_test,T-4 test row,,russia,airbase,37.0,34.5,Homs,Syria,2015-09-01,test fixture,"
           ",2024-12-05,approximate,month\n")
    with Workspace(folder) as ws:
        before = ws.store.revision()
    r = c.post("/imports/facilities?filename=t4.csv", content=csv,
               headers={"Authorization": f"Bearer {tok}"})
    assert r.status_code == 200 and r.json()["inserted"] == 1
    with Workspace(folder) as ws:
        assert len(ws.store.select(AUDIT)) == 1  # the audit record is there
        assert ws.store.revision() == before + 1  # the import's commit alone moved it

    def refuse(*a, **k):
        raise AssertionError("evaluated again: the histories kept after the import were stale")

    reach_kept._KEPT.clear()  # nothing kept in this process: read from the store
    monkeypatch.setattr(reach_kept, "reach_history", refuse)
    r = c.get("/exposure", params={"date": "2024-12-04"})
    assert r.status_code == 200
    rows = {x["facility"]: x for x in r.json()}
    assert "t4_test" in rows and rows["t4_test"]["state"] != "not_active"
