"""Reads are cached on the store's revision: a repeated read skips the computation, and any
committed change (through the API, the CLI or another process) or an edited workspace file
gives fresh answers."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

import basewatch.api.capabilities as capabilities
from basewatch.api import create_app
from basewatch.security import Role
from basewatch.sources.chips import write_png
from basewatch.store import Workspace
from basewatch.store.tokens import create_token


@pytest.fixture()
def folder(demo_ws: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "ws"
    shutil.copytree(demo_ws, dst)
    return dst


@pytest.fixture()
def client(folder: Path) -> Iterator[TestClient]:
    with TestClient(create_app(folder)) as c:
        yield c


@pytest.fixture()
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = capabilities.site_assessment

    def counting(ws, site, day, hypothesis="withdrawal"):  # type: ignore[no-untyped-def]
        calls.append(site.id)
        return real(ws, site, day, hypothesis)

    monkeypatch.setattr(capabilities, "site_assessment", counting)
    return calls


Q = {"site": "tartus", "date": "2024-12-05"}


def test_a_repeated_read_is_served_without_recomputing(client: TestClient, counted: list[str]):
    a = client.get("/assessment", params=Q)
    b = client.get("/assessment", params=Q)
    assert a.status_code == b.status_code == 200
    assert a.content == b.content and a.headers["etag"] == b.headers["etag"]
    assert counted == ["tartus"]
    # a conditional request is answered from the cache too
    c = client.get("/assessment", params=Q, headers={"If-None-Match": a.headers["etag"]})
    assert c.status_code == 304 and counted == ["tartus"]
    # another question is computed
    client.get("/assessment", params={**Q, "date": "2024-12-04"})
    assert counted == ["tartus", "tartus"]


def test_a_committed_change_anywhere_gives_a_fresh_answer(client: TestClient, folder: Path,
                                                          counted: list[str]):
    before = client.get("/tripwires").json()
    client.get("/assessment", params=Q)
    with Workspace(folder) as ws:  # another process writes: a token, say
        token = create_token(ws.store, "cache test", Role.ANALYST)[1]
    client.get("/assessment", params=Q)
    assert counted == ["tartus", "tartus"]
    r = client.post("/tripwires", json={"site": "tartus", "condition": "distance < 31"},
                    headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201
    after = client.get("/tripwires").json()
    assert len(after) == len(before) + 1


def test_a_published_chip_shows_at_once(client: TestClient, folder: Path):
    assert client.get("/imagery/chips", params={"site": "tartus"}).json()["chips"] == []
    write_png(folder / "chips" / "tartus_harbour_S2A_20241203.png", np.zeros((8, 8, 3), np.uint8))
    ids = [c["id"] for c in client.get("/imagery/chips", params={"site": "tartus"}).json()["chips"]]
    assert ids == ["tartus_harbour_S2A_20241203"]


def test_concurrent_identical_reads_compute_once(folder: Path, monkeypatch: pytest.MonkeyPatch):
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    calls: list[str] = []
    real = capabilities.site_assessment
    started = threading.Event()

    def slow(ws, site, day, hypothesis="withdrawal"):  # type: ignore[no-untyped-def]
        calls.append(site.id)
        started.set()
        time.sleep(0.5)  # long enough for the others to arrive while it computes
        return real(ws, site, day, hypothesis)

    monkeypatch.setattr(capabilities, "site_assessment", slow)
    with TestClient(create_app(folder)) as c, ThreadPoolExecutor(6) as pool:
        bodies = list(pool.map(lambda _: c.get("/assessment", params=Q).content, range(6)))
    assert calls == ["tartus"]
    assert len(set(bodies)) == 1 and b"tartus" in bodies[0]
