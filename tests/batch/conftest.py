"""Fixtures of the batch tests: one two-worker LocalCluster (processes) for the session, the
demo workspace copied per test, the demo's synthetic scenes on a loopback STAC API."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("distributed")


@pytest.fixture(scope="session")
def cluster() -> Iterator[Any]:
    """A LocalCluster of two worker processes, one thread each (as `basewatch batch` makes)."""
    import logging

    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0", silence_logs=logging.ERROR) as c:
        yield c


@pytest.fixture
def client(cluster: Any) -> Iterator[Any]:
    from distributed import Client

    with Client(cluster) as cl:
        yield cl


@pytest.fixture
def ws_copy(demo_ws: Path, tmp_path: Path) -> Path:
    """A copy of the session's demo workspace that a test may change."""
    dst = tmp_path / "ws"
    shutil.copytree(demo_ws, dst)
    return dst


@pytest.fixture(scope="session")
def demo_stac(tmp_path_factory: pytest.TempPathFactory, demo_ws: Path) -> Iterator[Any]:
    """The demo's SYNTHETIC scenes over Tartus (`imagery serve-synthetic`) on 127.0.0.1."""
    from basewatch.demo.imagery_scenes import demo_catalog
    from basewatch.demo.stac_server import LoopbackStac
    from basewatch.store import Workspace
    from basewatch.store.imagery import site_areas

    with Workspace(demo_ws) as ws:
        basin = next(a for a in site_areas(ws.store, "tartus") if a.kind == "water")
    root = tmp_path_factory.mktemp("batch-scenes")
    srv = LoopbackStac(root)
    srv.items = demo_catalog(root, basin.geometry, srv.url)
    with srv:
        yield srv
