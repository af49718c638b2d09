"""Browser sessions on a server that needs a token for reads: the token posted once comes back
as an HttpOnly, SameSite=Strict cookie that opens reads and pages, never writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from basewatch.api import create_app
from basewatch.api.auth import SESSION_COOKIE
from basewatch.security import Role
from basewatch.store import Workspace
from basewatch.store.tokens import create_token, revoke_token


@pytest.fixture()
def folder(demo_ws: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "ws"
    shutil.copytree(demo_ws, dst)
    return dst


def _token(folder: Path, role: Role) -> tuple[str, str]:
    with Workspace(folder) as ws:
        t, secret = create_token(ws.store, f"session {role.label}", role)
    return t.id, secret


def test_a_session_cookie_opens_reads_and_pages_but_never_writes(folder: Path) -> None:
    _, analyst = _token(folder, Role.ANALYST)
    c = TestClient(create_app(folder, require_token_for_reads=True), follow_redirects=False)
    assert c.get("/dates").status_code == 401
    r = c.get("/site.html?site=tartus")  # a page: to the login page, and back after
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Fsite.html%3Fsite%3Dtartus"
    assert c.get("/login").status_code == 200
    assert c.post("/session").status_code == 401  # no token, no session
    r = c.post("/session", headers={"Authorization": f"Bearer {analyst}"})
    assert r.status_code == 204
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=") and "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
    assert c.get("/dates").status_code == 200  # the client now sends the cookie
    assert c.get("/").status_code in (200, 503)  # the page itself (503: assets not built)
    # a write with the cookie alone is refused although the token is an analyst's
    r = c.post("/tripwires", json={"site": "tartus", "condition": "distance < 30"})
    assert r.status_code == 401
    r = c.post("/tripwires", json={"site": "tartus", "condition": "distance < 30"},
               headers={"Authorization": f"Bearer {analyst}"})
    assert r.status_code == 201
    assert c.delete("/session").status_code == 204
    assert c.get("/dates").status_code == 401


def test_a_revoked_token_ends_its_sessions(folder: Path) -> None:
    tid, reader = _token(folder, Role.READER)
    c = TestClient(create_app(folder, require_token_for_reads=True), follow_redirects=False)
    assert c.post("/session", headers={"Authorization": f"Bearer {reader}"}).status_code == 204
    assert c.get("/dates").status_code == 200
    with Workspace(folder) as ws:
        revoke_token(ws.store, tid)
    assert c.get("/dates").status_code == 401
    assert c.get("/").status_code == 303


def test_open_servers_need_no_session(folder: Path) -> None:
    c = TestClient(create_app(folder), follow_redirects=False)
    assert c.get("/dates").status_code == 200
    assert c.get("/site.html?site=tartus").status_code in (200, 503)
