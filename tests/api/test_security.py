"""API security: tokens and roles on write endpoints, atomic uploads, size limits, headers,
CORS and path traversal, through FastAPI's TestClient and raw ASGI calls (no sockets)."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from basewatch.api import create_app
from basewatch.api.security import CSP
from basewatch.security import Role
from basewatch.store import STORE_FILENAME, Workspace
from basewatch.store.assessment import TRIPWIRES
from basewatch.store.reports import SOURCES
from basewatch.store.tokens import create_token, revoke_token

HEADER = ("id,name,aliases,operator,type,lon,lat,region,country,valid_from,source,source_url,"
          "source_date,location_precision,date_precision\n")
NEW_SITE = ("t4_test,T-4 test row,,russia,airbase,37.0,34.5,Homs,Syria,2015-09-01,test fixture,"
            ",2024-12-05,approximate,month\n")
BAD_LAT = "x_bad,Bad row,,russia,airbase,37.0,95.2,Homs,Syria,2015-09-01,test fixture,,2024-12-05,exact,month\n"


@pytest.fixture(scope="module")
def folder(demo_ws: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the demo workspace: these tests write to it."""
    dst = tmp_path_factory.mktemp("sec") / "ws"
    shutil.copytree(demo_ws, dst)
    return dst


@pytest.fixture(scope="module")
def tokens(folder: Path) -> dict[str, str]:
    with Workspace(folder) as ws:
        return {r.label: create_token(ws.store, f"test {r.label}", r)[1] for r in Role}


@pytest.fixture(scope="module")
def client(folder: Path) -> Iterator[TestClient]:
    with TestClient(create_app(folder)) as c:
        yield c


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# (method, path, body) of a write the analyst may make; each must be refused below that role.
WRITES: list[tuple[str, str, dict[str, Any]]] = [
    ("POST", "/tripwires", {"json": {"site": "tartus", "condition": "distance < 30"}}),
    ("PUT", "/sources/hi-sutton/grade", {"json": {"reliability": "B", "credibility": 2}}),
    ("POST", "/imports/facilities?filename=sites.csv", {"content": HEADER + NEW_SITE}),
    ("DELETE", "/tripwires/0000000000", {}),
]


@pytest.mark.parametrize(("method", "path", "kw"), WRITES, ids=[w[1] for w in WRITES])
def test_write_without_token_is_401_with_bearer_challenge(client: TestClient, method: str,
                                                          path: str, kw: dict[str, Any]) -> None:
    r = client.request(method, path, **kw)
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert "bearer token" in r.json()["detail"]


@pytest.mark.parametrize(("method", "path", "kw"), WRITES, ids=[w[1] for w in WRITES])
def test_reader_token_cannot_write(client: TestClient, tokens: dict[str, str], method: str,
                                   path: str, kw: dict[str, Any]) -> None:
    r = client.request(method, path, headers=auth(tokens["reader"]), **kw)
    assert r.status_code == 403
    assert "has role reader; this needs analyst" in r.json()["detail"]


def test_analyst_adds_and_removes_a_tripwire(client: TestClient, tokens: dict[str, str],
                                             folder: Path) -> None:
    body = {"site": "Hmeimim", "condition": "p(withdrawal) >= 0.7"}
    r = client.post("/tripwires", json=body, headers=auth(tokens["analyst"]))
    assert r.status_code == 201, r.text
    tid = r.json()["id"]
    assert r.json()["site"] == "khmeimim"  # the alias resolved as in the CLI
    with Workspace(folder) as ws:
        assert [t.condition for t in ws.store.select(TRIPWIRES, {"id": tid})] == [
            "p(withdrawal) >= 0.7"]
    assert client.post("/tripwires", json=body, headers=auth(tokens["analyst"])).status_code == 200
    assert tid in [t["id"] for t in client.get("/tripwires").json()]
    assert client.delete(f"/tripwires/{tid}", headers=auth(tokens["analyst"])).json() == {
        "deleted": tid}
    with Workspace(folder) as ws:
        assert ws.store.select(TRIPWIRES, {"id": tid}) == []
    r = client.delete(f"/tripwires/{tid}", headers=auth(tokens["analyst"]))
    assert r.status_code == 404 and tid in r.json()["detail"]


