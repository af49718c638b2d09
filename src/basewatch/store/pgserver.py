"""A throwaway local PostgreSQL + PostGIS cluster for tests and benchmarks (never for real data).

initdb into a temporary folder (as the ``postgres`` user when run as root, since initdb refuses
root), pg_ctl on 127.0.0.1 with a free port, trust authentication, fsync off.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
from pathlib import Path

__all__ = ["PgServer", "has_postgis", "pg_bindir"]

PG_BIN_DIRS = [Path("/usr/lib/postgresql/15/bin"), *sorted(Path("/usr/lib/postgresql").glob("*/bin"))]


def pg_bindir() -> Path | None:
    """Where initdb and pg_ctl live (Debian: /usr/lib/postgresql/<version>/bin), or None."""
    for d in PG_BIN_DIRS:
        if (d / "initdb").exists() and (d / "pg_ctl").exists():
            return d
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def has_postgis(bindir: Path) -> bool:
    share = subprocess.run([str(bindir / "pg_config"), "--sharedir"], capture_output=True, text=True,
                           check=False)
    sharedir = Path(share.stdout.strip()) if share.returncode == 0 else bindir.parent.parent / "share"
    cands = [sharedir / "extension", Path("/usr/share/postgresql") / bindir.parent.name / "extension"]
    return any((c / "postgis.control").exists() for c in cands)


class PgServer:
    """A throwaway cluster: initdb in ``root``, trust auth, listening on 127.0.0.1 only."""

    def __init__(self, bindir: Path, root: Path) -> None:
        self.bindir, self.root = bindir, root
        self.data = root / "data"
        self.port = _free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # initdb refuses to run as root
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(root, "postgres")
        self._n = itertools.count()

    def run(self, *cmd: str) -> None:
        subprocess.run([*self.as_user, *cmd], check=True, capture_output=True, cwd=self.root)

    def start(self) -> None:
        self.run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres",
                 "--auth=trust", "-E", "UTF8", "--no-sync")
        opts = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off "
                "-c shared_buffers=32MB -c max_connections=40")
        self.run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"),
                 "-o", opts, "-w", "start")
        self.psql("postgres", "CREATE DATABASE bw_template")
        self.psql("bw_template", "CREATE EXTENSION postgis")
        self.psql("postgres", "CREATE DATABASE bw_plain")  # no PostGIS

    def stop(self) -> None:
        subprocess.run([*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m",
                        "fast", "-w", "stop"], check=False, capture_output=True, cwd=self.root)

    def psql(self, db: str, sql: str) -> None:
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
                        str(self.port), "-U", "postgres", "-d", db, "-c", sql],
                       check=True, capture_output=True)

    def url(self, db: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{db}"

    def new_database(self) -> str:
        """A fresh database with PostGIS enabled and no basewatch tables."""
        name = f"bw_test_{next(self._n)}"
        self.psql("postgres", f"CREATE DATABASE {name} TEMPLATE bw_template")
        return self.url(name)
