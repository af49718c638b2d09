"""A real PostgreSQL + PostGIS server for the store tests: initdb into a temporary folder,
pg_ctl on 127.0.0.1 with a free port, stopped at the end of the session. No mock database."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from basewatch.store.pgserver import PgServer, has_postgis, pg_bindir


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    bindir = pg_bindir()
    if bindir is None or shutil.which("psql") is None:
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl, psql) are missing: "
                    "apt-get install -y postgresql-15-postgis-3 (scripts/test.sh does it)")
    if not has_postgis(bindir):
        pytest.skip("PostGIS is missing: apt-get install -y postgresql-15-postgis-3")
    # pytest's own temporary folders are private to root; the server user needs its own.
    root = Path(tempfile.mkdtemp(prefix="basewatch-pg-"))
    server = PgServer(bindir, root)
    try:
        server.start()
    except subprocess.CalledProcessError as exc:
        log = (root / "log").read_text() if (root / "log").exists() else ""
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"could not start PostgreSQL: {exc.stderr!r} {log[-2000:]}")
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    return pg_server.new_database()


@pytest.fixture(params=["gpkg", "postgis"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[..., object]:
    """Open a Workspace on either back end: ``backend(create=...)`` -> Workspace."""
    from basewatch.store import Workspace

    url = request.getfixturevalue("pg_url") if request.param == "postgis" else None

    def open_ws(create: bool = False) -> Workspace:
        return Workspace(tmp_path / "ws", create=create, store_url=url)

    open_ws.kind = request.param  # type: ignore[attr-defined]
    return open_ws