def test_bad_tripwire_condition_is_400_naming_it(client: TestClient, tokens: dict[str, str]) -> None:
    r = client.post("/tripwires", json={"site": "tartus", "condition": "moon phase == full"},
                    headers=auth(tokens["analyst"]))
    assert r.status_code == 400 and "cannot parse condition 'moon phase == full'" in r.json()["detail"]


def test_analyst_grades_a_source_and_the_grade_is_stored(client: TestClient,
                                                         tokens: dict[str, str],
                                                         folder: Path) -> None:
    r = client.put("/sources/hi-sutton/grade", json={"reliability": "b", "credibility": 2},
                   headers=auth(tokens["analyst"]))
    assert r.status_code == 200, r.text
    assert r.json()["grade"] == "B2" and r.json()["graded_by"] == "test analyst"
    with Workspace(folder) as ws:
        src = ws.store.select(SOURCES, {"id": "hi-sutton"})[0]
    assert (src.reliability, src.default_credibility, src.graded_by) == ("B", 2, "test analyst")
    bad = client.put("/sources/hi-sutton/grade", json={"reliability": "Z", "credibility": 2},
                     headers=auth(tokens["analyst"]))
    assert bad.status_code == 422 and "reliability" in bad.text


def test_token_management_needs_admin(client: TestClient, tokens: dict[str, str]) -> None:
    assert client.get("/tokens", headers=auth(tokens["analyst"])).status_code == 403
    r = client.post("/tokens", json={"name": "ci bot", "role": "reader"},
                    headers=auth(tokens["admin"]))
    assert r.status_code == 201
    made = r.json()
    listed = client.get("/tokens", headers=auth(tokens["admin"])).json()
    row = next(t for t in listed if t["id"] == made["id"])
    assert row["role"] == "reader" and "token" not in row and "sha256" not in row
    assert client.delete(f"/tokens/{made['id']}", headers=auth(tokens["admin"])).json()["revoked"]


def test_revoked_wrong_and_malformed_tokens_are_401(client: TestClient, folder: Path) -> None:
    with Workspace(folder) as ws:
        tok, text = create_token(ws.store, "leaver", Role.ANALYST)
    trip = {"site": "tartus", "condition": "distance < 31"}
    assert client.post("/tripwires", json=trip, headers=auth(text)).status_code == 201
    with Workspace(folder) as ws:
        revoke_token(ws.store, tok.id)
    for presented in (text, text[:-4] + "AAAA", f"bw_{tok.id}.", "not-a-token"):
        r = client.post("/tripwires", json=trip, headers=auth(presented))
        assert r.status_code == 401, presented
        assert r.headers["www-authenticate"] == 'Bearer error="invalid_token"'


def test_token_is_never_stored_in_clear(folder: Path) -> None:
    with Workspace(folder) as ws:
        _, text = create_token(ws.store, "secret keeper", Role.ADMIN)
    secret = text.split(".", 1)[1]
    import hashlib

    stored = b"".join(p.read_bytes() for p in folder.glob(STORE_FILENAME + "*"))
    assert secret.encode() not in stored and text.encode() not in stored
    assert hashlib.sha256(text.encode()).hexdigest().encode() in stored


def _facilities(folder: Path) -> tuple[list[dict[str, Any]], int]:
    with Workspace(folder) as ws:
        return [f.to_dict() for f in ws.facilities()], len(ws.imports())


