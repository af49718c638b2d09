"""The API over a PostGIS store (a team's deployment): the same answers as over the embedded
store, the revision-keyed cache refreshed by a write from another client, writes with tokens."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from basewatch.api import create_app
from basewatch.security import Role
from basewatch.store import Workspace
from basewatch.store.tokens import create_token
from basewatch.store.transfer import copy_store
from tests.store.conftest import pg_server, pg_url  # noqa: F401  (the PostGIS fixtures)


@pytest.fixture
def demo_in_postgis(demo_ws: Path, pg_url: str) -> str:
    with Workspace(demo_ws) as src, Workspace(store_url=pg_url, create=True) as dst:
        copy_store(src.store, dst.store)
    return pg_url


PATHS = ["/facilities?limit=20", "/control?date=2024-12-05", "/front?date=2024-12-05",
         "/exposure?date=2024-12-04&site=khmeimim", "/assessment?site=tartus&date=2024-12-05",
         "/flights/events?site=OSLK&date=2024-12-04", "/claims?limit=5"]


def test_answers_equal_the_embedded_store_and_writes_refresh_reads(
        demo_ws: Path, demo_in_postgis: str, tmp_path: Path) -> None:
    folder = tmp_path / "no-gpkg-here"  # the PostGIS store needs no workspace file
    folder.mkdir()
    # ... but the analyst's likelihood table is a file of the workspace folder (docs/assessment.md)
    shutil.copy(demo_ws / "likelihoods.json", folder / "likelihoods.json")
    with TestClient(create_app(demo_ws, store_url="")) as local, \
            TestClient(create_app(folder, store_url=demo_in_postgis)) as team:
        for path in PATHS:
            a, b = local.get(path), team.get(path)
            assert a.status_code == b.status_code == 200, (path, b.text)
            assert a.json() == b.json(), path
        with Workspace(store_url=demo_in_postgis) as ws:
            token = create_token(ws.store, "team analyst", Role.ANALYST)[1]
        n = len(team.get("/tripwires").json())
        r = team.post("/tripwires", json={"site": "khmeimim", "condition": "distance < 20"},
                      headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 201, r.text
        assert len(team.get("/tripwires").json()) == n + 1
        assert len(local.get("/tripwires").json()) == n  # the embedded store is untouched