def test_upload_import_lands_whole_and_reimport_changes_nothing(
        client: TestClient, tokens: dict[str, str], folder: Path) -> None:
    before, n_imports = _facilities(folder)
    r = client.post("/imports/facilities?filename=t4.csv", content=HEADER + NEW_SITE,
                    headers=auth(tokens["analyst"]))
    assert r.status_code == 200, r.text
    rep = r.json()
    assert (rep["path"], rep["parsed"], rep["inserted"], rep["by"]) == ("t4.csv", 1, 1,
                                                                        "test analyst")
    after, n_after = _facilities(folder)
    assert [f["id"] for f in after if f not in before] == ["t4_test"] and n_after == n_imports + 1
    again = client.post("/imports/facilities?filename=t4.csv", content=HEADER + NEW_SITE,
                        headers=auth(tokens["analyst"])).json()
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 1)
    assert _facilities(folder) == (after, n_after)


def test_bad_upload_is_400_naming_line_and_fault_and_writes_nothing(
        client: TestClient, tokens: dict[str, str], folder: Path) -> None:
    before = _facilities(folder)
    good = NEW_SITE.replace("t4_test", "good_row")
    r = client.post("/imports/facilities?filename=mixed.csv", content=HEADER + good + BAD_LAT,
                    headers=auth(tokens["analyst"]))
    assert r.status_code == 400
    detail = r.json()["detail"]
    assert detail.startswith("mixed.csv line 3:") and "95.2" in detail
    assert "bw-upload" not in detail  # the temporary file's name does not leak
    assert _facilities(folder) == before  # the good first row did not land either


def test_upload_filename_cannot_climb_out(client: TestClient, tokens: dict[str, str]) -> None:
    for name in ("../../basewatch.gpkg", "..%2F..%2Fx.csv", "/etc/passwd"):
        r = client.post(f"/imports/facilities?filename={name}", content=HEADER + NEW_SITE,
                        headers=auth(tokens["analyst"]))
        assert r.status_code == 422, name


def test_body_size_limits_are_413(folder: Path, tokens: dict[str, str]) -> None:
    c = TestClient(create_app(folder, max_body_bytes=2000, max_upload_bytes=4000))
    h = auth(tokens["analyst"])
    big = HEADER + NEW_SITE * 60  # ~6 kB
    r = c.post("/imports/facilities", content=big, headers=h)
    assert r.status_code == 413 and "over the limit of 4000 bytes" in r.json()["detail"]
    assert r.headers["content-security-policy"] == CSP

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit counts as it reads
        for _ in range(60):
            yield NEW_SITE.encode()

    r = c.post("/imports/facilities", content=chunks(), headers=h)
    assert r.status_code == 413 and "4000 bytes" in r.json()["detail"]
    r = c.post("/tripwires", content=json.dumps({"site": "x" * 3000, "condition": "p"}),
               headers={**h, "Content-Type": "application/json"})
    assert r.status_code == 413 and "2000 bytes" in r.json()["detail"]
    ok = c.post("/imports/facilities?filename=ok.csv", content=HEADER + NEW_SITE, headers=h)
    assert ok.status_code == 200  # under the limit, the same endpoint works


@pytest.mark.parametrize("path", ["/dates", "/facilities/nowhere", "/static/app.js", "/",
                                  "/openapi.json", "/imports/facilities"])
def test_security_headers_on_every_response(client: TestClient, path: str) -> None:
    r = client.get(path) if path != "/imports/facilities" else client.post(path, content=b"x")
    assert r.headers["content-security-policy"] == CSP
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["x-frame-options"] == "DENY"


PREFLIGHT = {"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST",
             "Access-Control-Request-Headers": "authorization"}


def test_cors_closed_by_default(client: TestClient) -> None:
    r = client.options("/tripwires", headers=PREFLIGHT)
    assert r.status_code == 405 and "access-control-allow-origin" not in r.headers
    r = client.get("/dates", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in r.headers


def test_cors_open_only_to_the_configured_origin(folder: Path) -> None:
    c = TestClient(create_app(folder, cors_origins=["https://maps.example/"]))
    ok = c.options("/tripwires", headers={**PREFLIGHT, "Origin": "https://maps.example"})
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == "https://maps.example"
    assert "authorization" in ok.headers["access-control-allow-headers"].lower()
    bad = c.options("/tripwires", headers=PREFLIGHT)
    assert bad.status_code == 400 and "access-control-allow-origin" not in bad.headers
    got = c.get("/dates", headers={"Origin": "https://maps.example"})
    assert got.headers["access-control-allow-origin"] == "https://maps.example"


def _asgi_get(app: Any, path: str) -> tuple[int, bytes]:
    """GET with ``path`` exactly as a server would hand it over (no client normalisation)."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(msg: dict[str, Any]) -> None:
        sent.append(msg)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
             "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
             "query_string": b"", "headers": [(b"host", b"testserver")],
             "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8000), "app": app}
    asyncio.run(app(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


@pytest.mark.parametrize("path", [
    "/static/../../api/auth.py",  # what a server passes on for a decoded %2e%2e/
    "/static/../../../security.py",
    "/static/..%2f..%2fapi%2fauth.py",
    "/static/%2e%2e/%2e%2e/api/auth.py",
    "/static/vendor/../../../store/tokens.py",
    "/static//etc/passwd",
    "/static/../../../../../../../../etc/passwd",
])
def test_no_path_traversal_out_of_static(folder: Path, path: str) -> None:
    status, body = _asgi_get(create_app(folder), path)
    assert status == 404
    assert b"import" not in body and b"root:" not in body


def test_client_encoded_traversal_is_refused_too(client: TestClient) -> None:
    for p in ("/static/%2e%2e/%2e%2e/api/auth.py", "/static/..%2F..%2Fapi%2Fauth.py",
              "/static/%252e%252e/api/auth.py"):
        r = client.get(p)
        assert r.status_code == 404 and b"def require" not in r.content


def test_reads_can_require_a_reader_token(folder: Path, tokens: dict[str, str]) -> None:
    c = TestClient(create_app(folder, require_token_for_reads=True))
    r = c.get("/dates")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert c.get("/dates", headers=auth(tokens["reader"])).status_code == 200
    assert c.post("/tripwires", json={"site": "tartus", "condition": "distance < 30"},
                  headers=auth(tokens["reader"])).status_code == 403


def test_openapi_documents_the_bearer_scheme_on_writes_only(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    assert doc["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer",
        "description": doc["components"]["securitySchemes"]["bearer"]["description"]}
    paths = doc["paths"]
    for path, method in (("/imports/{kind}", "post"), ("/tripwires", "post"),
                         ("/sources/{source}/grade", "put"), ("/tripwires/{tripwire}", "delete"),
                         ("/tokens", "get")):
        op = paths[path][method]
        assert op["security"] == [{"bearer": []}], path
        assert {"401", "403"} <= set(op["responses"]), path
    assert "security" not in paths["/dates"]["get"]
    assert "application/octet-stream" in paths["/imports/{kind}"]["post"]["requestBody"]["content"]


def test_host_check_stops_dns_rebinding(folder: Path) -> None:
    from basewatch.cli.tokens import allowed_hosts_for

    hosts = allowed_hosts_for("127.0.0.1", None)
    assert hosts == ["127.0.0.1", "localhost"]
    assert allowed_hosts_for("0.0.0.0", None) is None  # behind a proxy: --allowed-host
    c = TestClient(create_app(folder, allowed_hosts=hosts), base_url="http://127.0.0.1:8000")
    assert c.get("/dates").status_code == 200
    assert c.get("/dates", headers={"Host": "localhost:8000"}).status_code == 200
    r = c.get("/dates", headers={"Host": "attacker.example"})
    assert r.status_code == 400 and r.headers["x-frame-options"] == "DENY"
